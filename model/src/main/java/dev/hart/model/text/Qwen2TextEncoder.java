package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.Trace;
import dev.hart.model.io.ShardedSafeTensors;
import dev.hart.model.io.WeightSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * HART's text encoder: the Qwen2 tokenizer and model, and {@code encode_prompts} of the reference
 * (hart/utils/tools.py) on top.
 *
 * <p>Each prompt is tokenized with truncation and padding to {@code maxLength} (300 in HART); HART's
 * mask is {@code ids != pad} (so a literal pad token typed in a prompt is masked too) and its position
 * ids are {@code cumsum(mask) - 1}. With the system prompt on (HART's default) the system prompt's
 * tokens - tokenized with the same {@code maxLength} and truncation, no padding - are prepended to every
 * row with mask ones, the model runs on both, and only the prompt's positions are kept. The model itself
 * uses positions 0..S+T-1 whatever the mask. The returned context includes the hidden states of padded
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
        WeightSource all = ShardedSafeTensors.openDirectory(dir);
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
        NDManager manager = NDManager.newBaseManager();
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
        long[] system = useSystemPrompt ? tokenizer.tokenize(HART_SYSTEM_PROMPT, t, false, side).ids() : new long[0];
        int s = system.length;
        int total = s + t;
        long[] modelIds = new long[b * total];
        long[] modelMask = new long[b * total];
        for (int i = 0; i < b; i++) {
            System.arraycopy(system, 0, modelIds, i * total, s);
            Arrays.fill(modelMask, i * total, i * total + s, 1L);
            System.arraycopy(tokens, i * t, modelIds, i * total + s, t);
            System.arraycopy(mask, i * t, modelMask, i * total + s, t);
        }

        JniUtils.setGradMode(false);
        float[] context;
        try (NDManager m = manager.newSubManager()) {
            NDArray ids = m.create(modelIds, new Shape(b, total));
            NDArray attention = m.create(modelMask, new Shape(b, total));
            NDArray hidden = model.forward(ids, attention, Trace.NONE);
            if (trace.enabled()) {
                trace.record("model_input_ids", ids);
                trace.record("model_attention_mask", attention);
                trace.record("model_hidden_last", hidden);
                if (useSystemPrompt) {
                    trace.record("system_prompt_tokens", m.create(system, new Shape(1, s)));
                }
            }
            NDArray kept = s == 0 ? hidden : hidden.get(":, " + s + ":, :");
            context = kept.toType(DataType.FLOAT32, false).toFloatArray();
        }
        return new PromptEncoding(b, t, hiddenSize(), context, tokens, mask, positions);
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            manager.close();
            tokenizer.close();
        }
    }
}
