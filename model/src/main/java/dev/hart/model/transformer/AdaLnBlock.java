package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.Activations;
import dev.hart.model.nn.Linear;
import dev.hart.model.nn.RmsNorm;

/**
 * The reference's {@code AdaLNSelfAttn} with llama attention and FFN (spec 3.2):
 * {@code x += Attn(norm(x)·(1+scale1) + shift1)·γ1; x += FFN(norm(x)·(1+scale2) + shift2)·γ2},
 * the six terms from {@code ada_lin(SiLU(pool(cond)))} in the order γ1, γ2, scale1, scale2, shift1, shift2.
 */
public final class AdaLnBlock {

    private final int embedDim;
    private final Linear adaLin;        // D -> 6C
    private final RmsNorm norm;         // ln_wo_grad, shared by both sub-layers
    private final LlamaAttention attn;
    private final LlamaFfn ffn;
    private final PoolingMode pooling;

    private AdaLnBlock(int embedDim, Linear adaLin, RmsNorm norm, LlamaAttention attn, LlamaFfn ffn, PoolingMode pooling) {
        this.embedDim = embedDim;
        this.adaLin = adaLin;
        this.norm = norm;
        this.attn = attn;
        this.ffn = ffn;
        this.pooling = pooling;
    }

    /** Loads {@code <prefix>} = e.g. {@code blocks.3.}. */
    public static AdaLnBlock load(WeightSource w, NDManager m, String prefix, int embedDim, int condDim, int numHeads,
                                  int ffnHidden, double eps, PoolingMode pooling) {
        return new AdaLnBlock(embedDim,
                Linear.load(w, m, prefix + "ada_lin.1", condDim, 6 * embedDim, true),
                RmsNorm.load(w, m, prefix + "ln_wo_grad", embedDim, eps),
                LlamaAttention.load(w, m, prefix + "attn.", embedDim, numHeads),
                LlamaFfn.load(w, m, prefix + "ffn.", embedDim, ffnHidden),
                pooling);
    }

    /** The AdaLN terms for condition tokens {@code cond} [N, T, D] with mask [N, T]. */
    public AdaLnModulation modulation(NDArray cond, NDArray mask) {
        NDArray pooled = pooling.pool(cond, mask);                                       // [N, D]
        NDArray mod = adaLin.forward(Activations.silu(pooled)).reshape(-1, 6, embedDim); // [N, 6, C]
        NDList parts = mod.split(6, 1);                                                   // each [N, 1, C]
        return new AdaLnModulation(parts.get(0), parts.get(1), parts.get(2).add(1f), parts.get(3).add(1f),
                parts.get(4), parts.get(5));
    }

    /**
     * @param x [N, l, C]
     * @param rope cos and sin tables [N, l, hd] for these tokens
     * @param cache this block's KV cache (appended to), or null
     */
    public NDArray forward(NDArray x, AdaLnModulation mod, NDList rope, KvCache cache) {
        NDArray h = norm.forward(x).muli(mod.scale1Plus1()).addi(mod.shift1());
        NDArray y = x.add(attn.forward(h, rope.get(0), rope.get(1), cache).muli(mod.gamma1()));
        NDArray h2 = norm.forward(y).muli(mod.scale2Plus1()).addi(mod.shift2());
        return y.addi(ffn.forward(h2).muli(mod.gamma2()));
    }

    public LlamaAttention attention() {
        return attn;
    }
}
