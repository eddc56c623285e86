package dev.hart.cli.bench;

import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.checkpoint.RandomWeights;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.NamedConfigs;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;

import java.nio.file.Path;

/**
 * The weights a benchmark runs: a named config with seeded random weights (any size, no files) or a checkpoint
 * directory in the official layout (the demo checkpoint).
 */
record BenchModel(String name, HartConfig llmConfig, TokenizerConfig tokenizerConfig, WeightSource llmWeights,
                   WeightSource vaeWeights, AutoCloseable owner) implements AutoCloseable {

    static final long SEED = 20241015L;

    static BenchModel named(String configName) {
        NamedConfigs.NamedConfig c = NamedConfigs.get(configName);
        return new BenchModel(configName, c.llm(), c.tokenizer(), RandomWeights.llm(c.llm(), c.tokenizer(), SEED),
                RandomWeights.vae(c.tokenizer(), SEED), null);
    }

    static BenchModel checkpoint(String name, Path dir) {
        HartCheckpointDir ck = HartCheckpointDir.open(dir);
        return new BenchModel(name, ck.llmConfig(), ck.tokenizerConfig(), ck.llmWeights(), ck.tokenizerWeights(), ck);
    }

    String description() {
        return owner == null ? name + " (random weights)" : name + " (checkpoint)";
    }

    @Override
    public void close() throws Exception {
        if (owner != null) {
            owner.close();
        }
    }
}
