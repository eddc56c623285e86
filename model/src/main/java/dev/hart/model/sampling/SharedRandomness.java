package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.RandomSource;

/**
 * Every draw is one batch-wide tensor from a single source, as the reference's per-batch generator makes
 * it; used to replay parity tapes (whose exponential draws are recorded as [B, l, V]).
 */
public final class SharedRandomness implements ScaleRandomness {

    private final RandomSource source;

    public SharedRandomness(RandomSource source) {
        this.source = source;
    }

    @Override
    public NDArray exponential(NDManager manager, int batch, long l, long v) {
        return source.exponential(manager, new Shape(batch, l, v));
    }

    @Override
    public NDArray uniform(NDManager manager, int batch, long l) {
        return source.exponential(manager, new Shape(batch, l, 1)).neg().exp().neg().add(1f);
    }

    @Override
    public ScaleRandomness rows(int[] rows) {
        return this;
    }
}
