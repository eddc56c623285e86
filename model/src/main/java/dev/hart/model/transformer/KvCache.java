package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * One block's cache across scales: the rope-rotated keys and the values of every token processed so far. Each scale
 * appends its tokens and attends to all of them (no mask in inference, spec 3.3). Keys are kept transposed,
 * [N, H, hd, keys], so that {@code q·kᵀ} multiplies contiguous memory (the strided form ran at half the speed);
 * values are [N, H, keys, hd].
 */
public final class KvCache {

    private NDArray keysT;
    private NDArray values;

    /** Appends k, v [N, H, l, hd] and returns {kᵀ [N, H, hd, keys], v [N, H, keys, hd]} over all cached tokens. */
    NDArray[] append(NDArray k, NDArray v) {
        NDArray kT = k.transpose(0, 1, 3, 2);
        if (keysT == null) {
            // a contiguous copy (reshaping the transposed view through 1-D forces it), owned by the cache
            keysT = kT.reshape(-1).reshape(kT.getShape());
            values = v;
        } else {
            NDArray oldK = keysT;
            NDArray oldV = values;
            keysT = keysT.concat(kT, 3);
            values = values.concat(v, 2);
            // the previous, shorter copies are garbage now; free their native memory at once
            oldK.close();
            oldV.close();
        }
        // the cache outlives the block call: keep it out of any NDScope the call runs in
        NDScope.unregister(keysT, values);
        return new NDArray[] {keysT, values};
    }

    /**
     * A cache over the rows of {@code first} followed by {@code second}'s single row repeated {@code secondRows} times,
     * its single position repeated to {@code first}'s length (the unconditional context: identical tokens at identical
     * positions, so identical keys and values).
     */
    static KvCache join(KvCache first, KvCache second, long secondRows) {
        KvCache joined = new KvCache();
        joined.keysT = NDArrayConcat.withRepeatedRow(first.keysT, second.keysT, secondRows);
        joined.values = NDArrayConcat.withRepeatedRow(first.values, second.values, secondRows);
        NDScope.unregister(joined.keysT, joined.values);
        return joined;
    }

    /** Keys [N, H, keys, hd] (a transposed view of the stored layout). */
    public NDArray keys() {
        return keysT == null ? null : keysT.transpose(0, 1, 3, 2);
    }

    public NDArray values() {
        return values;
    }

    public long length() {
        return keysT == null ? 0 : keysT.getShape().get(3);
    }
}
