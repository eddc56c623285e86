package dev.hart.model.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Configurations known by name, for {@code --random-weights} runs and benchmarks without a checkpoint.
 *
 * <ul>
 *   <li>{@code tiny-a}, {@code tiny-b}: the parity-vector configs (values of the manifest's models section).</li>
 *   <li>{@code hart-0.7b-1024px}: patch_nums 1…64 (14 scales), C = 1536, depth 16, 24 heads, context
 *       300 × 1536, diffusion width 1024 depth 6, V = 4096, Cvae = 32.</li>
 *   <li>{@code hart-0.7b-256px}: the same with patch_nums 1…16 (10 scales).</li>
 * </ul>
 * Assumptions for the 0.7b shapes (spec 1.4 and addendum; no official config.json was available):
 * llama attention/FFN, norm_eps 1e-6, mlp_ratio 4, the reference defaults for the unconfirmed switches
 * (sep_aln_pooling_mode "max", no context norm, no attn_l2_norm), 8 sampling steps; tokenizer as the VAR
 * {@code vae_ch160v4096z32} it derives from: ch 160, ch_mult (1,1,2,2,4), quant_conv_ks 3, quant_resi 0.5,
 * share_quant_resi 4, quantizer_type var_hybrid, v_patch_nums = the model's patch_nums.
 */
public final class NamedConfigs {

    /** A transformer config with its tokenizer config. */
    public record NamedConfig(String name, HartConfig llm, TokenizerConfig tokenizer) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("tiny-a", "tiny-b", "hart-0.7b-1024px", "hart-0.7b-256px");

    private NamedConfigs() {
    }

    public static List<String> names() {
        return NAMES;
    }

    public static NamedConfig get(String name) {
        return switch (name) {
            case "tiny-a" -> build(name, new int[] {1, 2, 3, 4, 6, 8}, 8, 32, 64, 2, 4, true, "avg", 64, 2,
                    1024, 8, 32, new int[] {1, 1, 2});
            case "tiny-b" -> build(name, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 10}, 6, 64, 96, 3, 6, false, "max", 96, 3,
                    640, 16, 32, new int[] {1, 2});
            case "hart-0.7b-1024px" -> build(name, new int[] {1, 2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 48, 64}, 300, 1536,
                    1536, 16, 24, false, "max", 1024, 6, 4096, 32, 160, new int[] {1, 1, 2, 2, 4});
            case "hart-0.7b-256px" -> build(name, new int[] {1, 2, 3, 4, 5, 6, 8, 10, 13, 16}, 300, 1536,
                    1536, 16, 24, false, "max", 1024, 6, 4096, 32, 160, new int[] {1, 1, 2, 2, 4});
            default -> throw new IllegalArgumentException("unknown model config '" + name + "'; known: " + NAMES);
        };
    }

    private static NamedConfig build(String name, int[] patchNums, int contextToken, int contextDim, int embed, int depth,
                                     int heads, boolean contextNorm, String pooling, int diffWidth, int diffDepth,
                                     int vocab, int zChannels, int ch, int[] chMult) {
        ObjectNode llm = JSON.createObjectNode();
        llm.putNull("vae_path");
        llm.put("context_token", contextToken).put("context_dim", contextDim).put("embed_dim", embed)
                .put("depth", depth).put("num_heads", heads).put("mlp_ratio", 4.0).put("norm_eps", 1e-6)
                .put("attn_type", "llama").put("mlp_type", "llama").put("disable_aln", false).put("shared_aln", false)
                .put("sep_aln_pooling_mode", pooling).put("use_context_norm", contextNorm).put("context_norm_scale", 1.0)
                .put("use_timestep_embed", false).put("use_cross_attn", false).put("attn_l2_norm", false)
                .put("diff_width", diffWidth).put("diff_depth", diffDepth).put("num_sampling_steps", "8")
                .put("sampler", "iddpm").put("diffusion_batch_mul", 4).put("diffusion_head_repeats", 1)
                .put("cond_drop_rate", 0.1).put("drop_rate", 0.0).put("attn_drop_rate", 0.0).put("drop_path_rate", 0.0)
                .put("flash_if_available", true).put("fused_if_available", true);
        var pn = llm.putArray("patch_nums");
        for (int p : patchNums) {
            pn.add(p);
        }
        ObjectNode tok = JSON.createObjectNode();
        tok.put("vocab_size", vocab).put("z_channels", zChannels).put("ch", ch).put("dropout", 0.0).put("beta", 0.25)
                .put("using_znorm", false).put("quant_conv_ks", 3).put("quant_resi", 0.5).put("share_quant_resi", 4)
                .put("default_qresi_counts", 0).put("test_mode", false).put("quantizer_type", "var_hybrid")
                .put("hybrid", true).put("disable_quant_resi", false).put("freeze_codebook_for_hybrid", true)
                .put("double_decoder", false);
        var cm = tok.putArray("ch_mult");
        for (int m : chMult) {
            cm.add(m);
        }
        var vp = tok.putArray("v_patch_nums");
        for (int p : patchNums) {
            vp.add(p);
        }
        tok.putArray("levels").add(8).add(8).add(8).add(6).add(5);
        return new NamedConfig(name, HartConfig.fromJson(llm, "named config " + name),
                TokenizerConfig.fromJson(tok, "named config " + name));
    }
}
