package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Tensor operations of the VAE that DJL lacks or hides (all NCHW, float32). */
final class VaeOps {

    private static final int MODE_NEAREST = 0;
    private static final int MODE_BICUBIC = 3;
    private static final int MODE_AREA = 5;

    private VaeOps() {
    }

    static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        NDList out = x.getNDArrayInternal().convolution(x, weight, bias, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1);
        return out.singletonOrThrow();
    }

    /**
     * GroupNorm with per-channel affine. The statistics come from batch-norm in training mode on a
     * [1, N·G, rest] view (batch statistics per group: exactly group norm's); running stats are throwaway.
     */
    static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, double eps) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        NDManager m = x.getManager();
        long ng = n * groups;
        NDArray ones = m.ones(new Shape(ng));
        NDArray zeros = m.zeros(new Shape(ng));
        NDArray runMean = m.zeros(new Shape(ng));
        NDArray runVar = m.ones(new Shape(ng));
        NDArray view = x.reshape(1, ng, -1);
        NDArray normed = JniUtils.batchNorm((PtNDArray) view, (PtNDArray) runMean, (PtNDArray) runVar,
                (PtNDArray) ones, (PtNDArray) zeros, true, 0.0, eps);
        NDArray y = normed.reshape(s).mul(gamma.reshape(c, 1, 1)).add(beta.reshape(c, 1, 1));
        normed.close();
        view.close();
        ones.close();
        zeros.close();
        runMean.close();
        runVar.close();
        return y;
    }

    static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** {@code F.interpolate(mode="bicubic", align_corners=False)} to {@code h × w}; the identity at equal size. */
    static NDArray bicubic(NDArray x, long h, long w) {
        return x.getNDArrayInternal().interpolation(new long[] {h, w}, MODE_BICUBIC, false);
    }

    /** {@code F.interpolate(mode="area")} = adaptive average pooling to {@code h × w}. */
    static NDArray area(NDArray x, long h, long w) {
        return x.getNDArrayInternal().interpolation(new long[] {h, w}, MODE_AREA, false);
    }

    /** Nearest-neighbour ×2 up-sampling ({@code F.interpolate(scale_factor=2, mode="nearest")}). */
    static NDArray nearest2x(NDArray x) {
        Shape s = x.getShape();
        return x.getNDArrayInternal().interpolation(new long[] {s.get(2) * 2, s.get(3) * 2}, MODE_NEAREST, false);
    }
}
