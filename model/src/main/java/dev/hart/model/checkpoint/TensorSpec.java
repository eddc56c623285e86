package dev.hart.model.checkpoint;

import java.util.Arrays;

/** One tensor a model part expects: its checkpoint name, shape and what kind of values it holds. */
public record TensorSpec(String name, long[] shape, Kind kind) {

    /** How {@link RandomWeights} fills a tensor so activations stay in a sane range. */
    public enum Kind {
        /** Linear / conv weight, std 1/sqrt(fan-in) (fan-in = all dimensions but the first). */
        WEIGHT,
        /** Bias, small. */
        BIAS,
        /** Norm scale, around 1. */
        NORM_WEIGHT,
        /** Embedding table or codebook, std 1. */
        EMBEDDING,
        /** Always zero (e.g. {@code zero_k_bias}, training statistics). */
        ZEROS,
        /** {@code lvl_1L}: the scale of every sequence position (INT64). */
        LEVELS,
        /** {@code attn_bias_for_masking}: 0 where a position may attend, −inf elsewhere. */
        CAUSAL_MASK
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
