package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The reference's {@code gumbel_softmax_with_rng(logits, tau, hard=False)}: {@code g = −log(E)} with
 * {@code E ~ Exp(1)}, {@code y = softmax((logits + g) / tau)} over the last axis.
 */
public final class GumbelSmoothing {

    private GumbelSmoothing() {
    }

    /** HART's temperature for a scale's ratio: {@code max(0.27·(1 − 0.95·ratio), 0.005)}. */
    public static double tau(double ratio) {
        return Math.max(0.27 * (1 - ratio * 0.95), 0.005);
    }

    /**
     * @param logits [..., V] (masked entries −inf get weight 0)
     * @param exponentialDraws Exp(1) draws of the same shape
     */
    public static NDArray softSample(NDArray logits, double tau, NDArray exponentialDraws) {
        if (!logits.getShape().equals(exponentialDraws.getShape())) {
            throw new IllegalArgumentException("gumbel draws have shape " + exponentialDraws.getShape()
                    + " but the logits " + logits.getShape());
        }
        NDArray gumbels = exponentialDraws.log().neg();
        return logits.add(gumbels).div((float) tau).softmax(-1);
    }
}
