package dev.hart.model.text;

import ai.djl.ndarray.NDArray;

/** Qwen2's RMSNorm over the last axis: {@code weight * x / sqrt(mean(x^2) + eps)}, in float32. */
final class RmsNorm {

    private final NDArray weight;
    private final float eps;

    RmsNorm(NDArray weight, double eps) {
        this.weight = weight;
        this.eps = (float) eps;
    }

    /** The result belongs to {@code x}'s manager. */
    NDArray apply(NDArray x) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }
}
