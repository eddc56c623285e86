package dev.hart.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The transformer configuration, {@code llm/config.json} (reference class {@code HARTForT2IConfig}).
 *
 * <p>Fields that fix the shapes of the weights are required (a config without them fails with the field
 * name); behavioural switches default to the reference defaults; unknown fields are ignored. Training-only
 * knobs are kept for completeness but have no effect on inference.
 */
public record HartConfig(
        String vaePath,
        int contextToken,
        int contextDim,
        int embedDim,
        int depth,
        int numHeads,
        double mlpRatio,
        double normEps,
        List<Integer> patchNums,
        String attnType,
        String mlpType,
        boolean disableAln,
        boolean sharedAln,
        String sepAlnPoolingMode,
        boolean useContextNorm,
        double contextNormScale,
        boolean useTimestepEmbed,
        boolean useCrossAttn,
        boolean attnL2Norm,
        int diffWidth,
        int diffDepth,
        String numSamplingSteps,
        String sampler,
        int diffusionBatchMul,
        int diffusionHeadRepeats,
        double condDropRate,
        double dropRate,
        double attnDropRate,
        double dropPathRate,
        boolean flashIfAvailable,
        boolean fusedIfAvailable) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public HartConfig {
        patchNums = List.copyOf(patchNums);
        String where = "llm config";
        positive(where, "context_token", contextToken);
        positive(where, "context_dim", contextDim);
        positive(where, "embed_dim", embedDim);
        positive(where, "depth", depth);
        positive(where, "num_heads", numHeads);
        positive(where, "diff_width", diffWidth);
        if (diffDepth < 0) {
            throw new IllegalArgumentException(where + ": diff_depth must be >= 0, found " + diffDepth);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException(where + ": embed_dim " + embedDim + " is not divisible by num_heads " + numHeads);
        }
        if (patchNums.size() < 2) {
            throw new IllegalArgumentException(where + ": patch_nums needs at least two scales, found " + patchNums);
        }
        for (int i = 0; i < patchNums.size(); i++) {
            if (patchNums.get(i) <= 0 || (i > 0 && patchNums.get(i) <= patchNums.get(i - 1))) {
                throw new IllegalArgumentException(where + ": patch_nums must be positive and increasing, found " + patchNums);
            }
        }
        if (!sepAlnPoolingMode.equals("avg") && !sepAlnPoolingMode.equals("max")) {
            throw new IllegalArgumentException(where + ": sep_aln_pooling_mode must be 'avg' or 'max', found '" + sepAlnPoolingMode + "'");
        }
    }

    private static void positive(String where, String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(where + ": " + field + " must be positive, found " + v);
        }
    }

    /** Reads {@code llm/config.json}. */
    public static HartConfig load(Path configJson) {
        try {
            return fromJson(JSON.readTree(Files.readString(configJson)), configJson.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read transformer config " + configJson, e);
        }
    }

    /** Parses a config object; {@code source} names it in error messages. */
    public static HartConfig fromJson(JsonNode node, String source) {
        JsonFields f = new JsonFields(node, source);
        try {
            return new HartConfig(
                    f.optString("vae_path", null),
                    f.requireInt("context_token"),
                    f.requireInt("context_dim"),
                    f.requireInt("embed_dim"),
                    f.requireInt("depth"),
                    f.requireInt("num_heads"),
                    f.optDouble("mlp_ratio", 4.0),
                    f.optDouble("norm_eps", 1e-6),
                    f.requireIntList("patch_nums"),
                    f.optString("attn_type", "gpt2"),
                    f.optString("mlp_type", "gpt2"),
                    f.optBool("disable_aln", false),
                    f.optBool("shared_aln", false),
                    f.optString("sep_aln_pooling_mode", "max"),
                    f.optBool("use_context_norm", false),
                    f.optDouble("context_norm_scale", 1.0),
                    f.optBool("use_timestep_embed", false),
                    f.optBool("use_cross_attn", false),
                    f.optBool("attn_l2_norm", false),
                    f.requireInt("diff_width"),
                    f.requireInt("diff_depth"),
                    f.optString("num_sampling_steps", "8"),
                    f.optString("sampler", "iddpm"),
                    f.optInt("diffusion_batch_mul", 4),
                    f.optInt("diffusion_head_repeats", 1),
                    f.optDouble("cond_drop_rate", 0.1),
                    f.optDouble("drop_rate", 0.0),
                    f.optDouble("attn_drop_rate", 0.0),
                    f.optDouble("drop_path_rate", 0.0),
                    f.optBool("flash_if_available", true),
                    f.optBool("fused_if_available", true));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("llm config:")) {
                throw new IllegalArgumentException(source + e.getMessage().substring("llm config".length()), e);
            }
            throw e;
        }
    }

    /** Per-head width {@code C / H}. */
    public int headDim() {
        return embedDim / numHeads;
    }

    /** Condition width D (equals C in HART). */
    public int condDim() {
        return embedDim;
    }

    /** Llama FFN hidden size {@code int((C·mlp_ratio·2)/3 + 255) // 256 · 256} (spec 3.5). */
    public int ffnHidden() {
        return ((int) ((embedDim * mlpRatio * 2) / 3 + 255)) / 256 * 256;
    }

    /** Number of scales n. */
    public int numScales() {
        return patchNums.size();
    }

    public int patchNum(int si) {
        return patchNums.get(si);
    }

    public int[] patchNumsArray() {
        return patchNums.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Side of the final latent P = patch_nums[-1]. */
    public int lastPatch() {
        return patchNums.get(patchNums.size() - 1);
    }

    /** Query tokens per scale: scale 0 is the T context tokens, scale si the pn² image tokens. */
    public int[] tokensPerScale() {
        int[] t = new int[numScales()];
        t[0] = contextToken;
        for (int i = 1; i < t.length; i++) {
            t[i] = patchNum(i) * patchNum(i);
        }
        return t;
    }

    /** Σ pn² over all scales (the reference's {@code L}). */
    public int imageTokenCount() {
        int l = 0;
        for (int pn : patchNums) {
            l += pn * pn;
        }
        return l;
    }

    /** Full sequence length {@code Lseq = T − 1 + Σ pn²} (the sizes of {@code lvl_1L} and the training mask). */
    public int seqLen() {
        return contextToken - 1 + imageTokenCount();
    }

    /** {@code 2^ceil(log2(Lseq))}: the reference's rotary cache size (not needed for the math). */
    public int maxPositionEmbeddings() {
        return Integer.highestOneBit(seqLen() - 1) << 1;
    }

    /** Guidance / smoothing ratio of scale si, {@code si / (n − 1)} (the final scale re-uses scale n−2's, spec 8.1). */
    public double scaleRatio(int si) {
        int used = Math.min(si, numScales() - 2);
        return (double) used / (numScales() - 1);
    }

    /** Number of respaced diffusion sampling steps ({@code num_sampling_steps} is a respacing string such as "8"). */
    public int diffusionSteps() {
        try {
            return Integer.parseInt(numSamplingSteps.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("num_sampling_steps '" + numSamplingSteps
                    + "' is not a plain step count; only a single number is supported");
        }
    }

    public boolean llamaAttention() {
        return attnType.equals("llama");
    }

    public boolean llamaMlp() {
        return mlpType.equals("llama");
    }
}
