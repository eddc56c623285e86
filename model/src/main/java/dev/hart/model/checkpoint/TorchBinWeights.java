package dev.hart.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.io.WeightSource;

import java.nio.file.Path;
import java.util.Set;

/** PyTorch {@code torch.save} state dict reader (work in progress). */
public final class TorchBinWeights implements WeightSource, AutoCloseable {

    public static TorchBinWeights open(Path file) {
        throw new UnsupportedOperationException("reading PyTorch .bin checkpoints is not implemented yet: " + file);
    }

    @Override
    public Set<String> names() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean contains(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long[] shape(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public NDArray load(NDManager manager, String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
