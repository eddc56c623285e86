package dev.hart.model.parity.cases;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.text.PaddingSide;
import dev.hart.model.text.PromptEncoding;
import dev.hart.model.text.Qwen2TextEncoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code hart_encode_prompts}: HART's encode_prompts with its intermediates (what the text model received and returned). */
public final class HartEncodePromptsCase implements CaseKind {

    @Override
    public String kind() {
        return "hart_encode_prompts";
    }

    @Override
    public void run(CaseContext ctx) {
        JsonNode args = ctx.args();
        boolean useSystem = args.path("use_llm_system_prompt").asBoolean();
        if (useSystem && !Qwen2TextEncoder.HART_SYSTEM_PROMPT.equals(args.path("system_prompt").asText())) {
            throw new IllegalStateException("the case's system prompt differs from Qwen2TextEncoder.HART_SYSTEM_PROMPT");
        }
        int maxLength = args.path("max_length").asInt();
        PaddingSide side = PaddingSide.valueOf(args.path("padding_side").asText("right").toUpperCase(Locale.ROOT));
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < args.path("prompts").size(); i++) {
            prompts.add(new String(ctx.inputBytes(String.format("text.%03d", i)), StandardCharsets.UTF_8));
        }
        try (Qwen2TextEncoder encoder = Qwen2TextEncoder.load(ctx.resolve(ctx.modelInfo().path("dir").asText()), maxLength)) {
            PromptEncoding e = encoder.encode(prompts, useSystem, maxLength, side, ctx.trace());
            long[] tokensShape = {e.batch(), e.length()};
            ctx.put("context_tokens", tokensShape, e.tokens());
            ctx.put("context_mask", tokensShape, e.mask());
            ctx.put("context_position_ids", tokensShape, e.positionIds());
            double[] context = new double[e.context().length];
            for (int i = 0; i < context.length; i++) {
                context[i] = e.context()[i];
            }
            ctx.put("context_tensor", new long[] {e.batch(), e.length(), e.hidden()}, context);
        }
    }
}
