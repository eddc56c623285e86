package dev.hart.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.RandomSource;

import java.util.ArrayList;
import java.util.List;

/** Row b of every draw comes from request b's own source, so batching never changes a request's draws. */
public final class PerRequestRandomness implements ScaleRandomness {

    private final List<RandomSource> sources;

    public PerRequestRandomness(List<RandomSource> sources) {
        this.sources = List.copyOf(sources);
    }

    private void check(int batch) {
        if (batch != sources.size()) {
            throw new IllegalArgumentException("batch of " + batch + " rows but " + sources.size() + " random sources");
        }
    }

    @Override
    public NDArray exponential(NDManager manager, int batch, long l, long v) {
        check(batch);
        NDList rows = new NDList();
        for (RandomSource s : sources) {
            rows.add(s.exponential(manager, new Shape(1, l, v)));
        }
        return rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 0);
    }

    @Override
    public NDArray uniform(NDManager manager, int batch, long l) {
        check(batch);
        NDList rows = new NDList();
        for (RandomSource s : sources) {
            // U = 1 − exp(−E) is uniform on [0, 1) for E ~ Exp(1)
            NDArray e = s.exponential(manager, new Shape(1, l, 1));
            rows.add(e.neg().exp().neg().add(1f));
        }
        return rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 0);
    }

    @Override
    public ScaleRandomness rows(int[] rows) {
        List<RandomSource> sub = new ArrayList<>();
        for (int r : rows) {
            sub.add(sources.get(r));
        }
        return new PerRequestRandomness(sub);
    }
}
