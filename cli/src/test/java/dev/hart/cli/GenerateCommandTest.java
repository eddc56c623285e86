package dev.hart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hart.ingest.RequestIds;
import dev.hart.stage.decoder.DatasetParquet;
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
        List<String> texts = List.of("a red circle", "a blue square on a green background", "a yellow star");
        for (int i = 0; i < 3; i++) {
            String id = RequestIds.derive("cli-test", i, texts.get(i));
            assertThat(job.resolve(id + ".png")).exists();
            assertThat(job.resolve(id + ".json")).exists();
        }
        List<DatasetParquet.Row> rows = DatasetParquet.read(job.resolve("metadata.parquet"));
        assertThat(rows).hasSize(3);
        DatasetParquet.Row first = rows.get(0);
        assertThat(first.prompt()).isEqualTo("a red circle");
        assertThat(first.seed()).isEqualTo(1);
        // no --cfg: the demo checkpoint's own default_cfg, not the reference's 4.5
        assertThat(first.cfg()).isEqualTo((float) dev.hart.demo.DemoCheckpoint.GUIDANCE_SCALE).isNotEqualTo(4.5f);
        assertThat(first.checkpointId()).isEqualTo("demo");
        assertThat(first.status()).isEqualTo("success");
        assertThat(first.width()).isEqualTo(32);
        JsonNode stats = new ObjectMapper().readTree(job.resolve("_stats.json").toFile());
        assertThat(stats.path("successes").asInt()).isEqualTo(3);
        JsonNode meta = new ObjectMapper().readTree(job.resolve(rows.get(1).key() + ".json").toFile());
        assertThat(meta.path("timingsMs").has("ar")).isTrue();
        assertThat(meta.path("seed").asLong()).isEqualTo(2);
    }

    @Test
    void samplingOptionsAreCheckedBeforeAnythingStarts(@TempDir Path dir) {
        for (String[] bad : List.of(new String[] {"--cfg", "80"}, new String[] {"--top-p", "1.5"},
                new String[] {"--top-k", "-1"}, new String[] {"--images-per-prompt", "0"},
                new String[] {"--max-token-length", "0"}, new String[] {"--diffusion-steps", "0"},
                new String[] {"--diffusion-steps", "101"})) {
            CommandLine cl = HartCli.commandLine();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
            List<String> args = new java.util.ArrayList<>(List.of("generate", "--prompt", "a red circle", "--out",
                    dir.toString(), "--job", "bad"));
            args.addAll(List.of(bad));
            int code = cl.execute(args.toArray(String[]::new));
            assertThat(code).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(String.join(" ", bad)).contains(bad[0]).containsPattern("\\d");
        }
    }

    @Test
    void aGpuThatIsNotThereStopsTheCommandAtStartUp(@TempDir Path dir) {
        for (String[] cmd : List.of(new String[] {"generate", "--prompt", "a red circle", "--out", dir.toString(), "--device", "cuda"},
                new String[] {"stage", "ar", "--random-weights", "tiny-a", "--device", "cuda:1"},
                new String[] {"bench", "--mode", "model", "--configs", "tiny-a", "--device", "cuda"})) {
            CommandLine cl = HartCli.commandLine();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
            int code = cl.execute(cmd);
            assertThat(code).as(cmd[0]).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(cmd[0]).contains("no CUDA device is visible", "deploy/GPU.md");
        }
    }

    @Test
    void rejectsMissingPromptsFileClearly(@TempDir Path dir) {
        CommandLine cl = new CommandLine(new HartCli());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        // --out in the temp dir: the default (./hart-out) would leave the job's log folder in the module
        int code = cl.execute("generate", "--prompts", dir.resolve("none.txt").toString(), "--out", dir.toString());
        assertThat(code).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--prompts file not found");
    }
}
