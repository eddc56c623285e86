package dev.hart.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterOptionsTest {

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        ClusterOptions cluster;

        @Override
        public void run() {
        }
    }

    @Test
    void flagsWinOverFileAndEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=file:1\nschema.registry.url=http://file:2\nsecurity.protocol=SSL\n");
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs("--bootstrap", "flag:9", "--config", file.toString());
        assertThat(probe.cluster.bootstrapServers()).isEqualTo("flag:9");
        assertThat(probe.cluster.registryUrl()).isEqualTo("http://file:2");
        assertThat(probe.cluster.clientConfig())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "flag:9")
                .containsEntry("schema.registry.url", "http://file:2");
    }

    @Test
    void environmentThenDefaults() {
        ClusterOptions fromEnv = new ClusterOptions(null, null, null,
                Map.of(ClusterOptions.ENV_BOOTSTRAP, "env:1", ClusterOptions.ENV_REGISTRY, "http://env:2"));
        assertThat(fromEnv.bootstrapServers()).isEqualTo("env:1");
        assertThat(fromEnv.registryUrl()).isEqualTo("http://env:2");
        ClusterOptions none = new ClusterOptions(null, null, null, Map.of());
        assertThat(none.bootstrapServers()).isEqualTo(ClusterOptions.DEFAULT_BOOTSTRAP);
        assertThat(none.registryUrl()).isEqualTo(ClusterOptions.DEFAULT_REGISTRY);
    }

    @Test
    void missingConfigFileIsAClearError(@TempDir Path dir) {
        ClusterOptions options = new ClusterOptions(null, null, dir.resolve("nope.properties"), Map.of());
        assertThatThrownBy(options::bootstrapServers)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--config file not found");
    }
}
