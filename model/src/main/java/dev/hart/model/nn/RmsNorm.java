package dev.hart.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.io.WeightSource;

/**
 * RMSNorm with a learned weight over the last dimension: {@code x · rsqrt(mean(x²) + eps) · w}
 * (reference {@code LlamaRMSNormFused}; also the {@code ln_wo_grad} modules, whose weight is applied
 * despite their name).
 */
public final class RmsNorm {

    private final NDArray weight;
    private final float eps;

    public RmsNorm(NDArray weight, double eps) {
        if (weight.getShape().dimension() != 1) {
            throw new IllegalArgumentException("RMSNorm weight must be 1-D, found shape " + weight.getShape());
        }
        this.weight = weight;
        this.eps = (float) eps;
    }

    /** Loads {@code <name>.weight} of width {@code dim}. */
    public static RmsNorm load(WeightSource weights, NDManager manager, String name, int dim, double eps) {
        return new RmsNorm(weights.load(manager, name + ".weight", dim), eps);
    }

    public NDArray forward(NDArray x) {
        NDArray inv = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(inv).mul(weight);
    }

    public int dim() {
        return (int) weight.getShape().get(0);
    }
}
