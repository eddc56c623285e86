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
}
