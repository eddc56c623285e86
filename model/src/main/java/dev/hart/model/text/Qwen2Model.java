package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.Trace;
import dev.hart.model.io.WeightSource;

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
    private final RotaryEmbedding rotary;

    private Qwen2Model(Qwen2Config config, NDManager weightsManager, NDArray embedTokens, List<Qwen2DecoderLayer> layers,
                       RmsNorm finalNorm) {
        this.config = config;
        this.weightsManager = weightsManager;
        this.embedTokens = embedTokens;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.rotary = new RotaryEmbedding(config.headDim(), config.ropeTheta());
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
        Shape s = inputIds.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("input ids must be [batch, length], got " + s);
        }
        if (attentionMask != null && !attentionMask.getShape().equals(s)) {
            throw new IllegalArgumentException("attention mask " + attentionMask.getShape() + " does not match input ids " + s);
        }
        long b = s.get(0);
        int t = Math.toIntExact(s.get(1));
        if (t == 0) {
            return inputIds.getManager().zeros(new Shape(b, 0, config.hiddenSize()));
        }
        NDManager m = inputIds.getManager();
        NDArray ids = inputIds.toType(DataType.INT64, false).reshape(-1);
        checkIds(ids);
        NDArray h = embedTokens.get(m, new NDIndex("{}", ids)).reshape(b, t, config.hiddenSize());

        NDArray keyMask = attentionMask == null ? m.ones(new Shape(b, t)) : attentionMask.toType(DataType.FLOAT32, false);
        NDArray positions = m.arange(0, t, 1, DataType.INT64);
        NDArray causal = positions.reshape(1, t).lte(positions.reshape(t, 1)).toType(DataType.FLOAT32, false);
        NDArray allowed = causal.reshape(1, t, t).mul(keyMask.reshape(b, 1, t));
        NDArray maskBias = allowed.sub(1f).mul(Float.MAX_VALUE).reshape(b, 1, 1, t, t);
        NDArray rowKeep = null;
        if (keyMask.get(":, 0").eq(0f).any().getBoolean()) {
            rowKeep = keyMask.cumSum(1).gt(0f).toType(DataType.FLOAT32, false).reshape(b, 1, 1, t, 1);
        }
        NDList cosSin = rotary.cosSin(m, t);

        if (trace.enabled()) {
            trace.record(hiddenName(0), h);
        }
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, cosSin.get(0), cosSin.get(1), maskBias, rowKeep);
            if (trace.enabled() && i < layers.size() - 1) {
                trace.record(hiddenName(i + 1), h);
            }
        }
        trace.record("final_norm_input", h);
        NDArray out = finalNorm.apply(h);
        if (trace.enabled()) {
            trace.record(hiddenName(layers.size()), out);
            trace.record("last_hidden_state", out);
        }
        return out;
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
}
