package dev.hart.model.parity.cases;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.text.PaddingSide;
import dev.hart.model.text.Qwen2Tokenizer;
import dev.hart.model.text.TokenizedText;

import java.nio.charset.StandardCharsets;

/**
 * {@code qwen2_tokenize}: for every prompt {@code text.NNN}, the plain ids, HART's tokenize_fn with
 * padding to max_length (ids and attention mask) and with padding 'longest', and the left-padded variant.
 */
public final class Qwen2TokenizeCase implements CaseKind {

    @Override
    public String kind() {
        return "qwen2_tokenize";
    }

    @Override
    public void run(CaseContext ctx) {
        JsonNode args = ctx.args();
        try (Qwen2Tokenizer tokenizer = Qwen2Tokenizer.load(ctx.resolve(ctx.modelInfo().path("dir").asText()))) {
            for (int i = 0; i < args.path("prompts").size(); i++) {
                String n = String.format("%03d", i);
                String text = new String(ctx.inputBytes("text." + n), StandardCharsets.UTF_8);
                long[] ids = tokenizer.encode(text);
                ctx.put("ids." + n, new long[] {ids.length}, ids);
                for (JsonNode l : args.path("max_lengths")) {
                    int len = l.asInt();
                    TokenizedText padded = tokenizer.tokenize(text, len, true, PaddingSide.RIGHT);
                    put(ctx, "ids_ml" + len + "." + n, padded.ids());
                    put(ctx, "mask_ml" + len + "." + n, padded.attentionMask());
                    put(ctx, "ids_longest_ml" + len + "." + n, tokenizer.tokenize(text, len, false, PaddingSide.RIGHT).ids());
                }
                for (JsonNode l : args.path("left_pad_max_lengths")) {
                    int len = l.asInt();
                    TokenizedText padded = tokenizer.tokenize(text, len, true, PaddingSide.LEFT);
                    put(ctx, "ids_ml" + len + "_left." + n, padded.ids());
                    put(ctx, "mask_ml" + len + "_left." + n, padded.attentionMask());
                }
            }
        }
    }

    private static void put(CaseContext ctx, String name, long[] values) {
        ctx.put(name, new long[] {values.length}, values);
    }
}
