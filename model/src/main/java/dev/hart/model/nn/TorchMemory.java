package dev.hart.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Tensors in torch-owned memory, for anything autograd may read in a backward pass.
 *
 * <p>DJL's {@code NDManager.create(float[])} wraps a Java direct buffer, and its {@code NDArray.mul(Number)} (also
 * {@code div}, {@code pow}) wraps the scalar the same way and closes it as soon as the op returns. Autograd keeps
 * such tensors for the backward pass, and once the garbage collector frees the buffer the backward pass reads freed
 * memory: the demo trainer saw NaN or silently wrong gradients in a few percent of its steps, and none with garbage
 * collection switched off. Copies made by torch ({@code full}, {@code duplicate}) are reference-counted by the graph.
 */
public final class TorchMemory {

    private TorchMemory() {
    }

    /** {@code x · v} with a torch-owned scalar. */
    public static NDArray mul(NDArray x, float v) {
        try (NDArray s = x.getManager().full(new Shape(), v)) {
            return x.mul(s);
        }
    }

    /** A float32 tensor of {@code data} in torch-owned memory, in manager {@code m}. */
    public static NDArray copyOf(NDManager m, float[] data, Shape shape) {
        try (NDArray wrapped = m.create(data, shape)) {
            return wrapped.duplicate();
        }
    }
}
