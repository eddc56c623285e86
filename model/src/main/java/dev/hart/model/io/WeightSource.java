package dev.hart.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Named weights of a checkpoint, whatever the file format (safetensors, sharded safetensors, a PyTorch
 * {@code .bin} state dict, or seeded random weights). Model components load their parameters through
 * this interface with the shape they expect, so a missing or misshapen tensor fails at load time with
 * its name and expected vs found shape.
 */
public interface WeightSource {

    Set<String> names();

    boolean contains(String name);

    /** The stored shape of a tensor; throws with the name when absent. */
    long[] shape(String name);

    /** Loads a float tensor as FLOAT32 (integer tensors as INT64) into {@code manager}. */
    NDArray load(NDManager manager, String name);

    /** Loads and checks the shape. */
    default NDArray load(NDManager manager, String name, long... expectedShape) {
        if (!contains(name)) {
            throw new IllegalArgumentException("checkpoint is missing tensor '" + name + "' (expected shape "
                    + Arrays.toString(expectedShape) + ")");
        }
        long[] found = shape(name);
        if (!Arrays.equals(found, expectedShape)) {
            throw new IllegalArgumentException("checkpoint tensor '" + name + "' has shape " + Arrays.toString(found)
                    + ", expected " + Arrays.toString(expectedShape));
        }
        return load(manager, name);
    }

    /** A view of the tensors whose names start with {@code prefix}, with the prefix removed (e.g. "vae."). */
    default WeightSource withPrefix(String prefix) {
        WeightSource outer = this;
        return new WeightSource() {
            @Override
            public Set<String> names() {
                return outer.names().stream().filter(n -> n.startsWith(prefix))
                        .map(n -> n.substring(prefix.length())).collect(Collectors.toUnmodifiableSet());
            }

            @Override
            public boolean contains(String name) {
                return outer.contains(prefix + name);
            }

            @Override
            public long[] shape(String name) {
                return outer.shape(prefix + name);
            }

            @Override
            public NDArray load(NDManager manager, String name) {
                return outer.load(manager, prefix + name);
            }
        };
    }
}
