package dev.hart.stage.ar;

import dev.hart.model.config.HartConfig;
import dev.hart.model.inference.TensorData;
import dev.hart.model.text.PromptEncoding;
import dev.hart.model.text.Qwen2TextEncoder;

import java.nio.file.Path;
import java.util.List;

/**
 * HART's text conditioning: the Qwen2 text model's last hidden states of each prompt (HART's {@code encode_prompts}),
 * padded/truncated to the checkpoint's {@code context_token}.
 */
public final class Qwen2PromptEncoder implements PromptEncoder {

    private final Qwen2TextEncoder encoder;
    private final Path dir;
    private final boolean systemPromptAllowed;
    private final int contextToken;
    private final int maxTokenLength;

    /**
     * @param systemPromptAllowed false for checkpoints trained without HART's system prompt (their llm/config.json
     *                            says {@code "use_llm_system_prompt": false}); requests then encode without it
     */
    public Qwen2PromptEncoder(Path textModelDir, HartConfig config, boolean systemPromptAllowed) {
        this(textModelDir, config, systemPromptAllowed, config.contextToken());
    }

    /**
     * @param maxTokenLength the reference's {@code max_token_length}: prompts are tokenized (truncated and padded) to
     *                       this many tokens, 1..context_token. The reference asserts it equals the checkpoint's
     *                       {@code context_token} (300); a smaller value truncates long prompts further and pads the
     *                       rest of the context with masked positions, which the transformer ignores
     */
    public Qwen2PromptEncoder(Path textModelDir, HartConfig config, boolean systemPromptAllowed, int maxTokenLength) {
        if (maxTokenLength < 1 || maxTokenLength > config.contextToken()) {
            throw new IllegalArgumentException("--max-token-length must be 1.." + config.contextToken()
                    + " (the checkpoint's context_token), got " + maxTokenLength);
        }
        this.dir = textModelDir;
        this.contextToken = config.contextToken();
        this.maxTokenLength = maxTokenLength;
        this.encoder = Qwen2TextEncoder.load(textModelDir, maxTokenLength);
        this.systemPromptAllowed = systemPromptAllowed;
        if (encoder.hiddenSize() != config.contextDim()) {
            encoder.close();
            throw new IllegalArgumentException("text model at " + textModelDir + " has hidden size " + encoder.hiddenSize()
                    + " but the transformer's context_dim is " + config.contextDim());
        }
    }

    @Override
    public String describe() {
        return "qwen2 text model at " + dir.toAbsolutePath() + (systemPromptAllowed ? "" : " (no system prompt)")
                + (maxTokenLength == contextToken ? "" : ", max " + maxTokenLength + " tokens");
    }

    @Override
    public PromptContext encode(List<String> prompts, boolean useSystemPrompt) {
        PromptEncoding e = encoder.encode(prompts, useSystemPrompt && systemPromptAllowed);
        if (maxTokenLength == contextToken) {
            return new PromptContext(new TensorData(new long[] {e.batch(), e.length(), e.hidden()}, e.context()),
                    e.mask(), e.positionIds());
        }
        // pad each prompt's encoding from max_token_length to context_token with masked (zero) positions
        int b = e.batch();
        int n = maxTokenLength;
        int t = contextToken;
        int h = e.hidden();
        float[] context = new float[b * t * h];
        long[] mask = new long[b * t];
        long[] positions = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(e.context(), i * n * h, context, i * t * h, n * h);
            System.arraycopy(e.mask(), i * n, mask, i * t, n);
            System.arraycopy(e.positionIds(), i * n, positions, i * t, n);
            for (int j = n; j < t; j++) {
                positions[i * t + j] = positions[i * t + n - 1];
            }
        }
        return new PromptContext(new TensorData(new long[] {b, t, h}, context), mask, positions);
    }

    @Override
    public void close() {
        encoder.close();
    }
}
