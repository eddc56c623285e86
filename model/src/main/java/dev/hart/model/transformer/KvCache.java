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
