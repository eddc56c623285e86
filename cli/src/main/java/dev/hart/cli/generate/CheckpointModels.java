package dev.hart.cli.generate;

import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.runtime.pipeline.CheckpointId;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.HartArModel;
import dev.hart.stage.decoder.HartLatentDecoder;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.diffusion.DiscreteOnlyResidual;
import dev.hart.stage.diffusion.ResidualModel;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint directory in the official layout ({@code llm/}, {@code tokenizer/}). Text conditioning: the
 * {@link dev.hart.stage.ar.HashedPromptEncoder} stand-in (no Qwen2 model is wired yet). Residual: the discrete-only
 * fallback until the model module's residual sampler exists.
 */
public final class CheckpointModels implements ModelSource {
    private final Path dir;
    private final String id;

    public CheckpointModels(Path dir) {
        if (!Files.isDirectory(dir.resolve("llm")) || !Files.isDirectory(dir.resolve("tokenizer"))) {
            throw new IllegalArgumentException("Not a HART checkpoint directory (needs llm/ and tokenizer/): "
                    + dir.toAbsolutePath());
        }
        this.dir = dir;
        this.id = CheckpointId.ofDirectory(dir);
    }

    @Override
    public String checkpointId() {
        return id;
    }

    @Override
    public String describe() {
        return "checkpoint '" + id + "' at " + dir.toAbsolutePath()
                + " (text: hashed-word stand-in encoder; residual diffusion: discrete-only fallback)";
    }

    @Override
    public ArModel loadAr() {
        return HartArModel.loadWithHashedPrompts(dir);
    }

    @Override
    public ResidualModel loadResidual() {
        try (HartCheckpointDir ckpt = HartCheckpointDir.open(dir)) {
            return new DiscreteOnlyResidual(id, ckpt.llmConfig().diffusionSteps());
        }
    }

    @Override
    public LatentDecoder loadDecoder() {
        return HartLatentDecoder.load(dir);
    }
}
