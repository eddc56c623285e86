package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.Trace;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.RmsNorm;

import java.util.ArrayList;
import java.util.List;

/**
 * The Qwen2 decoder stack as transformers' {@code Qwen2Model} runs it (no LM head): token embeddings,
 * decoder layers, final RMSNorm, float32 throughout.
 *
 * <p>Attention masking follows the sdpa path: causal, plus the padding mask on the keys. Position ids
 * are 0..T-1 for every row whatever the mask; padded query positions attend causally to the unmasked
 * keys and their outputs are returned (HART keeps them). A query row that sees no key at all (only when
 * a row starts with padding) gets a zero attention output, as torch's sdpa gives since 2.5.
 *
 * <p>Weights live in the manager given at load time; {@link #forward} leaves everything it creates in
 * the manager of its input ids, so callers scope memory by giving it per-batch arrays.
 */
public final class Qwen2Model implements AutoCloseable {

    private final Qwen2Config config;
    private final NDManager weightsManager;
    private final NDArray embedTokens;
    private final List<Qwen2DecoderLayer> layers;
    private final RmsNorm finalNorm;
    private final Qwen2RotaryEmbedding rotary;

    private Qwen2Model(Qwen2Config config, NDManager weightsManager, NDArray embedTokens, List<Qwen2DecoderLayer> layers,
                       RmsNorm finalNorm) {
        this.config = config;
        this.weightsManager = weightsManager;
        this.embedTokens = embedTokens;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.rotary = new Qwen2RotaryEmbedding(config.headDim(), config.ropeTheta());
    }

    /**
     * Loads the weights named as in Qwen2Model's state dict ({@code embed_tokens.weight},
     * {@code layers.<i>.*}, {@code norm.weight}; strip a {@code model.} prefix with
     * {@link WeightSource#withPrefix}) into a new manager owned by the returned model.
     */
    public static Qwen2Model load(Qwen2Config config, WeightSource weights, NDManager parent) {
        NDManager manager = parent.newSubManager();
        try {
            NDArray embed = weights.load(manager, "embed_tokens.weight", config.vocabSize(), config.hiddenSize());
            List<Qwen2DecoderLayer> layers = new ArrayList<>();
            for (int i = 0; i < config.numHiddenLayers(); i++) {
                layers.add(Qwen2DecoderLayer.load(config, weights, manager, i));
            }
            RmsNorm norm = new RmsNorm(weights.load(manager, "norm.weight", config.hiddenSize()), config.rmsNormEps());
            return new Qwen2Model(config, manager, embed, List.copyOf(layers), norm);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public Qwen2Config config() {
        return config;
    }

    /**
     * Runs the model and returns the last hidden state [B, T, hidden] (after the final norm, i.e.
     * {@code hidden_states[-1]}), in the manager of {@code inputIds}.
     *
     * @param inputIds      [B, T] INT64 token ids
     * @param attentionMask [B, T] 0/1 (any numeric or boolean type), or null for all ones
     * @param trace         receives {@code hidden_states.NN} (embeddings, outputs of layers 0..n-2, final),
     *                      {@code final_norm_input} and {@code last_hidden_state}
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, Trace trace) {
        return run(inputIds, attentionMask, null, null, trace);
    }

    /**
     * Runs the model on tokens that follow a fixed, fully visible {@link Prefix} (e.g. HART's system
     * prompt): positions continue at the prefix length, every row attends to all prefix keys plus its own
     * keys causally under {@code attentionMask}. Equal to running on {@code [prefix; inputIds]} with mask
     * {@code [ones; attentionMask]} and dropping the prefix positions, without recomputing the prefix.
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, Prefix prefix, Trace trace) {
        return run(inputIds, attentionMask, prefix, null, trace);
    }

    /**
     * Runs the model once on {@code ids} (batch of one, no padding) and keeps each layer's rotated keys
     * and values and the last hidden state, in a new sub-manager of {@code owner} (closed with the prefix).
     */
    public Prefix prefix(long[] ids, NDManager owner) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("a prefix needs at least one token");
        }
        NDManager keep = owner.newSubManager();
        try (NDManager m = owner.newSubManager()) {
            List<NDList> present = new ArrayList<>();
            NDArray hidden = run(m.create(ids, new Shape(1, ids.length)), null, null, present, Trace.NONE);
            List<NDArray> keys = new ArrayList<>();
            List<NDArray> values = new ArrayList<>();
            for (NDList kv : present) {
                keys.add(kept(kv.get(0), keep));
                values.add(kept(kv.get(1), keep));
            }
            return new Prefix(ids.clone(), List.copyOf(keys), List.copyOf(values), kept(hidden, keep), keep);
        } catch (RuntimeException e) {
            keep.close();
            throw e;
        }
    }

