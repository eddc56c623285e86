package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.Activations;
import dev.hart.model.nn.Linear;
import dev.hart.model.nn.RmsNorm;

/**
 * {@code get_logits} (spec 3.6): {@code head(norm(h)·(1 + scale) + shift)} with {@code [scale, shift]}
 * (scale first) from {@code ada_lin(SiLU(max_t cond))} — always max pooling over all T tokens, whatever
 * the blocks use (spec 8.3).
 */
public final class AdaLnHead {

    private final int embedDim;
    private final Linear adaLin;   // D -> 2C
    private final RmsNorm norm;
    private final Linear head;     // C -> V

    private AdaLnHead(int embedDim, Linear adaLin, RmsNorm norm, Linear head) {
        this.embedDim = embedDim;
        this.adaLin = adaLin;
        this.norm = norm;
        this.head = head;
    }

    public static AdaLnHead load(WeightSource w, NDManager m, int embedDim, int condDim, int vocab, double eps) {
        return new AdaLnHead(embedDim,
                Linear.load(w, m, "head_nm.ada_lin.1", condDim, 2 * embedDim, true),
                RmsNorm.load(w, m, "head_nm.ln_wo_grad", embedDim, eps),
                Linear.load(w, m, "head", embedDim, vocab, true));
    }

    /** {scale + 1, shift}, each [N, 1, C], for condition tokens [N, T, D]. */
    public NDList modulation(NDArray cond) {
        NDArray pooled = PoolingMode.MAX.pool(cond, null);
        NDList parts = adaLin.forward(Activations.silu(pooled)).reshape(-1, 2, embedDim).split(2, 1);
        return new NDList(parts.get(0).add(1f), parts.get(1));
    }

    /** Logits [N, l, V] for block outputs [N, l, C]. */
    public NDArray logits(NDArray h, NDList modulation) {
        return head.forward(norm.forward(h).muli(modulation.get(0)).addi(modulation.get(1)));
    }

    public int vocabSize() {
        return head.out();
    }
}
