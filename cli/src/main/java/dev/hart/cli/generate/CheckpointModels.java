package dev.hart.cli.generate;

import dev.hart.model.checkpoint.ModelSource;
import dev.hart.model.config.NamedConfigs;
import dev.hart.runtime.pipeline.CheckpointId;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.HartArModel;
import dev.hart.stage.decoder.HartLatentDecoder;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.diffusion.HartResidualModel;
import dev.hart.stage.diffusion.ResidualModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Stage models from the model module's {@link ModelSource}: a checkpoint directory in the official layout, or seeded
 * random weights of a named config. Each stage opens its own source and loads only its tensors. Text conditioning:
 * the {@link dev.hart.stage.ar.HashedPromptEncoder} stand-in (no Qwen2 model is wired into the stages yet).
 */
public final class CheckpointModels implements StageModels {
    /** Seed of {@code --random-weights}: fixed, so every stage and process builds the same weights. */
    public static final long RANDOM_SEED = 0;

    private final Supplier<ModelSource> opener;
    private final String id;
    private final String where;

    private CheckpointModels(Supplier<ModelSource> opener, String id, String where) {
        this.opener = opener;
        this.id = id;
        this.where = where;
    }

    public static CheckpointModels directory(Path dir) {
        if (!Files.isDirectory(dir.resolve("llm")) || !Files.isDirectory(dir.resolve("tokenizer"))) {
            throw new IllegalArgumentException("Not a HART checkpoint directory (needs llm/ and tokenizer/): "
                    + dir.toAbsolutePath());
        }
        return new CheckpointModels(() -> ModelSource.checkpoint(dir), CheckpointId.ofDirectory(dir),
                "checkpoint at " + dir.toAbsolutePath());
    }

    public static CheckpointModels random(String configName) {
        if (!NamedConfigs.names().contains(configName)) {
            throw new IllegalArgumentException("Unknown random-weights config '" + configName + "'; known: "
                    + NamedConfigs.names());
        }
        return new CheckpointModels(() -> ModelSource.random(configName, RANDOM_SEED),
                CheckpointId.ofRandomWeights(configName), "seeded random weights (seed " + RANDOM_SEED + ")");
    }

    @Override
    public String checkpointId() {
        return id;
    }

    @Override
    public String describe() {
        return "'" + id + "', " + where + " (text: hashed-word stand-in encoder)";
    }

    @Override
    public ArModel loadAr() {
        return HartArModel.loadWithHashedPrompts(opener, id);
    }

    @Override
    public ResidualModel loadResidual() {
        return HartResidualModel.load(opener, id);
    }

    @Override
    public LatentDecoder loadDecoder() {
        return HartLatentDecoder.load(opener, id);
    }
}
