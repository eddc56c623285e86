package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import dev.hart.model.checkpoint.ParamLoader;
import dev.hart.model.nn.ScopedOps;

/** {@code shortcut(x) + conv2(SiLU(norm2(conv1(SiLU(norm1(x))))))}; 1×1 shortcut only when widths differ. */
final class ResnetBlock {

    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d shortcut;

    private ResnetBlock(GroupNorm norm1, Conv2d conv1, GroupNorm norm2, Conv2d conv2, Conv2d shortcut) {
        this.norm1 = norm1;
        this.conv1 = conv1;
        this.norm2 = norm2;
        this.conv2 = conv2;
        this.shortcut = shortcut;
    }

    static ResnetBlock load(ParamLoader p, int in, int out) {
        return new ResnetBlock(GroupNorm.load(p.child("norm1"), in), Conv2d.same3x3(p.child("conv1"), in, out),
                GroupNorm.load(p.child("norm2"), out), Conv2d.same3x3(p.child("conv2"), out, out),
                in != out ? Conv2d.pointwise(p.child("nin_shortcut"), in, out) : null);
    }

    NDArray forward(NDArray x) {
        return ScopedOps.run(() -> {
            NDArray h = ScopedOps.run(() -> conv1.forward(VaeOps.siluConsuming(norm1.forward(x))));
            NDArray h2 = ScopedOps.run(() -> conv2.forward(VaeOps.siluConsuming(norm2.forward(h))));
            h.close();
            NDArray skip = shortcut == null ? x : shortcut.forward(x);
            h2.addi(skip);
            if (skip != x) {
                skip.close();
            }
            return h2;
        });
    }
}
