package dev.hart.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication by a scalar held in torch memory, for tensors autograd may differentiate.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code pow}) wraps the scalar in a tensor over a
 * Java direct buffer and closes it as soon as the op returns. Autograd keeps that tensor for the backward
 * pass of a product, and once the garbage collector frees the buffer the backward pass reads freed memory:
 * the demo trainer saw NaN or silently wrong gradients in a few percent of its steps, and none with
 * garbage collection switched off. A scalar made by {@code full} lives in torch memory and is
 * reference-counted by the graph.
 */
public final class TorchScalars {

    private TorchScalars() {
    }

    /** {@code x · v} with a torch-owned scalar. */
    public static NDArray mul(NDArray x, float v) {
        try (NDArray s = x.getManager().full(new Shape(), v)) {
            return x.mul(s);
        }
    }
}
