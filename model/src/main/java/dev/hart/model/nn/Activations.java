package dev.hart.model.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise activations written out with DJL ops (DJL's gelu is the erf form). */
public final class Activations {

    private Activations() {
    }

    /** SiLU {@code x·sigmoid(x)}. */
    public static NDArray silu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x));
    }

    /** GELU, tanh approximation: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.pow(3).muli(0.044715f).addi(x).muli((float) Math.sqrt(2.0 / Math.PI));
        return inner.tanh().addi(1f).muli(x).muli(0.5f);
    }
}
