package dev.hart.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import java.util.function.Supplier;

/**
 * Runs a computation in its own {@link NDScope} so its temporaries are freed as soon as it returns, and
 * hands the result to the enclosing scope (if any). Wrapping each block of a deep network this way keeps
 * peak native memory at a few activations instead of every intermediate of the whole forward pass.
 */
public final class ScopedOps {

    private ScopedOps() {
    }

    public static NDArray run(Supplier<NDArray> computation) {
        NDArray result;
        try (NDScope ignored = new NDScope()) {
            result = computation.get();
            NDScope.unregister(result);
        }
        NDScope.register(result);
        return result;
    }
}
