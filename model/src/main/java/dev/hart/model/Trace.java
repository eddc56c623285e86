package dev.hart.model;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate tensors while a model runs. Production code passes {@link #NONE}; the
 * parity runner records intermediates under the names the reference vectors use (e.g.
 * {@code stage3.block1.out}) to compare them one by one.
 */
public interface Trace {

    Trace NONE = (name, value) -> { };

    /** Called with a tensor the callee still owns: copy it if it must outlive the call. */
    void record(String name, NDArray value);

    default boolean enabled() {
        return this != NONE;
    }

    /** A trace that prefixes every name, for nested components ("stage3." + "block1.out"). */
    default Trace prefixed(String prefix) {
        if (!enabled()) {
            return NONE;
        }
        Trace outer = this;
        return (name, value) -> outer.record(prefix + name, value);
    }
}
