package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * One block's cache across scales: the rope-rotated keys and the values of every token processed so far,
 * [N, H, keys, hd]. Each stage appends its tokens along the sequence axis and attends to all of them
 * (no mask in inference, spec 3.3).
 */
public final class KvCache {

    private NDArray keys;
    private NDArray values;

    /** Appends and returns {k, v} over all cached tokens. */
    NDArray[] append(NDArray k, NDArray v) {
        if (keys == null) {
            keys = k;
            values = v;
        } else {
            NDArray oldK = keys;
            NDArray oldV = values;
            keys = keys.concat(k, 2);
            values = values.concat(v, 2);
            // the previous, shorter copies are garbage now; free their native memory at once
            oldK.close();
            oldV.close();
        }
        // the cache outlives the block call: keep it out of any NDScope the call runs in
        NDScope.unregister(keys, values);
        return new NDArray[] {keys, values};
    }

    /**
     * A cache over the rows of {@code first} followed by {@code second}'s single row repeated {@code secondRows} times,
     * its single position repeated to {@code first}'s length (the unconditional context: identical tokens at identical
     * positions, so identical keys and values).
     */
    static KvCache join(KvCache first, KvCache second, long secondRows) {
        KvCache joined = new KvCache();
        joined.keys = repeatJoin(first.keys, second.keys, secondRows);
        joined.values = repeatJoin(first.values, second.values, secondRows);
        NDScope.unregister(joined.keys, joined.values);
        return joined;
    }

    private static NDArray repeatJoin(NDArray first, NDArray oneRowOnePosition, long rows) {
        ai.djl.ndarray.types.Shape s = first.getShape();
        return first.concat(oneRowOnePosition.broadcast(rows, s.get(1), s.get(2), s.get(3)), 0);
    }

    public NDArray keys() {
        return keys;
    }

    public NDArray values() {
        return values;
    }

    public long length() {
        return keys == null ? 0 : keys.getShape().get(2);
    }
}
