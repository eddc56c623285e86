package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.nn.TorchMemory;

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
        // affine in place on the normalised copy (one full-size temporary instead of three); the demo
        // trainer has its own autograd-safe forward (VaeTrainingForward)
        NDArray y = normed.reshape(s);
        NDArray g = gamma.reshape(c, 1, 1);
        NDArray b = beta.reshape(c, 1, 1);
        y.muli(g).addi(b);
        g.close();
        b.close();
        normed.close();
        view.close();
        ones.close();
        zeros.close();
        runMean.close();
        runVar.close();
        return y;
    }

    static NDArray silu(NDArray x) {
        return x.getNDArrayInternal().sigmoid().muli(x);
    }

    /** SiLU of a temporary the caller no longer needs: frees it once the result exists. */
    static NDArray siluConsuming(NDArray x) {
        NDArray y = silu(x);
        x.close();
        return y;
    }

    /**
     * {@code F.interpolate(mode="bicubic", align_corners=False)} to {@code h × w} (the identity at equal
     * size), written as two small matrix products with torch's weights: source coordinate
     * {@code (x + 0.5)·in/out − 0.5} (unclamped), taps floor−1 … floor+2 clamped to the border, cubic
     * convolution with A = −0.75, all in float32 like torch's CPU kernel.
     */
    static NDArray bicubic(NDArray x, long h, long w) {
        Shape s = x.getShape();
        int inH = (int) s.get(2);
        int inW = (int) s.get(3);
        if (inH == h && inW == w) {
            return x.duplicate();
        }
        NDManager m = x.getManager();
        NDArray rows = TorchMemory.copyOf(m, bicubicMatrix(inH, (int) h), new Shape(h, inH));
        NDArray cols = TorchMemory.copyOf(m, bicubicMatrix(inW, (int) w), new Shape(w, inW));
        NDArray colsT = cols.transpose();
        NDArray out = rows.matMul(x.matMul(colsT));
        rows.close();
        colsT.close();
        cols.close();
        return out;
    }

    /** Row-major [out, in] matrix of torch's bicubic weights for one axis. */
    static float[] bicubicMatrix(int in, int out) {
        float[] wts = new float[out * in];
        float scale = (float) in / out;
        final float a = -0.75f;
        for (int o = 0; o < out; o++) {
            float real = scale * (o + 0.5f) - 0.5f;
            int floor = (int) Math.floor(real);
            float t = real - floor;
            float x1 = t;
            float x2 = 1.0f - t;
            float[] c = {
                cubic2(x1 + 1.0f, a), cubic1(x1, a), cubic1(x2, a), cubic2(x2 + 1.0f, a)
            };
            for (int k = 0; k < 4; k++) {
                int src = Math.min(Math.max(floor - 1 + k, 0), in - 1);
                wts[o * in + src] += c[k];
            }
        }
        return wts;
    }

    private static float cubic1(float x, float a) {
        return ((a + 2) * x - (a + 3)) * x * x + 1;
    }

    private static float cubic2(float x, float a) {
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }

    /** {@code F.interpolate(mode="area")} = adaptive average pooling to {@code h × w}. */
    static NDArray area(NDArray x, long h, long w) {
        return JniUtils.interpolate((PtNDArray) x, new long[] {h, w}, MODE_AREA, false);
    }

    /** Nearest-neighbour ×2 up-sampling ({@code F.interpolate(scale_factor=2, mode="nearest")}). */
    static NDArray nearest2x(NDArray x) {
        Shape s = x.getShape();
        return JniUtils.interpolate((PtNDArray) x, new long[] {s.get(2) * 2, s.get(3) * 2}, MODE_NEAREST, false);
    }
}
