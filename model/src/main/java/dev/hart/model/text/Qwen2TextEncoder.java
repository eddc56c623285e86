package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.Trace;
import dev.hart.model.io.ShardedWeights;
import dev.hart.model.io.WeightSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HART's text encoder: the Qwen2 tokenizer and model, and {@code encode_prompts} of the reference
 * (hart/utils/tools.py) on top.
 *
 * <p>Each prompt is tokenized with truncation and padding to {@code maxLength} (300 in HART); HART's
 * mask is {@code ids != pad} (so a literal pad token typed in a prompt is masked too) and its position
 * ids are {@code cumsum(mask) - 1}. With the system prompt on (HART's default) the system prompt's
 * tokens - tokenized with the same {@code maxLength} and truncation, no padding - are prepended to every
 * row with mask ones, the model runs on both, and only the prompt's positions are kept. The model itself
 * uses positions 0..S+T-1 whatever the mask. Because attention is causal, the system prompt's part does
 * not depend on the prompt: it is computed once per max length and its keys/values are reused
 * ({@link Qwen2Model.Prefix}), so each call runs only the T prompt positions. The returned context includes the hidden states of padded
 * positions (HART uses them).
 *
 * <p>Thread-safe: weights are read-only and every call scopes its native memory in a sub-manager.
 */
public final class Qwen2TextEncoder implements AutoCloseable {

    /** HART's {@code llm_system_prompt} (hart/utils/constants.py), byte for byte. */
    public static final String HART_SYSTEM_PROMPT =
            "Given a user prompt, generate an \"Enhanced prompt\" that provides detailed visual descriptions suitable for image generation.\n"
            + "\n"
            + "Examples:\n"
            + "- User Prompt: A cat sleeping -> A small, fluffy white cat curled up in a round shape, sleeping peacefully on a warm sunny windowsill, surrounded by pots of blooming red flowers.\n"
            + "- User Prompt: A busy city street -> A bustling city street scene at dusk, featuring glowing street lamps, a diverse crowd of people in colorful clothing, and a double-decker bus passing by towering glass skyscrapers.\n"
            + "\n"
            + "Please generate only the enhanced description for the prompt below and DO NOT include any additional sentences. Start your response with \"Enhanced Prompt:\".\n"
            + "\n"
            + "User Prompt:\n";

    /** HART's {@code text_tokenizer_max_length}. */
    public static final int DEFAULT_MAX_LENGTH = 300;

    private final NDManager manager;
    private final Qwen2Model model;
    private final Qwen2Tokenizer tokenizer;
    private final int maxLength;
    private final Map<Integer, Qwen2Model.Prefix> systemPrefixes = new ConcurrentHashMap<>();

    private Qwen2TextEncoder(NDManager manager, Qwen2Model model, Qwen2Tokenizer tokenizer, int maxLength) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("max_length must be positive, got " + maxLength);
        }
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** Loads a Hugging Face Qwen2 checkpoint directory with HART's max length (300). */
    public static Qwen2TextEncoder load(Path dir) {
        return load(dir, DEFAULT_MAX_LENGTH);
    }

    /**
     * Loads {@code config.json}, {@code model.safetensors} (or the sharded index) with tensors named
     * {@code model.*} ({@code model.language_model.*} for a Qwen2-VL checkpoint saved by transformers 5;
     * the LM head and vision tower are ignored), {@code tokenizer.json} and {@code tokenizer_config.json}.
     */
    public static Qwen2TextEncoder load(Path dir, int maxLength) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("text encoder checkpoint directory does not exist: " + dir.toAbsolutePath());
        }
        Qwen2Config config = Qwen2Config.load(dir);
        WeightSource all = ShardedWeights.openSafetensorsDirectory(dir);
        try {
            String prefix = modelPrefix(all, dir);
            Qwen2Tokenizer tokenizer = Qwen2Tokenizer.load(dir);
            try {
                return create(config, all.withPrefix(prefix), tokenizer, maxLength);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        } finally {
            // Weights are copied into native memory at load; the mapped files are no longer needed.
            if (all instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing a read-only file channel
                }
            }
        }
    }

    private static String modelPrefix(WeightSource weights, Path dir) {
        for (String p : new String[] {"model.", "model.language_model.", ""}) {
            if (weights.contains(p + "embed_tokens.weight")) {
                return p;
            }
        }
        throw new IllegalArgumentException(dir + ": no Qwen2 token embedding ('model.embed_tokens.weight') in the checkpoint");
    }

    /** An encoder over given weights (named as in Qwen2Model, without the {@code model.} prefix); takes ownership of the tokenizer. */
    public static Qwen2TextEncoder create(Qwen2Config config, WeightSource modelWeights, Qwen2Tokenizer tokenizer, int maxLength) {
        NDManager manager = dev.hart.model.nn.ComputeDevice.newRootManager();
        try {
            Qwen2Model model = Qwen2Model.load(config, modelWeights, manager);
            return new Qwen2TextEncoder(manager, model, tokenizer, maxLength);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public Qwen2Config config() {
        return model.config();
    }

    public Qwen2Model model() {
        return model;
    }

    public Qwen2Tokenizer tokenizer() {
        return tokenizer;
    }

    public int maxLength() {
        return maxLength;
    }

    public int hiddenSize() {
        return model.config().hiddenSize();
    }

    /** HART's encoding of a batch with the encoder's max length and the checkpoint's padding side. */
    public PromptEncoding encode(List<String> prompts, boolean useSystemPrompt) {
        return encode(prompts, useSystemPrompt, maxLength, tokenizer.paddingSide(), Trace.NONE);
    }

    /**
     * HART's {@code encode_prompts}. The trace receives what the text model was given and returned:
     * {@code model_input_ids}, {@code model_attention_mask}, {@code model_hidden_last}, and with the system
     * prompt {@code system_prompt_tokens} [1, S].
     */
    public PromptEncoding encode(List<String> prompts, boolean useSystemPrompt, int maxLength, PaddingSide side, Trace trace) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("need at least one prompt to encode");
        }
        if (maxLength <= 0) {
            throw new IllegalArgumentException("max_length must be positive, got " + maxLength);
        }
        int b = prompts.size();
        int t = maxLength;
        long pad = tokenizer.padTokenId();
        long[] tokens = new long[b * t];
        long[] mask = new long[b * t];
        long[] positions = new long[b * t];
        for (int i = 0; i < b; i++) {
            String p = prompts.get(i);
            if (p == null) {
                throw new IllegalArgumentException("prompt " + i + " is null");
            }
            long[] ids = tokenizer.tokenize(p, t, true, side).ids();
            long count = 0;
            for (int j = 0; j < t; j++) {
                tokens[i * t + j] = ids[j];
                mask[i * t + j] = ids[j] != pad ? 1 : 0;
                count += mask[i * t + j];
                positions[i * t + j] = count - 1;
            }
        }
        JniUtils.setGradMode(false);
        Qwen2Model.Prefix prefix = useSystemPrompt ? systemPrefix(t) : null;
        float[] context;
        try (NDManager m = manager.newSubManager()) {
            NDArray ids = m.create(tokens, new Shape(b, t));
            NDArray attention = m.create(mask, new Shape(b, t));
            NDArray hidden = prefix == null ? model.forward(ids, attention, Trace.NONE)
                    : model.forward(ids, attention, prefix, Trace.NONE);
            if (trace.enabled()) {
                traceModelCall(m, trace, prefix, ids, attention, hidden, b);
            }
            context = hidden.toType(DataType.FLOAT32, false).toFloatArray();
        }
        return new PromptEncoding(b, t, hiddenSize(), context, tokens, mask, positions);
    }

    /**
     * The system prompt run through the model once per max length (it is truncated to max length) and
     * reused: under a causal mask its hidden states, keys and values do not depend on what follows.
     */
    private Qwen2Model.Prefix systemPrefix(int maxLength) {
        return systemPrefixes.computeIfAbsent(maxLength,
                l -> model.prefix(tokenizer.tokenize(HART_SYSTEM_PROMPT, l, false).ids(), manager));
    }

    /** Records what the reference's text model call receives and returns: [system; prompt] ids, mask, hidden states. */
    private static void traceModelCall(NDManager m, Trace trace, Qwen2Model.Prefix prefix, NDArray ids, NDArray attention,
                                       NDArray hidden, int b) {
        if (prefix == null) {
            trace.record("model_input_ids", ids);
            trace.record("model_attention_mask", attention);
            trace.record("model_hidden_last", hidden);
            return;
        }
        int s = prefix.length();
        NDArray system = m.create(prefix.ids(), new Shape(1, s));
        trace.record("system_prompt_tokens", system);
        trace.record("model_input_ids", system.broadcast(b, s).concat(ids, 1));
        trace.record("model_attention_mask", m.ones(new Shape(b, s), DataType.INT64).concat(attention, 1));
        NDArray systemHidden = prefix.lastHidden().duplicate();
        systemHidden.attach(m);
        trace.record("model_hidden_last", systemHidden.broadcast(b, s, hidden.getShape().get(2)).concat(hidden, 1));
    }

    @Override
    public void close() {
        systemPrefixes.values().forEach(Qwen2Model.Prefix::close);
        try {
            model.close();
        } finally {
            manager.close();
            tokenizer.close();
        }
    }
}
