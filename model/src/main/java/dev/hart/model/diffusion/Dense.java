package dev.hart.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.hart.model.checkpoint.ParamLoader;

/** {@code y = x·Wᵀ + b} with W [out, in] transposed once at load. */
final class Dense {

    private final NDArray weightT;
    private final NDArray bias;

    private Dense(NDArray weightT, NDArray bias) {
        this.weightT = weightT;
        this.bias = bias;
    }

    static Dense load(ParamLoader p, int in, int out) {
        NDArray w = p.get("weight", out, in);
        NDArray wt = w.transpose().duplicate();
        NDScope.unregister(wt);
        w.close();
        return new Dense(wt, p.get("bias", out));
    }

    NDArray forward(NDArray x) {
        return x.matMul(weightT).addi(bias);
    }
}
