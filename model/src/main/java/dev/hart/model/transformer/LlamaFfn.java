package dev.hart.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.Activations;
import dev.hart.model.nn.Linear;

/**
 * Llama SwiGLU FFN {@code down(SiLU(gate(x)) ⊙ up(x))}, no biases (spec 3.5). Gate and up are fused into
 * one [C, 2F] matmul at load time.
 */
public final class LlamaFfn {

    private final NDArray gateUpT;   // [C, 2F]: columns 0..F-1 gate, F..2F-1 up
    private final Linear down;
    private final int hidden;

    private LlamaFfn(NDArray gateUpT, Linear down, int hidden) {
        this.gateUpT = gateUpT;
        this.down = down;
        this.hidden = hidden;
    }

    public static LlamaFfn load(WeightSource w, NDManager m, String prefix, int embedDim, int hidden) {
        NDArray gate = w.load(m, prefix + "gate_proj.weight", hidden, embedDim);
        NDArray up = w.load(m, prefix + "up_proj.weight", hidden, embedDim);
        NDArray gateUp = gate.concat(up, 0);
        gate.close();
        up.close();
        Linear down = Linear.load(w, m, prefix + "down_proj", hidden, embedDim, false);
        return new LlamaFfn(Linear.transposeContiguous(gateUp), down, hidden);
    }

    public NDArray forward(NDArray x) {
        NDArray gu = x.matMul(gateUpT);
        NDArray gate = gu.get("..., :" + hidden);
        NDArray up = gu.get("..., " + hidden + ":");
        return down.forward(Activations.silu(gate).muli(up));
    }
}
