package dev.hart.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.SafeTensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo checkpoint's shape and its on-disk layout, the official one plus the text model:
 * <pre>
 *   llm/config.json, llm/model.safetensors              transformer + residual diffusion MLP
 *   tokenizer/config.json, tokenizer/model.safetensors  hybrid VAE tokenizer, keys prefixed "vae."
 *   text/config.json, model.safetensors, tokenizer.json, tokenizer_config.json   tiny Qwen2 (HF layout)
 * </pre>
 * The llm config carries two extra fields the demo was trained with: {@code use_llm_system_prompt}
 * (false: prompts are encoded without HART's system prompt) and {@code text_model_path} ("../text").
 */
public final class DemoCheckpoint {

    /** Default location of the committed demo checkpoint, relative to the repository root. */
    public static final String DEFAULT_DIR = "checkpoints/demo";

    public static final List<Integer> PATCH_NUMS = List.of(1, 2, 3, 4, 6, 8);
    public static final int CONTEXT_TOKENS = 16;
    /** The transformer's default width and depth; {@code hart train-demo --embed-dim/--depth} choose others. */
    public static final int DEFAULT_EMBED_DIM = 128;
    public static final int DEFAULT_DEPTH = 3;
    /**
     * The guidance scale generation uses unless a request sets one ({@code default_cfg} in llm/config.json). The
     * reference's 4.5 over-steers this small model: on held-out captions it drew stray patches of foreign colours in
     * 18% of images and misplaced shapes; a sweep of 0 to 6 (checkpoints/demo/README.md) put the best near 1.
     */
    public static final double GUIDANCE_SCALE = 1.0;

    private DemoCheckpoint() {
    }

    public static ObjectNode tokenizerConfigJson() {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("model_type", "hart_autoencoder_with_disc");
        c.put("vocab_size", 512);
        c.put("z_channels", 16);
        c.put("ch", 32);
        c.putArray("ch_mult").add(1).add(1).add(2);
        c.put("dropout", 0.0);
        c.put("quant_conv_ks", 3);
        c.put("quant_resi", 0.5);
        c.put("share_quant_resi", 4);
        c.put("default_qresi_counts", 0);
        var v = c.putArray("v_patch_nums");
        PATCH_NUMS.forEach(v::add);
        c.put("using_znorm", false);
        c.put("quantizer_type", "var_hybrid");
        c.put("double_decoder", false);
        c.put("beta", 0.25);
        c.put("hybrid", true);
        return c;
    }

    public static ObjectNode llmConfigJson() {
        return llmConfigJson(DEFAULT_EMBED_DIM, DEFAULT_DEPTH);
    }

    /**
     * The llm config of a transformer {@code embedDim} wide and {@code depth} blocks deep; {@link HartConfig} checks
     * them (positive, width divisible by the 4 heads).
     */
    public static ObjectNode llmConfigJson(int embedDim, int depth) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.put("model_type", "hart_transformer_t2i");
        c.putNull("vae_path");
        c.put("context_token", CONTEXT_TOKENS);
        c.put("context_dim", DemoTextModel.HIDDEN);
        c.put("embed_dim", embedDim);
        c.put("depth", depth);
        c.put("num_heads", 4);
        c.put("mlp_ratio", 2.0);
        c.put("norm_eps", 1e-6);
        var p = c.putArray("patch_nums");
        PATCH_NUMS.forEach(p::add);
        c.put("attn_type", "llama");
        c.put("mlp_type", "llama");
        c.put("disable_aln", false);
        c.put("shared_aln", false);
        c.put("sep_aln_pooling_mode", "max");
        c.put("use_context_norm", false);
        c.put("use_timestep_embed", false);
        c.put("use_cross_attn", false);
        c.put("attn_l2_norm", false);
        c.put("diff_width", 128);
        c.put("diff_depth", 2);
        c.put("num_sampling_steps", "8");
        c.put("sampler", "iddpm");
        c.put("diffusion_batch_mul", 4);
        c.put("cond_drop_rate", 0.1);
        c.put("use_llm_system_prompt", false);
        c.put("text_model_path", "../text");
        c.put("default_cfg", GUIDANCE_SCALE);
        return c;
    }

    public static TokenizerConfig tokenizerConfig() {
        return TokenizerConfig.fromJson(tokenizerConfigJson(), "demo tokenizer config");
    }

    public static HartConfig llmConfig() {
        return llmConfig(DEFAULT_EMBED_DIM, DEFAULT_DEPTH);
    }

    public static HartConfig llmConfig(int embedDim, int depth) {
        return HartConfig.fromJson(llmConfigJson(embedDim, depth), "demo llm config");
    }

    /** Whether a parameter name belongs to the VAE tokenizer (stored with the "vae." prefix). */
    public static boolean isVae(String name) {
        return name.startsWith("encoder.") || name.startsWith("decoder.") || name.startsWith("quant_conv.")
                || name.startsWith("post_quant_conv.") || name.startsWith("quantize.");
    }

    /** Writes the llm and tokenizer folders (configs + weights) from the trained parameters. */
    public static void writeModel(Path dir, TrainableWeights w, int embedDim, int depth) {
        ObjectNode json = llmConfigJson(embedDim, depth);
        HartConfig cfg = HartConfig.fromJson(json, "demo llm config");
        TokenizerConfig tcfg = tokenizerConfig();
        writeJson(dir.resolve("llm/config.json"), json);
        writeJson(dir.resolve("tokenizer/config.json"), tokenizerConfigJson());

        SafeTensorsWriter llm = new SafeTensorsWriter().metadata("format", "pt");
        for (String name : w.names()) {
            if (!isVae(name)) {
                llm.add(name, w.averaged(name).stopGradient());   // the moving average when training keeps one
            }
        }
        // reference buffers: level of every position and the training mask (0 / -inf, block-causal)
        int t = cfg.contextToken();
        int[] pns = cfg.patchNumsArray();
        int lseq = t - 1;
        for (int pn : pns) {
            lseq += pn * pn;
        }
        long[] lvl = new long[lseq];
        int[] stageOf = new int[lseq];
        int pos = t;
        for (int si = 1; si < pns.length; si++) {
            for (int k = 0; k < pns[si] * pns[si]; k++, pos++) {
                lvl[pos] = si;
                stageOf[pos] = si;
            }
        }
        float[] bias = new float[lseq * lseq];
        for (int i = 0; i < lseq; i++) {
            for (int j = 0; j < lseq; j++) {
                bias[i * lseq + j] = stageOf[j] <= stageOf[i] ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        for (int i = 0; i < cfg.depth(); i++) {
            llm.addF32("blocks." + i + ".attn.zero_k_bias", new long[] {cfg.embedDim()}, new float[cfg.embedDim()]);
        }
        llm.addI64("lvl_1L", new long[] {1, lseq}, lvl);
        llm.addF32("attn_bias_for_masking", new long[] {1, 1, lseq, lseq}, bias);
        llm.write(dir.resolve("llm/model.safetensors"));

        SafeTensorsWriter vae = new SafeTensorsWriter().metadata("format", "pt");
        for (String name : w.names()) {
            if (isVae(name)) {
                vae.add("vae." + name, w.param(name).stopGradient());
            }
        }
        vae.addF32("vae.quantize.ema_vocab_hit_SV", new long[] {tcfg.vPatchNums().size(), tcfg.vocabSize()},
                new float[tcfg.vPatchNums().size() * tcfg.vocabSize()]);
        vae.write(dir.resolve("tokenizer/model.safetensors"));
    }

    static void writeJson(Path file, JsonNode node) {
        try {
            Files.createDirectories(file.getParent());
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
