package dev.hart.stage.ar;

import dev.hart.model.inference.TensorData;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A stand-in text encoder for checkpoints without a text model (the tiny test configs): each lower-cased word maps to
 * a fixed Gaussian vector seeded by the word's hash, padded to T tokens. The same prompt always gives the same
 * context, and different prompts give different ones, which is all the pipeline tests and benchmarks need. It is not
 * HART's Qwen2 encoder; real checkpoints use that one.
 */
public final class HashedPromptEncoder implements PromptEncoder {
    private static final String SYSTEM_WORD = "<system>";
    private final int tokens;
    private final int dim;

    public HashedPromptEncoder(int tokens, int dim) {
        if (tokens < 1 || dim < 1) {
            throw new IllegalArgumentException("context tokens and dim must be >= 1, got " + tokens + " x " + dim);
        }
        this.tokens = tokens;
        this.dim = dim;
    }

    @Override
    public String describe() {
        return "hashed-word stand-in encoder (" + tokens + " x " + dim + ")";
    }

    @Override
    public PromptContext encode(List<String> prompts, boolean useSystemPrompt) {
        int b = prompts.size();
        float[] ctx = new float[b * tokens * dim];
        long[] mask = new long[b * tokens];
        long[] pos = new long[b * tokens];
        for (int r = 0; r < b; r++) {
            String prompt = prompts.get(r) == null ? "" : prompts.get(r);
            String[] words = prompt.toLowerCase(Locale.ROOT).trim().split("\\s+");
            int w = 0;
            long position = -1;
            for (int t = 0; t < tokens; t++) {
                String word = null;
                if (useSystemPrompt && t == 0) {
                    word = SYSTEM_WORD;
                } else if (w < words.length) {
                    word = words[w++];
                }
                int row = r * tokens + t;
                if (word != null) {
                    mask[row] = 1;
                    position++;
                    SplittableRandom rnd = new SplittableRandom(hash(word));
                    for (int k = 0; k < dim; k++) {
                        ctx[row * dim + k] = (float) gaussian(rnd);
                    }
                }
                pos[row] = Math.max(0, position);
            }
        }
        return new PromptContext(new TensorData(new long[] {b, tokens, dim}, ctx), mask, pos);
    }

    private static long hash(String word) {
        long h = 1125899906842597L;
        for (byte x : word.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + x;
        }
        return h;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
