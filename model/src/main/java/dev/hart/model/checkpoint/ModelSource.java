package dev.hart.model.checkpoint;

import ai.djl.ndarray.NDManager;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.NamedConfigs;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;

import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Where a pipeline stage gets its configs and weights: a checkpoint directory, or seeded random weights
 * for a named config ({@code --random-weights}). Weights are opened lazily and only the tensors a stage
 * loads are read or generated. {@link #vaeWeights()} has no {@code vae.} prefix.
 */
public final class ModelSource implements AutoCloseable {

    private final String description;
    private final HartConfig llmConfig;
    private final TokenizerConfig tokenizerConfig;
    private final HartCheckpointDir dir;
    private final WeightSource llm;
    private final WeightSource vae;

    private ModelSource(String description, HartConfig llmConfig, TokenizerConfig tokenizerConfig, HartCheckpointDir dir,
                        WeightSource llm, WeightSource vae) {
        this.description = description;
        this.llmConfig = llmConfig;
        this.tokenizerConfig = tokenizerConfig;
        this.dir = dir;
        this.llm = llm;
        this.vae = vae;
    }

    /** A checkpoint directory (root or its {@code llm/} folder); EMA weights as the reference scripts use them. */
    public static ModelSource checkpoint(Path path) {
        HartCheckpointDir d = HartCheckpointDir.open(path);
        return new ModelSource("checkpoint " + d.llmDir().getParent(), d.llmConfig(), d.tokenizerConfig(), d, null, null);
    }

    /** Random weights for a config of {@link NamedConfigs}; the same seed gives the same weights everywhere. */
    public static ModelSource random(String configName, long seed) {
        NamedConfigs.NamedConfig c = NamedConfigs.get(configName);
        return new ModelSource("random weights for " + configName + " (seed " + seed + ")", c.llm(), c.tokenizer(), null,
                RandomWeights.llm(c.llm(), c.tokenizer(), seed), RandomWeights.vae(c.tokenizer(), seed));
    }

    /**
     * Weights the caller has already opened and keeps owning (closing this source leaves them open), so several
     * stages in one process can share them.
     */
    public static ModelSource borrowed(String description, HartConfig llmConfig, TokenizerConfig tokenizerConfig,
                                       WeightSource llmWeights, WeightSource vaeWeights) {
        return new ModelSource(description, llmConfig, tokenizerConfig, null, llmWeights, vaeWeights);
    }

    /**
     * Opens a source and a base manager and builds a model on them that then owns both; if building fails, both
     * are closed before the exception propagates.
     */
    public static <T> T loadOwned(Supplier<ModelSource> opener, BiFunction<ModelSource, NDManager, T> build) {
        ModelSource src = opener.get();
        NDManager m = dev.hart.model.nn.ComputeDevice.newRootManager();
        try {
            return build.apply(src, m);
        } catch (RuntimeException e) {
            m.close();
            src.close();
            throw e;
        }
    }

    public HartConfig llmConfig() {
        return llmConfig;
    }

    public TokenizerConfig tokenizerConfig() {
        return tokenizerConfig;
    }

    /** Transformer + residual diffusion weights ({@code diffloss.*}). */
    public WeightSource llmWeights() {
        return dir != null ? dir.llmWeights() : llm;
    }

    /** VAE tokenizer weights without the {@code vae.} prefix. */
    public WeightSource vaeWeights() {
        return dir != null ? dir.tokenizerWeights() : vae;
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (dir != null) {
            dir.close();
        }
    }
}
