package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.hart.model.nn.ScopedOps;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.Linear;

/**
 * The reference's {@code LlamaAttention} in inference mode (spec 3.3): fused qkv projection with bias
 * {@code [q_bias, 0, v_bias]}, rotary embedding on q and k, the block's {@link KvCache}, softmax attention
 * with scale {@code 0.25/sqrt(hd)} and no mask, then {@code proj}.
 */
public final class LlamaAttention {

    /** Largest score matrix computed in one piece (elements). */
    private static final long MAX_SCORES = 64L << 20;

    private final int numHeads;
    private final int headDim;
    private final float scale;
    private final NDArray qkvWeightT;   // [C, 3C]
    private final NDArray qkvBias;      // [3C]
    private final Linear proj;

    LlamaAttention(int numHeads, int headDim, NDArray qkvWeightT, NDArray qkvBias, Linear proj) {
        this.numHeads = numHeads;
        this.headDim = headDim;
        this.scale = (float) (0.25 / Math.sqrt(headDim));
        this.qkvWeightT = qkvWeightT;
        this.qkvBias = qkvBias;
        this.proj = proj;
    }

    /** Loads {@code <prefix>qkv_proj.weight}, {@code q_bias}, {@code v_bias}, {@code proj.*}. */
    public static LlamaAttention load(WeightSource w, NDManager m, String prefix, int embedDim, int numHeads) {
        if (w.contains(prefix + "scale_mul_1H11")) {
            throw new IllegalArgumentException("attn_l2_norm attention (" + prefix + "scale_mul_1H11) is not supported");
        }
        NDArray qkv = w.load(m, prefix + "qkv_proj.weight", 3L * embedDim, embedDim);
        NDArray qBias = w.load(m, prefix + "q_bias", embedDim);
        NDArray vBias = w.load(m, prefix + "v_bias", embedDim);
        NDArray bias = NDArrayConcat.of(0, qBias, m.zeros(qBias.getShape()), vBias);
        Linear proj = Linear.load(w, m, prefix + "proj", embedDim, embedDim, true);
        return new LlamaAttention(numHeads, embedDim / numHeads, Linear.transposeContiguous(qkv), bias, proj);
    }

    /**
     * @param x [N, l, C] (already normalised and modulated)
     * @param cos rotary table [N, l, hd]
     * @param sin rotary table [N, l, hd]
     * @param cache the block's cache (appended to), or null for no caching
     */
    public NDArray forward(NDArray x, NDArray cos, NDArray sin, KvCache cache) {
        long n = x.getShape().get(0);
        long l = x.getShape().get(1);
        long c = x.getShape().get(2);
        NDArray qkv = x.matMul(qkvWeightT).addi(qkvBias)
                .reshape(n, l, 3, numHeads, headDim)
                .transpose(2, 0, 3, 1, 4);                                   // [3, N, H, l, hd]
        NDArray q = RotaryEmbedding.apply(qkv.get(0), cos, sin);
        NDArray k = RotaryEmbedding.apply(qkv.get(1), cos, sin);
        NDArray v = qkv.get(2);
        NDArray kT;
        if (cache != null) {
            NDArray[] kv = cache.append(k, v);
            kT = kv[0];
            v = kv[1];
        } else {
            kT = k.transpose(0, 1, 3, 2);
        }
        NDArray vAll = v;
        long keys = kT.getShape().get(3);
        // bound the [N, H, rows, keys] score matrix (the 1024 px final scale would need ~8 GB in one piece)
        long rowsPerChunk = Math.max(1, MAX_SCORES / Math.max(1, n * numHeads * keys));
        NDArray ctx;
        if (rowsPerChunk >= l) {
            ctx = q.mul(scale).matMul(kT).softmax(-1).matMul(v);                     // [N, H, l, hd]
        } else {
            NDList parts = new NDList();
            for (long r0 = 0; r0 < l; r0 += rowsPerChunk) {
                long r1 = Math.min(l, r0 + rowsPerChunk);
                NDArray qc = q.get(new NDIndex(":, :, " + r0 + ":" + r1));
                parts.add(ScopedOps.run(() -> qc.mul(scale).matMul(kT).softmax(-1).matMul(vAll)));
            }
            ctx = NDArrays.concat(parts, 2);
        }
        NDArray out = ctx.transpose(0, 2, 1, 3).reshape(n, l, c);
        return proj.forward(out);
    }

    public int numHeads() {
        return numHeads;
    }

    public int headDim() {
        return headDim;
    }
}
