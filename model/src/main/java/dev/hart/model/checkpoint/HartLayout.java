package dev.hart.model.checkpoint;

import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.hart.model.checkpoint.TensorSpec.Kind.BIAS;
import static dev.hart.model.checkpoint.TensorSpec.Kind.CAUSAL_MASK;
import static dev.hart.model.checkpoint.TensorSpec.Kind.EMBEDDING;
import static dev.hart.model.checkpoint.TensorSpec.Kind.LEVELS;
import static dev.hart.model.checkpoint.TensorSpec.Kind.NORM_WEIGHT;
import static dev.hart.model.checkpoint.TensorSpec.Kind.WEIGHT;
import static dev.hart.model.checkpoint.TensorSpec.Kind.ZEROS;

/**
 * Every tensor name and shape of a HART checkpoint, derived from the configs (spec 1.5): the transformer
 * folder ({@code llm/}: transformer, residual diffusion, buffers) and the VAE tokenizer (names without the
 * {@code vae.} prefix). Only the Llama attention/FFN variant HART uses is described.
 */
public final class HartLayout {

    private HartLayout() {
    }

    /** The tensors of {@code llm/} in state-dict order. */
    public static Map<String, TensorSpec> llm(HartConfig c, TokenizerConfig t) {
        if (!c.llamaAttention() || !c.llamaMlp()) {
            throw new IllegalArgumentException("only attn_type/mlp_type 'llama' are supported, config has "
                    + c.attnType() + "/" + c.mlpType());
        }
        Builder b = new Builder();
        long cc = c.embedDim();
        long d = c.condDim();
        long f = c.ffnHidden();
        long cvae = t.zChannels();
        long lseq = c.seqLen();
        b.add("lvl_1L", LEVELS, 1, lseq);
        b.add("attn_bias_for_masking", CAUSAL_MASK, 1, 1, lseq, lseq);
        if (c.useContextNorm()) {
            b.add("context_norm.weight", NORM_WEIGHT, c.contextDim());
        }
        b.linear("context_embed", c.contextDim(), cc);
        b.linear("word_embed", cvae, cc);
        b.add("lvl_embed.weight", EMBEDDING, c.numScales(), cc);
        for (int i = 0; i < c.depth(); i++) {
            String p = "blocks." + i + ".";
            b.linear(p + "ada_lin.1", d, 6 * cc);
            b.add(p + "ln_wo_grad.weight", NORM_WEIGHT, cc);
            b.add(p + "attn.qkv_proj.weight", WEIGHT, 3 * cc, cc);
            b.add(p + "attn.q_bias", BIAS, cc);
            b.add(p + "attn.v_bias", BIAS, cc);
            b.add(p + "attn.zero_k_bias", ZEROS, cc);
            b.linear(p + "attn.proj", cc, cc);
            if (c.attnL2Norm()) {
                b.add(p + "attn.scale_mul_1H11", BIAS, 1, c.numHeads(), 1, 1);
            }
            b.add(p + "ffn.gate_proj.weight", WEIGHT, f, cc);
            b.add(p + "ffn.up_proj.weight", WEIGHT, f, cc);
            b.add(p + "ffn.down_proj.weight", WEIGHT, cc, f);
        }
        b.add("head_nm.ln_wo_grad.weight", NORM_WEIGHT, cc);
        b.linear("head_nm.ada_lin.1", d, 2 * cc);
        b.linear("head", cc, t.vocabSize());
        b.add("decoder_norm.weight", NORM_WEIGHT, cc);
        diffusion(b, c, cvae);
        return b.build();
    }

    private static void diffusion(Builder b, HartConfig c, long cvae) {
        long w = c.diffWidth();
        String p = "diffloss.net.";
        b.linear(p + "time_embed.mlp.0", 256, w);
        b.linear(p + "time_embed.mlp.2", w, w);
        b.linear(p + "cond_embed", c.embedDim(), w);
        b.linear(p + "input_proj", cvae, w);
        for (int j = 0; j < c.diffDepth(); j++) {
            String r = p + "res_blocks." + j + ".";
            b.add(r + "in_ln.weight", NORM_WEIGHT, w);
            b.add(r + "in_ln.bias", BIAS, w);
            b.linear(r + "mlp.0", w, w);
            b.linear(r + "mlp.2", w, w);
            b.linear(r + "adaLN_modulation.1", w, 3 * w);
        }
        b.linear(p + "final_layer.adaLN_modulation.1", w, 2 * w);
        b.linear(p + "final_layer.linear", w, 2 * cvae);
    }

