package dev.hart.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shape of a Qwen2 decoder as read from a Hugging Face {@code config.json} (Qwen2Config field
 * names; unknown fields are ignored). A Qwen2-VL config is accepted too: its text fields are read from
 * {@code text_config} when present, else from the top level; its multimodal rope sections are ignored
 * because for text-only input all three position components are equal, which is plain 1D rope.
 */
public record Qwen2Config(
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int intermediateSize,
        int vocabSize,
        double ropeTheta,
        double rmsNormEps,
        boolean tieWordEmbeddings) {

    public Qwen2Config {
        require(hiddenSize > 0, "hidden_size must be positive, got " + hiddenSize);
        require(numHiddenLayers > 0, "num_hidden_layers must be positive, got " + numHiddenLayers);
        require(numAttentionHeads > 0, "num_attention_heads must be positive, got " + numAttentionHeads);
        require(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
                "num_attention_heads (" + numAttentionHeads + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be positive and even, got " + headDim);
        require(intermediateSize > 0, "intermediate_size must be positive, got " + intermediateSize);
        require(vocabSize > 0, "vocab_size must be positive, got " + vocabSize);
        require(ropeTheta > 0, "rope_theta must be positive, got " + ropeTheta);
        require(rmsNormEps > 0, "rms_norm_eps must be positive, got " + rmsNormEps);
    }

    /** The text model HART uses: Qwen2-VL-1.5B-Instruct's language model, run as plain Qwen2. */
    public static Qwen2Config qwen2Vl1_5B() {
        return new Qwen2Config(1536, 28, 12, 2, 128, 8960, 151936, 1_000_000.0, 1e-6, true);
    }

    /** The same shape with fewer decoder layers (for timing runs that extrapolate per layer). */
    public Qwen2Config withLayers(int layers) {
        return new Qwen2Config(hiddenSize, layers, numAttentionHeads, numKeyValueHeads, headDim, intermediateSize,
                vocabSize, ropeTheta, rmsNormEps, tieWordEmbeddings);
    }

    public int queryDim() {
        return numAttentionHeads * headDim;
    }

    public int keyValueDim() {
        return numKeyValueHeads * headDim;
    }

    /** Reads {@code config.json} from a checkpoint directory (or the file itself). */
    public static Qwen2Config load(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no Qwen2 config.json at " + file.toAbsolutePath());
        }
        try {
            return fromJson(new ObjectMapper().readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static Qwen2Config fromJson(JsonNode root, String where) {
        JsonNode c = root.has("text_config") && root.get("text_config").has("hidden_size") ? root.get("text_config") : root;
        int hidden = required(c, "hidden_size", where);
        int heads = required(c, "num_attention_heads", where);
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        if (!c.hasNonNull("head_dim") && hidden % heads != 0) {
            throw new IllegalArgumentException(where + ": hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        boolean tie = c.has("tie_word_embeddings") ? c.get("tie_word_embeddings").asBoolean()
                : root.path("tie_word_embeddings").asBoolean(true);
        return new Qwen2Config(
                hidden,
                required(c, "num_hidden_layers", where),
                heads,
                c.hasNonNull("num_key_value_heads") ? c.get("num_key_value_heads").asInt() : heads,
                headDim,
                required(c, "intermediate_size", where),
                required(c, "vocab_size", where),
                ropeTheta(c),
                c.path("rms_norm_eps").asDouble(1e-6),
                tie);
    }

    /** transformers 5 moves rope_theta into rope_parameters; 4.x keeps it at the top level. */
    private static double ropeTheta(JsonNode c) {
        if (c.hasNonNull("rope_theta")) {
            return c.get("rope_theta").asDouble();
        }
        return c.path("rope_parameters").path("rope_theta").asDouble(10000.0);
    }

    private static int required(JsonNode c, String field, String where) {
        if (!c.hasNonNull(field) || !c.get(field).canConvertToInt()) {
            throw new IllegalArgumentException(where + ": missing or invalid integer field '" + field + "'");
        }
        return c.get(field).asInt();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid Qwen2 config: " + message);
        }
    }
}
