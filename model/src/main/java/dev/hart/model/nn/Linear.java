package dev.hart.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.io.WeightSource;

/**
 * {@code y = x·Wᵀ + b} with W stored transposed ([in, out], contiguous) once at load time, so every call
 * is a plain matmul over the last axis of x (any leading dimensions).
 */
public final class Linear {

    private final NDArray weightT;
    private final NDArray bias;
    private final int in;
    private final int out;

    /** @param weightT [in, out] contiguous; @param bias [out] or null */
    public Linear(NDArray weightT, NDArray bias) {
        if (weightT.getShape().dimension() != 2) {
            throw new IllegalArgumentException("linear weight must be 2-D, found " + weightT.getShape());
        }
        this.weightT = weightT;
        this.bias = bias;
        this.in = (int) weightT.getShape().get(0);
        this.out = (int) weightT.getShape().get(1);
        if (bias != null && bias.getShape().size() != out) {
            throw new IllegalArgumentException("linear bias has shape " + bias.getShape() + ", expected [" + out + "]");
        }
    }

    /** Loads {@code <name>.weight} [out, in] (PyTorch layout) and, if {@code withBias}, {@code <name>.bias} [out]. */
    public static Linear load(WeightSource weights, NDManager manager, String name, int in, int out, boolean withBias) {
        NDArray w = weights.load(manager, name + ".weight", out, in);
        NDArray b = withBias ? weights.load(manager, name + ".bias", out) : null;
        return new Linear(transposeContiguous(w), b);
    }

    /** A contiguous copy of the transpose of a 2-D matrix (reshape of a transposed view forces the copy). */
    public static NDArray transposeContiguous(NDArray w) {
        long rows = w.getShape().get(0);
        long cols = w.getShape().get(1);
        NDArray t = w.transpose().reshape(rows * cols).reshape(cols, rows);
        if (t != w) {
            w.close();
        }
        return t;
    }

    public NDArray forward(NDArray x) {
        NDArray y = x.matMul(weightT);
        return bias == null ? y : y.addi(bias);
    }

    public NDArray weightT() {
        return weightT;
    }

    public NDArray bias() {
        return bias;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}
