package dev.hart.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.nn.TorchMemory;

/**
 * A differentiable forward of the hybrid tokenizer's autoencoder for training, reading the parameters by
 * their checkpoint names. It computes what {@code dev.hart.model.tokenizer.VaeEncoder} and {@code VaeDecoder}
 * compute (checked numerically in the tests) without the inference path's in-place updates of tensors that
 * autograd saved, and with the narrow-convolution guard below; the inference classes stay free of training
 * branches.
 */
public final class VaeTrainingForward {

    /**
     * Convolutions with fewer output channels than this run padded to it: libtorch 2.7.1's CPU conv2d
     * backward intermittently returns NaN input gradients for narrow outputs (measured on a [32, 32, 32, 32]
     * input: 3 of 100 backward passes at 3 output channels, 1 of 100 at 4 and at 8, none at 16 or 64; none
     * of 300 once padded), which hit the decoder's conv_out.
     */
    static final int MIN_OUT_CHANNELS = 64;

    private static final int ENCODER_BLOCKS_PER_LEVEL = 2;
    private static final int DECODER_BLOCKS_PER_LEVEL = 3;
    private static final double NORM_EPS = 1e-6;
    private static final int MODE_NEAREST = 0;

    private final TokenizerConfig config;
    private final TrainableWeights w;
    private final NDManager m;

    /** @param m manager of this forward's intermediates (one per training step) */
    public VaeTrainingForward(TokenizerConfig config, TrainableWeights weights, NDManager m) {
        this.config = config;
        this.w = weights;
        this.m = m;
    }

    /** {@code quant_conv(Encoder(image))}: image [B, 3, S, S] in [−1, 1] → f [B, Cvae, S/ds, S/ds]. */
    public NDArray encode(NDArray image) {
        int n = config.numLevels();
        NDArray h = conv(image, "encoder.conv_in", 1, 1);
        for (int l = 0; l < n; l++) {
            String down = "encoder.down." + l;
            for (int b = 0; b < ENCODER_BLOCKS_PER_LEVEL; b++) {
                h = resnet(h, down + ".block." + b);
                if (l == n - 1) {
                    h = attention(h, down + ".attn." + b);
                }
            }
            if (l < n - 1) {
                h = conv(h.pad(new Shape(0, 1, 0, 1), 0), down + ".downsample.conv", 2, 0);
            }
        }
        h = middle(h, "encoder.mid");
        h = conv(silu(groupNorm(h, "encoder.norm_out")), "encoder.conv_out", 1, 1);
        return conv(h, "quant_conv", 1, config.quantConvKs() / 2);
    }

    /**
     * {@code Decoder(post_quant_conv(z))}, before the clip to [−1, 1] that inference applies: a clipped pixel
     * gets no gradient, so one pushed past the range could never come back (the first tokenizers kept a
     * blue-less band in their top two rows that way).
     */
    public NDArray decode(NDArray z) {
        int n = config.numLevels();
        NDArray h = conv(z, "post_quant_conv", 1, config.quantConvKs() / 2);
        h = conv(h, "decoder.conv_in", 1, 1);
        h = middle(h, "decoder.mid");
        for (int l = n - 1; l >= 0; l--) {
            String up = "decoder.up." + l;
            for (int b = 0; b < DECODER_BLOCKS_PER_LEVEL; b++) {
                h = resnet(h, up + ".block." + b);
                if (l == n - 1) {
                    h = attention(h, up + ".attn." + b);
                }
            }
            if (l > 0) {
                Shape s = h.getShape();
                NDArray up2 = JniUtils.interpolate((PtNDArray) h, new long[] {s.get(2) * 2, s.get(3) * 2}, MODE_NEAREST, false);
                h = conv(up2, up + ".upsample.conv", 1, 1);
            }
        }
        return conv(silu(groupNorm(h, "decoder.norm_out")), "decoder.conv_out", 1, 1);
    }

    private NDArray middle(NDArray h, String prefix) {
        h = resnet(h, prefix + ".block_1");
        h = attention(h, prefix + ".attn_1");
        return resnet(h, prefix + ".block_2");
    }

    private NDArray resnet(NDArray x, String prefix) {
        NDArray h = conv(silu(groupNorm(x, prefix + ".norm1")), prefix + ".conv1", 1, 1);
        h = conv(silu(groupNorm(h, prefix + ".norm2")), prefix + ".conv2", 1, 1);
        NDArray skip = w.contains(prefix + ".nin_shortcut.weight") ? conv(x, prefix + ".nin_shortcut", 1, 0) : x;
        return skip.add(h);
    }

    /** Single-head spatial self-attention: {@code x + proj_out(v · softmax(qᵀk / sqrt(C))ᵀ)}. */
    private NDArray attention(NDArray x, String prefix) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long hw = s.get(2) * s.get(3);
        NDList parts = conv(groupNorm(x, prefix + ".norm"), prefix + ".qkv", 1, 0).reshape(b, 3, c, hw).split(3, 1);
        NDArray q = parts.get(0).reshape(b, c, hw).transpose(0, 2, 1);
        NDArray k = parts.get(1).reshape(b, c, hw);
        NDArray v = parts.get(2).reshape(b, c, hw);
        // TorchMemory: DJL's mul(Number) keeps the scalar in a Java buffer the backward pass may read after it is freed
        NDArray att = TorchMemory.mul(q.batchMatMul(k), (float) Math.pow(c, -0.5)).softmax(2);
        NDArray h = v.batchMatMul(att.transpose(0, 2, 1)).reshape(s);
        return x.add(conv(h, prefix + ".proj_out", 1, 0));
    }

    private NDArray conv(NDArray x, String name, int stride, int padding) {
        NDArray weight = w.load(m, name + ".weight");
        NDArray bias = w.load(m, name + ".bias");
        Shape ws = weight.getShape();
        long cout = ws.get(0);
        if (cout < MIN_OUT_CHANNELS) {
            long extra = MIN_OUT_CHANNELS - cout;
            weight = weight.concat(m.zeros(new Shape(extra, ws.get(1), ws.get(2), ws.get(3))), 0);
            bias = bias.concat(m.zeros(new Shape(extra)), 0);
        }
        NDArray y = x.getNDArrayInternal().convolution(x, weight, bias, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
        return cout < MIN_OUT_CHANNELS ? y.get(":, 0:" + cout) : y;
    }

    /** GroupNorm from batch-norm statistics on a [1, B·G, rest] view, then the per-channel affine (no in-place). */
    private NDArray groupNorm(NDArray x, String name) {
        Shape s = x.getShape();
        long c = s.get(1);
        long ng = s.get(0) * TokenizerConfig.NORM_GROUPS;
        NDArray normed = JniUtils.batchNorm((PtNDArray) x.reshape(1, ng, -1), (PtNDArray) m.zeros(new Shape(ng)),
                (PtNDArray) m.ones(new Shape(ng)), (PtNDArray) m.ones(new Shape(ng)), (PtNDArray) m.zeros(new Shape(ng)),
                true, 0.0, NORM_EPS).reshape(s);
        return normed.mul(w.load(m, name + ".weight").reshape(c, 1, 1)).add(w.load(m, name + ".bias").reshape(c, 1, 1));
    }

    private static NDArray silu(NDArray x) {
        return x.getNDArrayInternal().sigmoid().mul(x);
    }
}
