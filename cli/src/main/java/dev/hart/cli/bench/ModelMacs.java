package dev.hart.cli.bench;

import dev.hart.model.checkpoint.HartLayout;
import dev.hart.model.checkpoint.TensorSpec;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.text.Qwen2Config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Multiply-accumulates of each model part, computed from the configuration: what this implementation computes
 * (the reference computes more at scale 0, see {@link #arStage}; element-wise ops, norms and softmax are left out —
 * they are memory-bound, not MAC-bound). One MAC = 2 FLOP.
 */
public final class ModelMacs {

    private ModelMacs() {
    }

    /**
     * Qwen2 text encoder over B prompts of T tokens (padded to max length, as HART runs it): per layer q/k/v/o
     * projections, the SwiGLU MLP and the two attention matmuls over the full T x T score matrix.
     */
    public static double textEncoder(Qwen2Config c, int batch, int tokens) {
        double d = c.hiddenSize();
        double perToken = d * c.queryDim() + 2 * d * c.keyValueDim() + (double) c.queryDim() * d
                + 3 * d * c.intermediateSize();
        double attention = 2.0 * tokens * (double) tokens * c.queryDim();
        return (double) batch * c.numHiddenLayers() * (tokens * perToken + attention);
    }

    /**
     * One scale si of the AR transformer for B requests: 2B rows (classifier-free guidance), the scale's
     * query tokens through every block (fused qkv, output projection, llama FFN, attention against the KV cache
     * so far), the AdaLN modulations per row, the head over the scale's tokens, and the next scale's word
     * embedding plus the quantizer's phi convolution on the running latent. At scale 0 the unconditional half is one
     * token computed once ({@code HartTransformer.contextPass}) and the head reads only the last context position;
     * the reference runs B·T unconditional tokens and the head over all 2B·T.
     */
    public static double arStage(HartConfig c, TokenizerConfig t, int batch, int si) {
        double cc = c.embedDim();
        double f = c.ffnHidden();
        int[] tokens = c.tokensPerScale();
        double rows = 2.0 * batch;
        double q = tokens[si];
        double kv = 0;
        for (int j = 0; j <= si; j++) {
            kv += tokens[j];
        }
        double perTokenBlock = 3 * cc * cc + cc * cc + 3 * cc * f;
        double attention = 2 * q * kv * cc;
        double adaLn = c.condDim() * 6 * cc;
        double blocks;
        double head;
        if (si == 0) {
            // B conditional rows of T tokens, one unconditional token; the head on the last position only
            blocks = c.depth() * ((batch * q + 1) * perTokenBlock + batch * q * q * 2 * cc + 2 * cc + (batch + 1) * adaLn);
            head = rows * (cc * t.vocabSize() + c.condDim() * 2 * cc);
        } else {
            blocks = c.depth() * rows * (q * perTokenBlock + attention + adaLn);
            head = rows * (q * cc * t.vocabSize() + c.condDim() * 2 * cc);
        }
        double macs = blocks + head;
        if (si == 0) {
            macs += (batch * q + 1) * c.contextDim() * cc;              // context_embed
        }
        if (si < tokens.length - 1) {
            double nextTokens = (double) c.patchNum(si + 1) * c.patchNum(si + 1);
            macs += batch * nextTokens * t.zChannels() * cc;             // word_embed of the next scale's input
            double side = c.lastPatch();
            double ks = t.quantConvKs();
            macs += batch * side * side * t.zChannels() * t.zChannels() * ks * ks; // phi conv on f_hat
        }
        return macs;
    }

    /** All scales of the AR transformer. */
    public static double arTotal(HartConfig c, TokenizerConfig t, int batch) {
        double sum = 0;
        for (int si = 0; si < c.numScales(); si++) {
            sum += arStage(c, t, batch, si);
        }
        return sum;
    }

    /**
     * The residual diffusion for B requests: the condition embedding once, then per denoising step the MLP
     * (input projection, per residual block the AdaLN modulation and two w x w layers, the final layer) on 2·P²
     * rows (conditional and unconditional halves).
     */
    public static double diffusion(HartConfig c, TokenizerConfig t, int batch) {
        double w = c.diffWidth();
        double cvae = t.zChannels();
        double rows = 2.0 * c.lastPatch() * c.lastPatch() * batch;
        double perStep = cvae * w + c.diffDepth() * (3 * w * w + 2 * w * w) + 2 * w * w + w * 2 * cvae;
        return rows * (c.embedDim() * w + c.diffusionSteps() * perStep);
    }

    private static final Pattern UP_LEVEL = Pattern.compile("^decoder\\.up\\.(\\d+)\\.");

    /**
     * The VAE decoder for B latents: every convolution of the layout at the resolution it runs at
     * (H·W·Cin·Cout·k²), plus the self-attention matmuls (2·(H·W)²·C) of each attention block.
     */
    public static double decoder(TokenizerConfig t, int latentSide, int batch) {
        int n = t.numLevels();
        double sum = 0;
        for (Map.Entry<String, TensorSpec> e : HartLayout.vae(t).entrySet()) {
            String name = e.getKey();
            long[] s = e.getValue().shape();
            if (!(name.startsWith("decoder.") || name.startsWith("post_quant_conv.")) || !name.endsWith(".weight")
                    || s.length != 4) {
                continue;
            }
            double side = resolution(name, latentSide, n);
            sum += side * side * s[0] * s[1] * s[2] * s[3];
            if (name.endsWith(".qkv.weight")) {
                double hw = side * side;
                sum += 2 * hw * hw * (s[0] / 3.0);
            }
        }
        return batch * sum;
    }

    /** Side of the feature map a decoder weight runs on. */
    static double resolution(String name, int latentSide, int levels) {
        if (name.startsWith("decoder.conv_out")) {
            return (double) latentSide * (1 << (levels - 1));
        }
        Matcher m = UP_LEVEL.matcher(name);
        if (m.find()) {
            int level = Integer.parseInt(m.group(1));
            double side = (double) latentSide * (1 << (levels - 1 - level));
            return name.contains(".upsample.") ? 2 * side : side;
        }
        return latentSide; // post_quant_conv, conv_in, mid
    }
}
