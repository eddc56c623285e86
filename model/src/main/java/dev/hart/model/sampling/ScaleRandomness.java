package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The random draws the autoregressive loop makes for a whole batch at one scale.
 *
 * <p>Two ways to back it, because the reference and the product differ: {@link PerRequestRandomness}
 * takes each request's rows from that request's own {@link dev.hart.model.RandomSource} (production: an
 * image never depends on its batch neighbours), {@link SharedRandomness} draws the whole batch tensor from
 * one source at once (the reference's batch-wide generator; the parity tape records draws this way).
 */
public interface ScaleRandomness {

    /** Exponential(1) draws [B, l, V] for the gumbel smoothing. */
    NDArray exponential(NDManager manager, int batch, long l, long v);

    /** Uniform [0, 1) draws [B, l, 1] for a categorical draw. */
    NDArray uniform(NDManager manager, int batch, long l);

    /** The randomness of a subset of rows (for rows sampled with different parameters). */
    ScaleRandomness rows(int[] rows);
}
