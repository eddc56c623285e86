package dev.hart.cli.generate;

import dev.hart.model.checkpoint.ModelSource;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.NamedConfigs;
import dev.hart.runtime.pipeline.CheckpointId;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.HartArModel;
import dev.hart.stage.ar.HashedPromptEncoder;
import dev.hart.stage.ar.PromptEncoder;
import dev.hart.stage.ar.Qwen2PromptEncoder;
import dev.hart.stage.decoder.HartLatentDecoder;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.diffusion.HartResidualModel;
import dev.hart.stage.common.ResidualModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Stage models from the model module's {@link ModelSource}: a checkpoint directory in the official layout, or seeded
 * random weights of a named config. Each stage opens its own source and loads only its tensors. Text conditioning:
 * a checkpoint directory uses its Qwen2 text model ({@link Qwen2PromptEncoder}: {@code text_model_path} of
 * llm/config.json, {@code <checkpoint>/text}, or {@code --text-model}); random weights have no trained text model and
 * use the {@link HashedPromptEncoder} stand-in, which says so in {@link #describe()}.
 */
public final class CheckpointModels implements StageModels {
    /** Seed of {@code --random-weights}: fixed, so every stage and process builds the same weights. */
    public static final long RANDOM_SEED = 0;

    private final Supplier<ModelSource> opener;
    private final String id;
    private final String where;
    private final Function<HartConfig, PromptEncoder> textEncoder;
    private final String text;
    private final double defaultCfg;

    private CheckpointModels(Supplier<ModelSource> opener, String id, String where,
                             Function<HartConfig, PromptEncoder> textEncoder, String text, double defaultCfg) {
        this.opener = opener;
        this.id = id;
        this.where = where;
        this.textEncoder = textEncoder;
        this.text = text;
        this.defaultCfg = defaultCfg;
    }

    public static CheckpointModels directory(Path dir) {
        return directory(dir, null);
    }

    /** @param textModel the Qwen2 folder; null = the checkpoint's own (text_model_path or text/) */
    public static CheckpointModels directory(Path dir, Path textModel) {
        return directory(dir, textModel, null);
    }

    /** @param maxTokenLength the text encoder's max_token_length; null = the checkpoint's context_token */
    public static CheckpointModels directory(Path dir, Path textModel, Integer maxTokenLength) {
        if (!Files.isDirectory(dir.resolve("llm")) || !Files.isDirectory(dir.resolve("tokenizer"))) {
            throw new IllegalArgumentException("Not a HART checkpoint directory (needs llm/ and tokenizer/): "
                    + dir.toAbsolutePath());
        }
        if (maxTokenLength != null) {
            int contextToken = dev.hart.model.config.HartConfig.load(dir.resolve("llm").resolve("config.json")).contextToken();
            if (maxTokenLength < 1 || maxTokenLength > contextToken) {
                throw new IllegalArgumentException("--max-token-length must be 1.." + contextToken
                        + " (the checkpoint's context_token), got " + maxTokenLength);
            }
        }
        // only the ar-stage needs the text model: look for it when that stage loads
        Optional<Path> textDir = textModel != null ? Optional.of(textModel) : dev.hart.model.checkpoint.HartCheckpointDir.textModelDir(dir);
        boolean systemPrompt = dev.hart.model.checkpoint.HartCheckpointDir.usesSystemPrompt(dir);
        return new CheckpointModels(() -> ModelSource.checkpoint(dir), CheckpointId.ofDirectory(dir),
                "checkpoint at " + dir.toAbsolutePath(),
                c -> new Qwen2PromptEncoder(textDir.orElseThrow(() -> new IllegalArgumentException("Checkpoint "
                        + dir.toAbsolutePath() + " has no text model (no text_model_path in llm/config.json, no text/"
                        + " folder): pass --text-model DIR (the Qwen2 folder)")), c, systemPrompt,
                        maxTokenLength == null ? c.contextToken() : maxTokenLength),
                textDir.map(t -> "qwen2 at " + t.toAbsolutePath()).orElse("none found; the ar stage needs --text-model"),
                dev.hart.model.checkpoint.HartCheckpointDir.defaultCfg(dir));
    }

    public static CheckpointModels random(String configName) {
        if (!NamedConfigs.names().contains(configName)) {
            throw new IllegalArgumentException("Unknown random-weights config '" + configName + "'; known: "
                    + NamedConfigs.names());
        }
        return new CheckpointModels(() -> ModelSource.random(configName, RANDOM_SEED),
                CheckpointId.ofRandomWeights(configName), "seeded random weights (seed " + RANDOM_SEED + ")",
                c -> new HashedPromptEncoder(c.contextToken(), c.contextDim()),
                "hashed-word stand-in encoder, random weights have no trained text model",
                dev.hart.model.inference.SamplingParams.DEFAULT_CFG);
    }

    @Override
    public String checkpointId() {
        return id;
    }

    @Override
    public double defaultCfg() {
        return defaultCfg;
    }

    @Override
    public String describe() {
        return "'" + id + "', " + where + " (text: " + text + ")";
    }

    @Override
    public ArModel loadAr() {
        return HartArModel.load(opener, id, textEncoder);
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
