package dev.hart.model.checkpoint;

import dev.hart.model.io.ShardedWeights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.io.WeightSource;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Tensors of {@code top} replace those of {@code base} with the same name; the rest come from
 * {@code base}. This is how the reference applies {@code ema_model.bin} over the model weights
 * ({@code load_state_dict} after {@code from_pretrained}).
 */
final class OverlayWeights implements WeightSource, AutoCloseable {

    private final WeightSource top;
    private final WeightSource base;

    OverlayWeights(WeightSource top, WeightSource base) {
        this.top = top;
        this.base = base;
    }

    @Override
    public Set<String> names() {
        Set<String> all = new LinkedHashSet<>(base.names());
        all.addAll(top.names());
        return all;
    }

    @Override
    public boolean contains(String name) {
        return top.contains(name) || base.contains(name);
    }

    @Override
    public long[] shape(String name) {
        return top.contains(name) ? top.shape(name) : base.shape(name);
    }

    @Override
    public NDArray load(NDManager manager, String name) {
        return top.contains(name) ? top.load(manager, name) : base.load(manager, name);
    }

    @Override
    public void close() {
        ShardedWeights.closeIfPossible(top);
        ShardedWeights.closeIfPossible(base);
    }
}
