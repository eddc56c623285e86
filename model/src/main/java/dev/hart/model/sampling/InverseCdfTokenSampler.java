package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A categorical draw per position by inverse CDF: with {@code u ~ U[0,1)} from the request's random source,
 * the index is the number of cumulative probabilities below {@code u·total} (what {@code torch.multinomial}
 * computes, with our own generator so a request's draws do not depend on its batch).
 */
public final class InverseCdfTokenSampler implements TokenSampler {

    public static final InverseCdfTokenSampler INSTANCE = new InverseCdfTokenSampler();

    @Override
    public NDArray sample(NDArray probs, ScaleRandomness randomness) {
        long[] s = probs.getShape().getShape();
        int b = (int) s[0];
        long l = s[1];
        long v = s[2];
        NDArray cdf = probs.cumSum(-1);
        NDArray total = cdf.get("..., -1:");
        NDArray u = randomness.uniform(probs.getManager(), b, l).mul(total);
        // index = number of cdf entries <= u = the first position whose cdf exceeds u (zero-probability entries never win)
        NDArray idx = cdf.lte(u).toType(DataType.INT64, false).sum(new int[] {-1});
        return idx.clip(0, v - 1);
    }
}
