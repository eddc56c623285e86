package dev.hart.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded random weights for any configuration, for benchmarks and tests at scale without a checkpoint.
 * Names and shapes are exactly those of a real checkpoint ({@link HartLayout}); each tensor's values are
 * generated only when it is loaded, from (seed, name) alone, so any part can be materialised without the
 * rest and the same name always gets the same values. Values are plausible, not trained: weights
 * uniform with std 1/sqrt(fan-in), small biases, norm scales near 1, buffers as the reference builds them.
 */
public final class RandomWeights implements WeightSource {

    private final Map<String, TensorSpec> layout;
    private final long seed;
    private final int[] levels;

    private RandomWeights(Map<String, TensorSpec> layout, long seed, int[] levels) {
        this.layout = layout;
        this.seed = seed;
        this.levels = levels;
    }

    /** The transformer folder ({@code llm/}: transformer + residual diffusion + buffers). */
    public static RandomWeights llm(HartConfig config, TokenizerConfig tokenizer, long seed) {
        return new RandomWeights(HartLayout.llm(config, tokenizer), seed, levelsOf(config));
    }

    /** The VAE tokenizer, names without the {@code vae.} prefix (what the tokenizer loaders take). */
    public static RandomWeights vae(TokenizerConfig tokenizer, long seed) {
        return new RandomWeights(HartLayout.vae(tokenizer), seed, new int[0]);
    }

    /** Scale of every sequence position: T context positions at level 0, then pn² positions per scale. */
    private static int[] levelsOf(HartConfig c) {
        int[] lv = new int[c.seqLen()];
        int p = c.contextToken();
        for (int si = 1; si < c.numScales(); si++) {
            int n = c.patchNum(si) * c.patchNum(si);
            for (int k = 0; k < n; k++) {
                lv[p++] = si;
            }
        }
        return lv;
    }

    public Map<String, TensorSpec> layout() {
        return layout;
    }

    @Override
    public Set<String> names() {
        return layout.keySet();
    }

    @Override
    public boolean contains(String name) {
        return layout.containsKey(name);
    }

    private TensorSpec spec(String name) {
        TensorSpec s = layout.get(name);
        if (s == null) {
            throw new IllegalArgumentException("random weights have no tensor named '" + name + "'");
        }
        return s;
    }

    @Override
    public long[] shape(String name) {
        return spec(name).shape().clone();
    }

    @Override
    public NDArray load(NDManager manager, String name) {
        TensorSpec s = spec(name);
        Shape shape = new Shape(s.shape());
        if (s.kind() == TensorSpec.Kind.LEVELS) {
            long[] v = new long[levels.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = levels[i];
            }
            return manager.create(v, shape);
        }
        return manager.create(floats(s), shape);
    }

    /** The values of one tensor, row-major. */
    public float[] floats(String name) {
        return floats(spec(name));
    }

    private float[] floats(TensorSpec s) {
        int n = Math.toIntExact(s.numel());
        float[] v = new float[n];
        switch (s.kind()) {
            case ZEROS, LEVELS -> {
                // zeros (LEVELS is only reached through floats(name))
            }
            case CAUSAL_MASK -> {
                int l = levels.length;
                for (int i = 0; i < l; i++) {
                    for (int j = 0; j < l; j++) {
                        v[i * l + j] = levels[i] >= levels[j] ? 0f : Float.NEGATIVE_INFINITY;
                    }
                }
            }
            default -> {
                SplittableRandom r = new SplittableRandom(mix(seed, s.name()));
                float center = s.kind() == TensorSpec.Kind.NORM_WEIGHT ? 1f : 0f;
                double std = switch (s.kind()) {
                    case WEIGHT -> 1.0 / Math.sqrt(fanIn(s.shape()));
                    case BIAS -> 0.02;
                    case NORM_WEIGHT -> 0.05;
                    default -> 0.5; // EMBEDDING
                };
                float halfWidth = (float) (std * Math.sqrt(3)); // uniform with that standard deviation
                for (int i = 0; i < n; i++) {
                    v[i] = center + halfWidth * (float) (2 * r.nextDouble() - 1);
                }
            }
        }
        return v;
    }

    private static long fanIn(long[] shape) {
        long f = 1;
        for (int i = 1; i < shape.length; i++) {
            f *= shape[i];
        }
        return Math.max(1, f);
    }

    /** A 64-bit seed from (seed, name): FNV-1a over the name, finalised with the SplitMix64 mixer. */
    static long mix(long seed, String name) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
