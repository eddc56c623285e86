package dev.hart.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The hybrid tokenizer configuration, {@code tokenizer/config.json} (reference class
 * {@code HARTAutoEncoderWithDiscConfig}). Shape-defining fields are required; the rest default as in the
 * reference; unknown fields are ignored.
 */
public record TokenizerConfig(
        int vocabSize,
        int zChannels,
        int ch,
        List<Integer> chMult,
        double dropout,
        int quantConvKs,
        double quantResi,
        int shareQuantResi,
        int defaultQresiCounts,
        List<Integer> vPatchNums,
        boolean usingZnorm,
        String quantizerType,
        boolean doubleDecoder,
        double beta,
        boolean testMode,
        List<Integer> levels,
        boolean hybrid,
        boolean disableQuantResi,
        boolean freezeCodebookForHybrid) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** GroupNorm groups used by every VAE norm. */
    public static final int NORM_GROUPS = 32;

    public TokenizerConfig {
        chMult = List.copyOf(chMult);
        vPatchNums = List.copyOf(vPatchNums);
        levels = levels == null ? List.of() : List.copyOf(levels);
        if (vocabSize <= 0 || zChannels <= 0 || ch <= 0) {
            throw new IllegalArgumentException("tokenizer config: vocab_size, z_channels and ch must be positive");
        }
        if (quantConvKs <= 0 || quantConvKs % 2 == 0) {
            throw new IllegalArgumentException("tokenizer config: quant_conv_ks must be odd and positive, found " + quantConvKs);
        }
        if (shareQuantResi < 0) {
            throw new IllegalArgumentException("tokenizer config: share_quant_resi must be >= 0, found " + shareQuantResi);
        }
        for (int m : chMult) {
            if (m <= 0 || (ch * m) % NORM_GROUPS != 0) {
                throw new IllegalArgumentException("tokenizer config: ch * ch_mult must be a positive multiple of "
                        + NORM_GROUPS + " (GroupNorm groups), found ch=" + ch + " ch_mult=" + chMult);
            }
        }
    }

    public static TokenizerConfig load(Path configJson) {
        try {
            return fromJson(JSON.readTree(Files.readString(configJson)), configJson.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer config " + configJson, e);
        }
    }

    public static TokenizerConfig fromJson(JsonNode node, String source) {
        JsonFields f = new JsonFields(node, source);
        try {
            return new TokenizerConfig(
                    f.requireInt("vocab_size"),
                    f.requireInt("z_channels"),
                    f.requireInt("ch"),
                    f.requireIntList("ch_mult"),
                    f.optDouble("dropout", 0.0),
                    f.optInt("quant_conv_ks", 3),
                    f.optDouble("quant_resi", 0.5),
                    f.optInt("share_quant_resi", 4),
                    f.optInt("default_qresi_counts", 0),
                    f.optIntList("v_patch_nums", List.of(1, 2, 3, 4, 5, 6, 8, 10, 13, 16)),
                    f.optBool("using_znorm", false),
                    f.optString("quantizer_type", "var"),
                    f.optBool("double_decoder", false),
                    f.optDouble("beta", 0.25),
                    f.optBool("test_mode", false),
                    f.optIntList("levels", List.of()),
                    f.optBool("hybrid", false),
                    f.optBool("disable_quant_resi", false),
                    f.optBool("freeze_codebook_for_hybrid", false));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("tokenizer config:")) {
                throw new IllegalArgumentException(source + e.getMessage().substring("tokenizer config".length()), e);
            }
            throw e;
        }
    }

    /** Number of resolution levels N = len(ch_mult). */
    public int numLevels() {
        return chMult.size();
    }

    /** Channels of level l: {@code ch · ch_mult[l]}. */
    public int channels(int level) {
        return ch * chMult.get(level);
    }

    /** Spatial down-sampling factor {@code 2^(N−1)} between image and latent. */
    public int downsample() {
        return 1 << (chMult.size() - 1);
    }

    /**
     * Number of phi convolutions actually stored: K for K ≥ 2, 1 for {@code share_quant_resi = 1}, and
     * {@code default_qresi_counts} (or len(v_patch_nums) when 0) for unshared phis.
     */
    public int phiCount() {
        if (shareQuantResi == 0) {
            return defaultQresiCounts != 0 ? defaultQresiCounts : vPatchNums.size();
        }
        return shareQuantResi;
    }
}