    /** The tensors of the VAE tokenizer, without the {@code vae.} prefix. */
    public static Map<String, TensorSpec> vae(TokenizerConfig t) {
        Builder b = new Builder();
        int n = t.numLevels();
        long z = t.zChannels();
        long ks = t.quantConvKs();
        // encoder
        b.conv("encoder.conv_in", 3, t.ch(), 3);
        long in = t.ch();
        for (int l = 0; l < n; l++) {
            long out = t.channels(l);
            for (int k = 0; k < 2; k++) {
                b.resnet("encoder.down." + l + ".block." + k, in, out);
                in = out;
            }
            if (l == n - 1) {
                for (int k = 0; k < 2; k++) {
                    b.attn("encoder.down." + l + ".attn." + k, in);
                }
            } else {
                b.conv("encoder.down." + l + ".downsample.conv", in, in, 3);
            }
        }
        b.resnet("encoder.mid.block_1", in, in);
        b.attn("encoder.mid.attn_1", in);
        b.resnet("encoder.mid.block_2", in, in);
        b.norm("encoder.norm_out", in);
        b.conv("encoder.conv_out", in, z, 3);
        // quantizer
        b.conv("quant_conv", z, z, ks);
        b.add("quantize.ema_vocab_hit_SV", ZEROS, t.vPatchNums().size(), t.vocabSize());
        b.add("quantize.embedding.weight", EMBEDDING, t.vocabSize(), z);
        if (Math.abs(t.quantResi()) > 1e-6) {
            for (int k = 0; k < t.phiCount(); k++) {
                String name = switch (t.shareQuantResi()) {
                    case 0 -> "quantize.quant_resi." + k;
                    case 1 -> "quantize.quant_resi.qresi";
                    default -> "quantize.quant_resi.qresi_ls." + k;
                };
                b.conv(name, z, z, 3);
            }
        }
        decoder(b, t, "post_quant_conv", "decoder");
        if (t.doubleDecoder()) {
            decoder(b, t, "post_quant_conv2", "decoder2");
        }
        return b.build();
    }

    private static void decoder(Builder b, TokenizerConfig t, String postQuant, String dec) {
        int n = t.numLevels();
        long z = t.zChannels();
        b.conv(postQuant, z, z, t.quantConvKs());
        long in = t.channels(n - 1);
        b.conv(dec + ".conv_in", z, in, 3);
        b.resnet(dec + ".mid.block_1", in, in);
        b.attn(dec + ".mid.attn_1", in);
        b.resnet(dec + ".mid.block_2", in, in);
        for (int l = n - 1; l >= 0; l--) {
            long out = t.channels(l);
            for (int k = 0; k < 3; k++) {
                b.resnet(dec + ".up." + l + ".block." + k, in, out);
                in = out;
                if (l == n - 1) {
                    b.attn(dec + ".up." + l + ".attn." + k, in);
                }
            }
            if (l > 0) {
                b.conv(dec + ".up." + l + ".upsample.conv", in, in, 3);
            }
        }
        b.norm(dec + ".norm_out", in);
        b.conv(dec + ".conv_out", in, 3, 3);
    }

    private static final class Builder {
        private final Map<String, TensorSpec> specs = new LinkedHashMap<>();

        void add(String name, TensorSpec.Kind kind, long... shape) {
            specs.put(name, new TensorSpec(name, shape, kind));
        }

        void linear(String name, long in, long out) {
            add(name + ".weight", WEIGHT, out, in);
            add(name + ".bias", BIAS, out);
        }

        void conv(String name, long in, long out, long k) {
            add(name + ".weight", WEIGHT, out, in, k, k);
            add(name + ".bias", BIAS, out);
        }

        void norm(String name, long ch) {
            add(name + ".weight", NORM_WEIGHT, ch);
            add(name + ".bias", BIAS, ch);
        }

        void resnet(String name, long in, long out) {
            norm(name + ".norm1", in);
            conv(name + ".conv1", in, out, 3);
            norm(name + ".norm2", out);
            conv(name + ".conv2", out, out, 3);
            if (in != out) {
                conv(name + ".nin_shortcut", in, out, 1);
            }
        }

        void attn(String name, long ch) {
            norm(name + ".norm", ch);
            conv(name + ".qkv", ch, 3 * ch, 1);
            conv(name + ".proj_out", ch, ch, 1);
        }

        Map<String, TensorSpec> build() {
            return Collections.unmodifiableMap(specs);
        }
    }

    /** Total parameter count of a layout (buffers included). */
    public static long numel(Map<String, TensorSpec> layout) {
        long n = 0;
        for (TensorSpec s : layout.values()) {
            n += s.numel();
        }
        return n;
    }

    static List<String> names(Map<String, TensorSpec> layout) {
        return new ArrayList<>(layout.keySet());
    }
}