    private static NDArray kept(NDArray a, NDManager keep) {
        NDArray c = a.duplicate();
        c.attach(keep);
        return c;
    }

    private NDArray run(NDArray inputIds, NDArray attentionMask, Prefix prefix, List<NDList> present, Trace trace) {
        Shape s = inputIds.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("input ids must be [batch, length], got " + s);
        }
        if (attentionMask != null && !attentionMask.getShape().equals(s)) {
            throw new IllegalArgumentException("attention mask " + attentionMask.getShape() + " does not match input ids " + s);
        }
        long b = s.get(0);
        int t = Math.toIntExact(s.get(1));
        NDManager m = inputIds.getManager();
        if (t == 0) {
            return m.zeros(new Shape(b, 0, config.hiddenSize()));
        }
        int p = prefix == null ? 0 : prefix.length();
        NDArray ids = inputIds.toType(DataType.INT64, false).reshape(-1);
        checkIds(ids);
        NDArray h = embedTokens.get(m, new NDIndex("{}", ids)).reshape(b, t, config.hiddenSize());

        NDArray keyMask = attentionMask == null ? m.ones(new Shape(b, t)) : attentionMask.toType(DataType.FLOAT32, false);
        NDArray positions = m.arange(0, t, 1, DataType.INT64);
        NDArray causal = positions.reshape(1, t).lte(positions.reshape(t, 1)).toType(DataType.FLOAT32, false);
        NDArray allowed = causal.reshape(1, t, t).mul(keyMask.reshape(b, 1, t));
        NDArray rowKeep = null;
        if (p > 0) {
            allowed = m.ones(new Shape(b, t, p)).concat(allowed, 2);
        } else if (keyMask.get(":, 0").eq(0f).any().getBoolean()) {
            rowKeep = keyMask.cumSum(1).gt(0f).toType(DataType.FLOAT32, false).reshape(b, 1, 1, t, 1);
        }
        NDArray maskBias = allowed.sub(1f).mul(Float.MAX_VALUE).reshape(b, 1, 1, t, p + t);
        NDList cosSin = rotary.cosSin(m, p + t);
        NDArray cos = p == 0 ? cosSin.get(0) : cosSin.get(0).get(p + ":");
        NDArray sin = p == 0 ? cosSin.get(1) : cosSin.get(1).get(p + ":");

        if (trace.enabled()) {
            trace.record(hiddenName(0), h);
        }
        for (int i = 0; i < layers.size(); i++) {
            NDArray pastKey = null;
            NDArray pastValue = null;
            if (p > 0) {
                pastKey = inManager(prefix.keys.get(i).broadcast(b, config.numKeyValueHeads(), p, config.headDim()), m);
                pastValue = inManager(prefix.values.get(i).broadcast(b, config.numKeyValueHeads(), p, config.headDim()), m);
            }
            NDList kv = present == null ? null : new NDList(2);
            h = layers.get(i).forward(h, cos, sin, maskBias, rowKeep, pastKey, pastValue, kv);
            if (present != null) {
                present.add(kv);
            }
            if (trace.enabled() && i < layers.size() - 1) {
                trace.record(hiddenName(i + 1), h);
            }
        }
        trace.record("final_norm_input", h);
        NDArray out = finalNorm.forward(h);
        if (trace.enabled()) {
            trace.record(hiddenName(layers.size()), out);
            trace.record("last_hidden_state", out);
        }
        return out;
    }

    /** Ops on long-lived arrays put their result in the long-lived manager: move such views to the call's. */
    private static NDArray inManager(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    private void checkIds(NDArray ids) {
        if (ids.size() == 0) {
            return;
        }
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= config.vocabSize()) {
            throw new IllegalArgumentException("token id out of range [0, " + config.vocabSize() + "): min " + min + ", max " + max);
        }
    }

    private static String hiddenName(int i) {
        return String.format("hidden_states.%02d", i);
    }

    @Override
    public void close() {
        weightsManager.close();
    }

    /** A fixed token prefix already run through the model: per-layer rotated keys/values and its last hidden state. */
    public static final class Prefix implements AutoCloseable {
        private final long[] ids;
        private final List<NDArray> keys;
        private final List<NDArray> values;
        private final NDArray lastHidden;
        private final NDManager manager;

        private Prefix(long[] ids, List<NDArray> keys, List<NDArray> values, NDArray lastHidden, NDManager manager) {
            this.ids = ids;
            this.keys = keys;
            this.values = values;
            this.lastHidden = lastHidden;
            this.manager = manager;
        }

        public int length() {
            return ids.length;
        }

        public long[] ids() {
            return ids.clone();
        }

        /** The prefix's last hidden state [1, P, hidden] (owned by the prefix: copy or broadcast it into your manager). */
        public NDArray lastHidden() {
            return lastHidden;
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
