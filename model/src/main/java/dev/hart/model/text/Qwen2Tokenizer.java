package dev.hart.model.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Qwen2 byte-level BPE tokenizer from a Hugging Face {@code tokenizer.json}, run by the Rust
 * tokenizers library through DJL, with padding and truncation done here exactly as transformers' fast
 * tokenizer does them for one string: truncate to {@code max_length} on the truncation side, then pad
 * with the pad token on the padding side. (DJL's own padding would use its own pad id and it truncates
 * to 512 tokens by default, so both are switched off in the native tokenizer.)
 *
 * <p>The pad token, padding side and truncation side come from {@code tokenizer_config.json}; Qwen2
 * defaults are {@code <|endoftext|>}, right and right.
 */
public final class Qwen2Tokenizer implements AutoCloseable {

    private static final String DEFAULT_PAD_TOKEN = "<|endoftext|>";

    private final HuggingFaceTokenizer tokenizer;
    private final long padTokenId;
    private final String padToken;
    private final PaddingSide paddingSide;
    private final PaddingSide truncationSide;

    private Qwen2Tokenizer(HuggingFaceTokenizer tokenizer, String padToken, long padTokenId,
                           PaddingSide paddingSide, PaddingSide truncationSide) {
        this.tokenizer = tokenizer;
        this.padToken = padToken;
        this.padTokenId = padTokenId;
        this.paddingSide = paddingSide;
        this.truncationSide = truncationSide;
    }

    /** Loads {@code tokenizer.json} and (if present) {@code tokenizer_config.json} from a checkpoint directory. */
    public static Qwen2Tokenizer load(Path dir) {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException("no tokenizer.json in " + dir.toAbsolutePath());
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode config = mapper.createObjectNode();
        Path configFile = dir.resolve("tokenizer_config.json");
        try {
            if (Files.isRegularFile(configFile)) {
                config = mapper.readTree(configFile.toFile());
            }
            String pad = tokenContent(config.get("pad_token"));
            if (pad == null) {
                pad = DEFAULT_PAD_TOKEN;
            }
            long padId = tokenId(mapper.readTree(json.toFile()), pad, json);
            if (System.getProperty("ai.djl.offline") == null) {
                // Without it, DJL tries to reach the network when the native tokenizer loads.
                System.setProperty("ai.djl.offline", "true");
            }
            HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(json)
                    .optAddSpecialTokens(true)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new Qwen2Tokenizer(hf, pad, padId, side(config, "padding_side"), side(config, "truncation_side"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the tokenizer from " + dir, e);
        }
    }

    private static String tokenContent(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.path("content").asText(null);
    }

    private static long tokenId(JsonNode tokenizerJson, String token, Path where) {
        for (JsonNode added : tokenizerJson.path("added_tokens")) {
            if (token.equals(added.path("content").asText())) {
                return added.path("id").asLong();
            }
        }
        JsonNode vocab = tokenizerJson.path("model").path("vocab");
        if (vocab.has(token)) {
            return vocab.get(token).asLong();
        }
        throw new IllegalArgumentException(where + ": pad token '" + token + "' is neither an added token nor in the vocabulary");
    }

    private static PaddingSide side(JsonNode config, String field) {
        String v = config.path(field).asText("right");
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "right" -> PaddingSide.RIGHT;
            case "left" -> PaddingSide.LEFT;
            default -> throw new IllegalArgumentException("tokenizer_config.json: " + field + " must be 'left' or 'right', got '" + v + "'");
        };
    }

    public long padTokenId() {
        return padTokenId;
    }

    public String padToken() {
        return padToken;
    }

    /** The padding side the checkpoint declares (Qwen2: right). */
    public PaddingSide paddingSide() {
        return paddingSide;
    }

    /** Token ids of {@code text}, no padding, no truncation (Qwen2 adds no BOS/EOS). */
    public long[] encode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text to tokenize must not be null");
        }
        if (text.isEmpty()) {
            return new long[0];
        }
        Encoding e = tokenizer.encode(text, true, false);
        return e.getIds();
    }

    /**
     * Tokenizes with truncation to {@code maxLength} and, when {@code padToMaxLength}, padding up to it on
     * {@code side} (transformers' {@code padding='max_length'}); without it a single string is not
     * padded ({@code padding='longest'}).
     */
    public TokenizedText tokenize(String text, int maxLength, boolean padToMaxLength, PaddingSide side) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("max_length must be positive, got " + maxLength);
        }
        long[] ids = encode(text);
        if (ids.length > maxLength) {
            ids = truncationSide == PaddingSide.RIGHT ? Arrays.copyOf(ids, maxLength)
                    : Arrays.copyOfRange(ids, ids.length - maxLength, ids.length);
        }
        int n = padToMaxLength ? maxLength : ids.length;
        long[] out = new long[n];
        long[] mask = new long[n];
        int offset = side == PaddingSide.RIGHT ? 0 : n - ids.length;
        Arrays.fill(out, padTokenId);
        System.arraycopy(ids, 0, out, offset, ids.length);
        Arrays.fill(mask, offset, offset + ids.length, 1L);
        return new TokenizedText(out, mask);
    }

    /** As {@link #tokenize(String, int, boolean, PaddingSide)} on the checkpoint's padding side. */
    public TokenizedText tokenize(String text, int maxLength, boolean padToMaxLength) {
        return tokenize(text, maxLength, padToMaxLength, paddingSide);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
