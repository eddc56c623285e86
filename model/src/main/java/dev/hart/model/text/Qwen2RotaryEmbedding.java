package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Qwen2's default rotary position embedding: {@code inv_freq = theta^(-2i/d)}, angles
 * {@code position * inv_freq} duplicated over both halves of the head, applied as
 * {@code x * cos + rotate_half(x) * sin}. Computed with float32 tensor ops in the order transformers
 * uses, so the angles round the same way.
 *
 * <p>Not {@link dev.hart.model.transformer.RotaryEmbedding}: that one is HART's (base 10000, 1-D for the
 * context and the reference's "2-D" tables for image tokens, per-row position ids, frequencies computed
 * in Java); this one is Qwen2's (config {@code rope_theta}, positions 0..T-1 shared by the batch, frequencies
 * computed by tensor ops as transformers does), and each matches its own reference's rounding.
 */
final class Qwen2RotaryEmbedding {

    private final int headDim;
    private final double theta;

    Qwen2RotaryEmbedding(int headDim, double theta) {
        this.headDim = headDim;
        this.theta = theta;
    }

    /** cos and sin of shape [T, headDim] for positions 0..T-1, in {@code manager}. */
    NDList cosSin(NDManager manager, int length) {
        NDArray exponents = manager.arange(0, headDim, 2, DataType.INT64).toType(DataType.FLOAT32, false).div(headDim);
        NDArray invFreq = manager.ones(new Shape(headDim / 2)).div(manager.full(new Shape(headDim / 2), (float) theta).pow(exponents));
        NDArray positions = manager.arange(0, length, 1, DataType.INT64).toType(DataType.FLOAT32, false);
        NDArray freqs = positions.reshape(length, 1).mul(invFreq.reshape(1, headDim / 2));
        NDArray emb = freqs.concat(freqs, 1);
        return new NDList(emb.cos(), emb.sin());
    }

    /** Applies the rotation to x of shape [B, heads, T, headDim]; cos/sin are [T, headDim]. */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        int half = (int) (x.getShape().get(3) / 2);
        NDList halves = x.split(new long[] {half}, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
