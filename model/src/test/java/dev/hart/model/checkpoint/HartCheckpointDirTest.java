package dev.hart.model.checkpoint;

import dev.hart.model.io.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HartCheckpointDirTest {

    private static final Path TINY_A = Path.of("src/test/resources/parity/models/tiny-a");

    @Test
    void locatesBothFoldersFromTheRootOrTheLlmFolder() {
        for (Path p : new Path[] {TINY_A, TINY_A.resolve("llm")}) {
            try (HartCheckpointDir dir = HartCheckpointDir.open(p)) {
                assertThat(dir.tokenizerDir().getFileName().toString()).isEqualTo("tokenizer");
                assertThat(dir.llmConfig().embedDim()).isEqualTo(64);
                assertThat(dir.tokenizerConfig().zChannels()).isEqualTo(8);
                WeightSource llm = dir.llmWeights();
                assertThat(llm.shape("head.weight")).containsExactly(1024, 64);
                WeightSource vae = dir.tokenizerWeights();
                assertThat(vae.contains("decoder.conv_in.weight")).isTrue();
                assertThat(vae.contains("vae.decoder.conv_in.weight")).isFalse();
                assertThat(vae.shape("quantize.embedding.weight")).containsExactly(1024, 8);
            }
        }
    }

    @Test
    void missingFoldersGiveClearErrors(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> HartCheckpointDir.open(tmp.resolve("nope"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> HartCheckpointDir.open(tmp)).hasMessageContaining("llm/config.json");
        Files.createDirectories(tmp.resolve("llm"));
        Files.copy(TINY_A.resolve("llm/config.json"), tmp.resolve("llm/config.json"));
        assertThatThrownBy(() -> HartCheckpointDir.open(tmp)).hasMessageContaining("tokenizer")
                .hasMessageContaining("vae_path is null");
        Files.createDirectories(tmp.resolve("tokenizer"));
        Files.copy(TINY_A.resolve("tokenizer/config.json"), tmp.resolve("tokenizer/config.json"));
        try (HartCheckpointDir dir = HartCheckpointDir.open(tmp)) {
            assertThatThrownBy(dir::llmWeights).hasMessageContaining("no weights found");
        }
    }

    @Test
    void defaultCfgIsTheCheckpointsOwnElseTheReferences(@TempDir Path tmp) throws Exception {
        assertThat(HartCheckpointDir.defaultCfg(TINY_A)).isEqualTo(dev.hart.model.inference.SamplingParams.DEFAULT_CFG);
        Files.createDirectories(tmp.resolve("llm"));
        String config = Files.readString(TINY_A.resolve("llm/config.json")).trim();
        String body = config.substring(0, config.lastIndexOf('}'));
        Files.writeString(tmp.resolve("llm/config.json"), body + ", \"default_cfg\": 1.25}");
        assertThat(HartCheckpointDir.defaultCfg(tmp)).isEqualTo(1.25);
        Files.writeString(tmp.resolve("llm/config.json"), body + ", \"default_cfg\": \"high\"}");
        assertThatThrownBy(() -> HartCheckpointDir.defaultCfg(tmp)).hasMessageContaining("default_cfg must be a number >= 0");
        Files.writeString(tmp.resolve("llm/config.json"), body + ", \"default_cfg\": -1}");
        assertThatThrownBy(() -> HartCheckpointDir.defaultCfg(tmp)).hasMessageContaining("got -1");
    }

    @Test
    void shardedSafetensorsAreFollowedThroughTheIndex(@TempDir Path tmp) throws Exception {
        Files.copy(TINY_A.resolve("llm/model.safetensors"), tmp.resolve("part-1.safetensors"));
        Files.writeString(tmp.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"head.weight\":\"part-1.safetensors\",\"head.bias\":\"part-1.safetensors\"}}");
        WeightSource w = HartCheckpointDir.openFolder(tmp);
        try {
            assertThat(w.names()).containsExactlyInAnyOrder("head.weight", "head.bias");
            assertThat(w.shape("head.bias")).containsExactly(1024);
        } finally {
            ((AutoCloseable) w).close();
        }
    }

    @Test
    void emaWeightsReplaceTheModelWeightsTheyHold(@TempDir Path tmp) throws Exception {
        for (String part : new String[] {"llm", "tokenizer"}) {
            Files.createDirectories(tmp.resolve(part));
            Files.copy(TINY_A.resolve(part + "/config.json"), tmp.resolve(part + "/config.json"));
            Files.copy(TINY_A.resolve(part + "/model.safetensors"), tmp.resolve(part + "/model.safetensors"));
        }
        Files.copy(Path.of("src/test/resources/torchbin/tiny_state_dict.bin"), tmp.resolve("llm/" + HartCheckpointDir.EMA_FILE));
        try (HartCheckpointDir dir = HartCheckpointDir.open(tmp)) {
            assertThat(dir.llmWeights().contains("half")).isTrue();
            assertThat(dir.llmWeights().shape("head.weight")).containsExactly(1024, 64);
        }
        try (HartCheckpointDir dir = HartCheckpointDir.open(tmp, false)) {
            assertThat(dir.llmWeights().contains("half")).isFalse();
        }
    }

    @Test
    void modelSourceServesCheckpointsAndNamedRandomConfigsAlike() {
        try (ModelSource real = ModelSource.checkpoint(TINY_A); ModelSource random = ModelSource.random("tiny-a", 5)) {
            assertThat(random.llmConfig()).isEqualTo(real.llmConfig());
            assertThat(random.tokenizerConfig()).isEqualTo(real.tokenizerConfig());
            assertThat(random.llmWeights().names()).containsExactlyInAnyOrderElementsOf(real.llmWeights().names());
            assertThat(random.vaeWeights().names()).containsExactlyInAnyOrderElementsOf(real.vaeWeights().names());
            assertThat(random.description()).contains("tiny-a").contains("seed 5");
        }
    }
}
