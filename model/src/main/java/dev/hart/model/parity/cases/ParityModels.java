package dev.hart.model.parity.cases;

import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.io.WeightSource;
import dev.hart.model.parity.CaseContext;

import java.nio.file.Path;

/** Opens the model folders a parity case names in the manifest ({@code llm_dir}, {@code tokenizer_dir}). */
final class ParityModels {

    private ParityModels() {
    }

    static Path tokenizerDir(CaseContext ctx) {
        return ctx.resolve(ctx.modelInfo().path("tokenizer_dir").asText());
    }

    static Path llmDir(CaseContext ctx) {
        return ctx.resolve(ctx.modelInfo().path("llm_dir").asText());
    }

    static TokenizerConfig tokenizerConfig(CaseContext ctx) {
        return TokenizerConfig.load(tokenizerDir(ctx).resolve("config.json"));
    }

    static HartConfig llmConfig(CaseContext ctx) {
        return HartConfig.load(llmDir(ctx).resolve("config.json"));
    }

    /** The tokenizer file; the caller closes it. View it with {@link HartCheckpointDir#vaeView}. */
    static SafeTensors tokenizerFile(CaseContext ctx) {
        return SafeTensors.open(tokenizerDir(ctx).resolve("model.safetensors"));
    }

    static SafeTensors llmFile(CaseContext ctx) {
        return SafeTensors.open(llmDir(ctx).resolve("model.safetensors"));
    }

    static WeightSource vae(SafeTensors tokenizerFile) {
        return HartCheckpointDir.vaeView(tokenizerFile);
    }
}
