package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import dev.hart.model.checkpoint.ParamLoader;

/** A square 2D convolution with bias, weights [out, in, k, k] as stored by PyTorch. */
final class Conv2d {

    private final NDArray weight;
    private final NDArray bias;
    private final int stride;
    private final int padding;

    private Conv2d(NDArray weight, NDArray bias, int stride, int padding) {
        this.weight = weight;
        this.bias = bias;
        this.stride = stride;
        this.padding = padding;
    }

    static Conv2d load(ParamLoader p, int in, int out, int kernel, int stride, int padding) {
        return new Conv2d(p.get("weight", out, in, kernel, kernel), p.get("bias", out), stride, padding);
    }

    /** 3×3, stride 1, padding 1. */
    static Conv2d same3x3(ParamLoader p, int in, int out) {
        return load(p, in, out, 3, 1, 1);
    }

    static Conv2d pointwise(ParamLoader p, int in, int out) {
        return load(p, in, out, 1, 1, 0);
    }

    NDArray forward(NDArray x) {
        return VaeOps.conv2d(x, weight, bias, stride, padding);
    }
}
