package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.checkpoint.ParamLoader;
import dev.hart.model.nn.ScopedOps;
import dev.hart.model.nn.TorchMemory;

/** Single-head spatial self-attention: {@code x + proj_out(v · softmax(qᵀk / sqrt(C))ᵀ)}. */
final class AttnBlock {

    private final int channels;
    private final GroupNorm norm;
    private final Conv2d qkv;
    private final Conv2d projOut;
    private final float scale;

    private AttnBlock(int channels, GroupNorm norm, Conv2d qkv, Conv2d projOut) {
        this.channels = channels;
        this.norm = norm;
        this.qkv = qkv;
        this.projOut = projOut;
        this.scale = (float) Math.pow(channels, -0.5);
    }

    static AttnBlock load(ParamLoader p, int channels) {
        return new AttnBlock(channels, GroupNorm.load(p.child("norm"), channels),
                Conv2d.pointwise(p.child("qkv"), channels, 3 * channels),
                Conv2d.pointwise(p.child("proj_out"), channels, channels));
    }

    NDArray forward(NDArray x) {
        return ScopedOps.run(() -> attend(x));
    }

    private NDArray attend(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long hw = s.get(2) * s.get(3);
        NDList parts = qkv.forward(norm.forward(x)).reshape(b, 3, channels, hw).split(3, 1);
        NDArray q = parts.get(0).reshape(b, channels, hw).transpose(0, 2, 1);   // B, HW, C
        NDArray k = parts.get(1).reshape(b, channels, hw);                      // B, C, HW
        NDArray v = parts.get(2).reshape(b, channels, hw);                      // B, C, HW
        NDArray w = TorchMemory.mul(q.batchMatMul(k), scale).softmax(2);     // B, HWq, HWk
        NDArray h = v.batchMatMul(w.transpose(0, 2, 1)).reshape(s);             // B, C, HWq
        return x.add(projOut.forward(h));
    }
}
