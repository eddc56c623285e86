package dev.hart.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.hart.model.io.WeightSource;

/**
 * Loads the parameters of one model part into the part's own long-lived manager, checking every shape
 * (a missing or misshapen tensor fails with its full name and expected vs found shape). Loaded weights are
 * taken out of any enclosing {@link NDScope}, so a part loaded inside a per-request scope stays usable.
 */
public final class ParamLoader {

    private final WeightSource weights;
    private final NDManager manager;
    private final String prefix;

    public ParamLoader(WeightSource weights, NDManager manager) {
        this(weights, manager, "");
    }

    private ParamLoader(WeightSource weights, NDManager manager, String prefix) {
        this.weights = weights;
        this.manager = manager;
        this.prefix = prefix;
    }

    /** A loader for the sub-module {@code name} (names are joined with a dot). */
    public ParamLoader child(String name) {
        return new ParamLoader(weights, manager, prefix + name + ".");
    }

    public NDManager manager() {
        return manager;
    }

    public boolean contains(String name) {
        return weights.contains(prefix + name);
    }

    /** Loads {@code prefix + name} as FLOAT32 with exactly {@code shape}. */
    public NDArray get(String name, long... shape) {
        NDArray a = weights.load(manager, prefix + name, shape);
        if (a.getDataType() != DataType.FLOAT32) {
            NDArray f = a.toType(DataType.FLOAT32, false);
            a.close();
            a = f;
        }
        NDScope.unregister(a);
        return a;
    }
}
