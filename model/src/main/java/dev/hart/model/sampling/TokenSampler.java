package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;

/**
 * Picks token indices from filtered probabilities. Production uses {@link InverseCdfTokenSampler} (a
 * categorical draw from the request's own random source); the parity path uses {@link ArgmaxTokenSampler},
 * because the reference vectors replaced {@code torch.multinomial} by argmax over the same probabilities.
 */
public interface TokenSampler {

    /**
     * @param probs [B, l, V] (rows sum to 1; masked entries 0)
     * @param randomness the draws of this batch (ignored by argmax)
     * @return indices [B, l] (INT64)
     */
    NDArray sample(NDArray probs, ScaleRandomness randomness);
}
