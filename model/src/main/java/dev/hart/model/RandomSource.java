package dev.hart.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Every random draw the model makes goes through this interface, in the reference's call order.
 * Production uses {@link SeededRandomSource} seeded by the request's own seed (so an image never depends on
 * its batch neighbours or its worker); parity tests replay the draws recorded from the reference.
 *
 * <p>Draws for a CFG-doubled or multi-request batch are made per request: callers ask for one
 * request's rows at a time when requests must be independent.
 */
public interface RandomSource {

    /** Standard normal samples (torch.randn / randn_like). */
    NDArray randn(NDManager manager, Shape shape);

    /** Exponential(1) samples (Tensor.exponential_, used by the gumbel smoothing). */
    NDArray exponential(NDManager manager, Shape shape);
}
