package dev.hart.model.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamedConfigsTest {

    @Test
    void tinyConfigsEqualTheParityCheckpointConfigs() {
        for (String name : new String[] {"tiny-a", "tiny-b"}) {
            Path dir = Path.of("src/test/resources/parity/models", name);
            NamedConfigs.NamedConfig c = NamedConfigs.get(name);
            assertThat(c.llm()).isEqualTo(HartConfig.load(dir.resolve("llm/config.json")));
            assertThat(c.tokenizer()).isEqualTo(TokenizerConfig.load(dir.resolve("tokenizer/config.json")));
        }
    }

    @Test
    void officialShapes() {
        HartConfig big = NamedConfigs.get("hart-0.7b-1024px").llm();
        assertThat(big.numScales()).isEqualTo(14);
        assertThat(big.seqLen()).isEqualTo(9750);
        assertThat(big.ffnHidden()).isEqualTo(4096);
        assertThat(big.headDim()).isEqualTo(64);
        assertThat(big.lastPatch() * NamedConfigs.get("hart-0.7b-1024px").tokenizer().downsample()).isEqualTo(1024);
        NamedConfigs.NamedConfig small = NamedConfigs.get("hart-0.7b-256px");
        assertThat(small.llm().lastPatch() * small.tokenizer().downsample()).isEqualTo(256);
        assertThatThrownBy(() -> NamedConfigs.get("hart-9b")).hasMessageContaining("unknown model config 'hart-9b'");
    }
}
