package dev.hart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hart generate} end to end: child-JVM broker, registry, prompt-ingest, all stages, default random weights. */
@Timeout(300)
class GenerateCommandTest {

    @Test
    void generatesImagesAndManifestWithTheDefaults(@TempDir Path dir) throws Exception {
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "# shapes\na red circle\n\na blue square on a green background\na yellow star\n");
        Path out = dir.resolve("out");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try (PrintStream ps = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            code = new CommandLine(new HartCli()).execute("generate", "--prompts", prompts.toString(),
                    "--out", out.toString(), "--job", "cli-test", "--topology", "split");
        } finally {
            System.setOut(old);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(code).isZero();
        // with no --checkpoint the committed demo checkpoint is the default
        assertThat(text).contains("using the demo checkpoint").contains("3 of 3 image(s)").contains(out.resolve("cli-test").toString());
        Path job = out.resolve("cli-test");
        for (int i = 0; i < 3; i++) {
            assertThat(job.resolve(String.format("cli-test-%05d.png", i))).exists();
            assertThat(job.resolve(String.format("cli-test-%05d.json", i))).exists();
        }
        List<String> manifest = Files.readAllLines(job.resolve("manifest.jsonl"));
        assertThat(manifest).hasSize(3);
        JsonNode first = new ObjectMapper().readTree(manifest.get(0));
        assertThat(first.path("prompt").asText()).isEqualTo("a red circle");
        assertThat(first.path("seed").asLong()).isEqualTo(1);
        assertThat(first.path("checkpoint").asText()).isEqualTo("demo");
        assertThat(first.path("timingsMs").has("ar")).isTrue();
    }

    @Test
    void rejectsMissingPromptsFileClearly(@TempDir Path dir) {
        CommandLine cl = new CommandLine(new HartCli());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        int code = cl.execute("generate", "--prompts", dir.resolve("none.txt").toString());
        assertThat(code).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--prompts file not found");
    }
}
