package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.RmsNorm;

/**
 * One Qwen2 decoder layer: pre-norm grouped-query self-attention with rotary positions and biased
 * q/k/v projections, then a pre-norm SwiGLU MLP, each with a residual connection.
 *
 * <p>Weights are stored pre-transposed and fused at load time (q|k|v into one [hidden, q+2kv]
 * matrix, gate|up into one [hidden, 2*intermediate] matrix), so a forward pass runs four GEMMs per
 * layer and never transposes a weight.
 */
final class Qwen2DecoderLayer {

    private final Qwen2Config config;
    private final RmsNorm inputNorm;
    private final RmsNorm postAttentionNorm;
    private final NDArray qkvWeightT;
    private final NDArray qkvBias;
    private final NDArray outWeightT;
    private final NDArray gateUpWeightT;
    private final NDArray downWeightT;
    private final float scale;

    private Qwen2DecoderLayer(Qwen2Config config, RmsNorm inputNorm, RmsNorm postAttentionNorm, NDArray qkvWeightT,
                              NDArray qkvBias, NDArray outWeightT, NDArray gateUpWeightT, NDArray downWeightT) {
        this.config = config;
        this.inputNorm = inputNorm;
        this.postAttentionNorm = postAttentionNorm;
        this.qkvWeightT = qkvWeightT;
        this.qkvBias = qkvBias;
        this.outWeightT = outWeightT;
        this.gateUpWeightT = gateUpWeightT;
        this.downWeightT = downWeightT;
        this.scale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    /** Loads {@code layers.<i>.*} from {@code weights} (already stripped of the model prefix) into {@code manager}. */
    static Qwen2DecoderLayer load(Qwen2Config c, WeightSource weights, NDManager manager, int index) {
        String p = "layers." + index + ".";
        long h = c.hiddenSize();
        long q = c.queryDim();
        long kv = c.keyValueDim();
        long inter = c.intermediateSize();
        RmsNorm inNorm = new RmsNorm(weights.load(manager, p + "input_layernorm.weight", h), c.rmsNormEps());
        RmsNorm postNorm = new RmsNorm(weights.load(manager, p + "post_attention_layernorm.weight", h), c.rmsNormEps());
        NDArray qkvT = fusedTransposed(manager,
                weights.load(manager, p + "self_attn.q_proj.weight", q, h),
                weights.load(manager, p + "self_attn.k_proj.weight", kv, h),
                weights.load(manager, p + "self_attn.v_proj.weight", kv, h));
        NDArray qb = weights.load(manager, p + "self_attn.q_proj.bias", q);
        NDArray kb = weights.load(manager, p + "self_attn.k_proj.bias", kv);
        NDArray vb = weights.load(manager, p + "self_attn.v_proj.bias", kv);
        NDArray qkvB = NDArrays.concat(new NDList(qb, kb, vb), 0);
        qb.close();
        kb.close();
        vb.close();
        NDArray oT = fusedTransposed(manager, weights.load(manager, p + "self_attn.o_proj.weight", h, q));
        NDArray guT = fusedTransposed(manager,
                weights.load(manager, p + "mlp.gate_proj.weight", inter, h),
                weights.load(manager, p + "mlp.up_proj.weight", inter, h));
        NDArray downT = fusedTransposed(manager, weights.load(manager, p + "mlp.down_proj.weight", h, inter));
        return new Qwen2DecoderLayer(c, inNorm, postNorm, qkvT, qkvB, oT, guT, downT);
    }

    /**
     * Stacks [out_i, in] weights to [sum(out_i), in] and returns its transposed view [in, sum(out_i)]
     * (a GEMM reads the transposed layout directly, as torch's Linear does).
     */
    private static NDArray fusedTransposed(NDManager manager, NDArray... weights) {
        if (weights.length == 1) {
            return weights[0].transpose();
        }
        NDArray fused = NDArrays.concat(new NDList(weights), 0);
        fused.attach(manager);
        for (NDArray w : weights) {
            w.close();
        }
        return fused.transpose();
    }

    /**
     * x: [B, T, hidden]; cos/sin: [T, headDim] for the positions of x; maskBias: [B, 1, 1, T, P+T]
     * additive (0 or a huge negative) over the P cached prefix keys then the T new keys; rowKeep: null,
     * or [B, 1, 1, T, 1] zeroing the attention output of query rows with no visible key; pastKey/pastValue:
     * null, or the prefix's rotated keys and values [B, kvHeads, P, headDim] in x's manager; present:
     * null, or a list that receives this call's rotated keys and values [B, kvHeads, T, headDim].
     */
    NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray maskBias, NDArray rowKeep,
                    NDArray pastKey, NDArray pastValue, NDList present) {
        NDArray attn = attention(inputNorm.forward(x), cos, sin, maskBias, rowKeep, pastKey, pastValue, present);
        NDArray h = x.add(attn);
        return h.add(mlp(postAttentionNorm.forward(h)));
    }

    private NDArray attention(NDArray x, NDArray cos, NDArray sin, NDArray maskBias, NDArray rowKeep,
                              NDArray pastKey, NDArray pastValue, NDList present) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int groups = heads / kvHeads;
        int d = config.headDim();
        NDArray qkv = x.matMul(qkvWeightT).add(qkvBias);
        NDList parts = qkv.split(new long[] {config.queryDim(), config.queryDim() + config.keyValueDim()}, 2);
        NDArray q = parts.get(0).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray k = parts.get(1).reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3);
        NDArray v = parts.get(2).reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3);
        q = Qwen2RotaryEmbedding.apply(q, cos, sin);
        k = Qwen2RotaryEmbedding.apply(k, cos, sin);
        if (present != null) {
            present.add(k);
            present.add(v);
        }
        if (pastKey != null) {
            k = pastKey.concat(k, 2);
            v = pastValue.concat(v, 2);
        }
        long keys = k.getShape().get(2);
        // Grouped-query attention without copying k/v per head: query head h uses kv head h / groups,
        // so [B, heads, T, d] regroups to [B, kvHeads, groups*T, d] against k/v of [B, kvHeads, keys, d].
        // The scale goes on q ([.., T, d]) rather than on the scores ([.., T, keys]): fewer multiplications.
        NDArray qg = q.mul(scale).reshape(b, kvHeads, (long) groups * t, d);
        NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).reshape(b, kvHeads, groups, t, keys);
        NDArray probs = scores.add(maskBias).softmax(-1);
        if (rowKeep != null) {
            probs = probs.mul(rowKeep);
        }
        NDArray ctx = probs.reshape(b, kvHeads, (long) groups * t, keys).matMul(v)
                .reshape(b, heads, t, d).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * d);
        return ctx.matMul(outWeightT);
    }

    private NDArray mlp(NDArray x) {
        NDList gu = x.matMul(gateUpWeightT).split(2, 2);
        NDArray act = Activation.swish(gu.get(0), 1f).mul(gu.get(1));
        return act.matMul(downWeightT);
    }
}
