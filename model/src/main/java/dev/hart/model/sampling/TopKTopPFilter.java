package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The reference's {@code sample_with_top_k_top_p_} masking, applied IN PLACE to the logits it is given
 * (the reference mutates its argument, and the gumbel smoothing afterwards sees the masked logits, spec
 * 8.13 — callers that need the raw logits pass a copy).
 *
 * <ul>
 *   <li>top-k (k &gt; 0): entries strictly smaller than the k-th largest value become −inf (ties with the
 *       k-th value survive);</li>
 *   <li>top-p (p &gt; 0): sort ascending, softmax, cumulative sum; entries whose cumulative sum is ≤ 1 − p
 *       become −inf, the largest entry is always kept.</li>
 * </ul>
 */
public final class TopKTopPFilter {

    private TopKTopPFilter() {
    }

    /**
     * Masks {@code logits} [..., V] in place and returns it.
     *
     * @param topK 0 disables; values above V are treated as V (nothing removed)
     * @param topP 0 disables
     */
    public static NDArray filterInPlace(NDArray logits, int topK, double topP) {
        long v = logits.getShape().get(logits.getShape().dimension() - 1);
        if (topK < 0 || topP < 0 || topP > 1 || Double.isNaN(topP)) {
            throw new IllegalArgumentException("top_k must be >= 0 and top_p in [0, 1], got top_k=" + topK + ", top_p=" + topP);
        }
        if (topK > 0 && topK < v) {
            NDArray kth = logits.topK(topK, -1, true, false).get(0).min(new int[] {-1}, true);
            NDArray remove = logits.lt(kth);
            logits.set(remove, Float.NEGATIVE_INFINITY);
        }
        if (topP > 0) {
            NDArray order = logits.argSort(-1, true);
            NDArray sorted = logits.gather(order, -1);
            NDArray cumulative = sorted.softmax(-1).cumSum(-1);
            // the largest entry (last in ascending order) always survives
            cumulative.set(new NDIndex("..., -1"), Float.POSITIVE_INFINITY);
            NDArray removeSorted = cumulative.lte((float) (1 - topP));
            // back to vocabulary order: position order[j] takes removeSorted[j]
            NDArray inverse = order.argSort(-1, true);
            NDArray remove = removeSorted.gather(inverse, -1);
            logits.set(remove, Float.NEGATIVE_INFINITY);
        }
        return logits;
    }
}
