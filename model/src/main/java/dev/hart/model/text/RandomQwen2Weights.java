package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.io.WeightSource;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Seeded random weights for any Qwen2 shape (names as in Qwen2Model, without the {@code model.}
 * prefix), for benchmarks at real scale without a checkpoint. Each tensor is generated only when it is
 * loaded, from its own seed (the global seed mixed with its name), so the values do not depend on load
 * order or on which tensors are loaded. Matrices and the embedding are uniform with standard deviation
 * {@code initializer_range} 0.02, biases uniform with std 0.02, norm weights ones (Qwen2's init).
 * Large tensors are generated in chunks, so the Java heap needs only a few tens of MB.
 */
public final class RandomQwen2Weights implements WeightSource {

    private static final float STD = 0.02f;
    private static final int CHUNK = 1 << 22;

    private final long seed;
    private final Map<String, long[]> shapes;

    public RandomQwen2Weights(Qwen2Config c, long seed) {
        this.seed = seed;
        Map<String, long[]> s = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = c.queryDim();
        long kv = c.keyValueDim();
        long inter = c.intermediateSize();
        s.put("embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "layers." + i + ".";
            s.put(p + "input_layernorm.weight", new long[] {h});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            s.put(p + "self_attn.q_proj.bias", new long[] {q});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.k_proj.bias", new long[] {kv});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.v_proj.bias", new long[] {kv});
            s.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            s.put(p + "post_attention_layernorm.weight", new long[] {h});
            s.put(p + "mlp.gate_proj.weight", new long[] {inter, h});
            s.put(p + "mlp.up_proj.weight", new long[] {inter, h});
            s.put(p + "mlp.down_proj.weight", new long[] {h, inter});
        }
        s.put("norm.weight", new long[] {h});
        this.shapes = Collections.unmodifiableMap(s);
    }

    @Override
    public Set<String> names() {
        return shapes.keySet();
    }

    @Override
    public boolean contains(String name) {
        return shapes.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("random Qwen2 weights have no tensor named '" + name + "'");
        }
        return s.clone();
    }

    @Override
    public NDArray load(NDManager manager, String name) {
        long[] shape = shape(name);
        if (name.endsWith("layernorm.weight") || name.equals("norm.weight")) {
            return manager.ones(new Shape(shape));
        }
        long numel = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        SplitMix rng = new SplitMix(seed ^ (0x9E3779B97F4A7C15L * name.hashCode()));
        float halfWidth = (float) (STD * Math.sqrt(3.0));
        if (numel <= CHUNK) {
            return manager.create(uniform(rng, (int) numel, halfWidth), new Shape(shape));
        }
        // Fill row blocks of a preallocated tensor so no single Java array holds the whole tensor.
        long rowSize = numel / shape[0];
        long rowsPerChunk = Math.max(1, CHUNK / rowSize);
        NDArray out = manager.zeros(new Shape(shape));
        for (long r = 0; r < shape[0]; r += rowsPerChunk) {
            long rows = Math.min(rowsPerChunk, shape[0] - r);
            long[] blockShape = shape.clone();
            blockShape[0] = rows;
            try (NDArray block = manager.create(uniform(rng, Math.toIntExact(rows * rowSize), halfWidth), new Shape(blockShape))) {
                out.set(new NDIndex(r + ":" + (r + rows)), block);
            }
        }
        return out;
    }

    private static float[] uniform(SplitMix rng, int n, float halfWidth) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = ((rng.next() >>> 40) * 0x1.0p-24f * 2f - 1f) * halfWidth;
        }
        return v;
    }

    /** SplitMix64: fast, seedable, good enough for benchmark weights. */
    private static final class SplitMix {
        private long state;

        SplitMix(long seed) {
            this.state = seed;
        }

        long next() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
