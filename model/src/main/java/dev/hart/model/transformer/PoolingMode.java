package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** How an AdaLN condition pools the T context tokens into one vector (spec 3.2). */
public enum PoolingMode {
    /** Mask-weighted mean; each term is divided by the count before summing, as the reference does. */
    AVG,
    /** Max over all T tokens — padding included, the mask is ignored. */
    MAX;

    public static PoolingMode of(String configValue) {
        return switch (configValue) {
            case "avg" -> AVG;
            case "max" -> MAX;
            default -> throw new IllegalArgumentException("unknown sep_aln_pooling_mode '" + configValue + "' (expected avg or max)");
        };
    }

    /** @param cond [N, T, C]; @param mask [N, T] (0/1, any type); @return [N, C] */
    public NDArray pool(NDArray cond, NDArray mask) {
        if (this == MAX) {
            return cond.max(new int[] {1});
        }
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(-1);               // [N, T, 1]
        NDArray count = m.sum(new int[] {1}, true).maximum(1f);                          // [N, 1, 1]
        return cond.mul(m).div(count).sum(new int[] {1});
    }
}
