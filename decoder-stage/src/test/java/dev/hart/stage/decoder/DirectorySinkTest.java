package dev.hart.stage.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DirectorySinkTest {

    @Test
    void writesPngAndMetadataUnderJobFolder(@TempDir Path dir) throws Exception {
        try (DirectorySink sink = new DirectorySink(dir)) {
            ImageRecord img = SinkFixtures.image("job-1", "req-7", 100);
            String uri = sink.write(img);
            Path png = Path.of(URI.create(uri));
            assertThat(png).isEqualTo(dir.resolve("job-1").resolve("req-7.png").toAbsolutePath());
            assertThat(Files.readAllBytes(png)).isEqualTo(img.png());
            assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(8);
            JsonNode meta = new ObjectMapper().readTree(png.resolveSibling("req-7.json").toFile());
            assertThat(meta.path("prompt").asText()).isEqualTo("a shade 100");
            assertThat(meta.path("seed").asLong()).isEqualTo(100);
            assertThat(meta.path("checkpoint").asText()).isEqualTo("ckpt-x");
            assertThat(meta.path("parameters").path("cfg").asDouble()).isEqualTo(4.5);
            assertThat(meta.path("timingsMs").path("ar").asLong()).isEqualTo(5);
        }
    }

    @Test
    void retryLeavesOneCopyAndNoTemporaryFiles(@TempDir Path dir) throws Exception {
        try (DirectorySink sink = new DirectorySink(dir)) {
            ImageRecord img = SinkFixtures.image("job", "r1", 10);
            String first = sink.write(img);
            String second = sink.write(img);
            assertThat(second).isEqualTo(first);
            try (Stream<Path> files = Files.list(dir.resolve("job"))) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("r1.png", "r1.json");
            }
        }
    }

    @Test
    void oddIdsBecomeSafeDistinctNames(@TempDir Path dir) throws Exception {
        try (DirectorySink sink = new DirectorySink(dir)) {
            Path a = Path.of(URI.create(sink.write(SinkFixtures.image("j/..", "a/b", 1))));
            Path b = Path.of(URI.create(sink.write(SinkFixtures.image("j/..", "a_b", 2))));
            assertThat(a).isNotEqualTo(b);
            assertThat(a.startsWith(dir.toAbsolutePath())).isTrue();
            assertThat(a.getFileName().toString()).doesNotContain("/").endsWith(".png");
        }
    }
}
