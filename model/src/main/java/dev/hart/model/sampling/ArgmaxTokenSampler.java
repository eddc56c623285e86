package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;

/** Deterministic: the most probable entry (first maximum on ties), as in the parity vectors. */
public final class ArgmaxTokenSampler implements TokenSampler {

    public static final ArgmaxTokenSampler INSTANCE = new ArgmaxTokenSampler();

    @Override
    public NDArray sample(NDArray probs, ScaleRandomness randomness) {
        return probs.argMax(-1);
    }
}
