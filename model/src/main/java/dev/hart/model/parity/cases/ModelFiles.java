package dev.hart.model.parity.cases;

import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;
import dev.hart.model.parity.CaseContext;

import java.nio.file.Path;

/** Where a case's model lives (the manifest's {@code llm_dir} / {@code tokenizer_dir}). */
final class ModelFiles {

    private ModelFiles() {
    }

    static Path llmDir(CaseContext ctx) {
        return ctx.resolve(ctx.modelInfo().get("llm_dir").asText());
    }

    static HartConfig llmConfig(CaseContext ctx) {
        return HartConfig.load(llmDir(ctx).resolve("config.json"));
    }

    /** The checkpoint of the case (no EMA file in the vectors). */
    static HartCheckpointDir checkpoint(CaseContext ctx) {
        return HartCheckpointDir.open(llmDir(ctx), false);
    }
}
