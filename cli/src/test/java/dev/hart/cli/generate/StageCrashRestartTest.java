package dev.hart.cli.generate;

import dev.hart.cli.HartCli;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.stage.decoder.DirectorySink;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.decoder.DecoderProcessor;
import dev.hart.stage.decoder.DecoderStage;
import dev.hart.runtime.stage.StageRunner;
import dev.hart.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ar-stage runs as {@code hart stage ar} in a child JVM, is SIGKILLed mid-job and restarted: every prompt still
 * yields exactly one image (one record on hart.images, one PNG).
 */
@Timeout(300)
class StageCrashRestartTest {
    static final int N = 30;

    @Test
    void killedArStageRestartsAndEveryPromptYieldsExactlyOneImage(@TempDir Path out) throws Exception {
        StageModels models = CheckpointModels.directory(PipelineHarness.tinyCheckpoint());
        List<Process> children = new ArrayList<>();
        try (PipelineHarness h = new PipelineHarness(2);
             LatentDecoder decoder = models.loadDecoder();
             DirectorySink sink = new DirectorySink(out)) {
            StageRunner<?, ?> dec = DecoderStage.runner(PipelineStages.common(DecoderStage.config(), h.bootstrap())
                    .build(), h.serdes, new DecoderProcessor(decoder, sink, false)).start();
            try {
                List<RequestInfo> reqs = RequestPublisher.requests("crash", PipelineHarness.prompts(N), 11,
                        models.checkpointId());
                Set<String> ids = reqs.stream().map(RequestInfo::getRequestId).collect(Collectors.toSet());
                RequestPublisher.publish(h.bootstrap(), Map.of(), h.serdes, reqs);

                Process first = launchArStage(h);
                children.add(first);
                // some but not all latents committed: the stage is mid-job
                ImageCollector.Result before = ImageCollector.collect(h.bootstrap(), Map.of(), h.serdes, ids,
                        Duration.ofSeconds(120), Duration.ZERO, null, 3);
                first.destroyForcibly(); // SIGKILL
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                System.out.println("MEASURED crash test: killed the ar-stage after " + before.images().size()
                        + " of " + N + " images");
                assertThat(before.images().size()).as("killed mid-job").isBetween(3, N - 1);

                Process second = launchArStage(h);
                children.add(second);
                ImageCollector.Result after = ImageCollector.collect(h.bootstrap(), Map.of(), h.serdes, ids,
                        Duration.ofSeconds(150), Duration.ofSeconds(3), null);
                assertThat(after.failed()).isEmpty();
                assertThat(after.images().keySet()).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(after.duplicates()).as("duplicate images on " + Topics.IMAGES).isZero();
                try (var files = Files.list(out.resolve("crash"))) {
                    List<String> names = files.map(p -> p.getFileName().toString()).toList();
                    assertThat(names.stream().filter(n -> n.endsWith(".png"))).hasSize(N);
                    assertThat(names.stream().filter(n -> n.endsWith(".tmp"))).isEmpty();
                }
            } finally {
                dec.close();
            }
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Process launchArStage(PipelineHarness h) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), HartCli.class.getName(),
                "stage", "ar", "--topology", "fused", "--checkpoint", PipelineHarness.tinyCheckpoint().toString(),
                "--bootstrap", h.bootstrap(), "--registry", h.registry.url(), "--batch-size", "1",
                "--batch-max-wait-ms", "10", "--instance-id", "ar-crash-test", "--http-port", "0");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        Process p = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    if (!line.contains("NNPACK")) {
                        System.out.println("[ar-child] " + line);
                    }
                }
            } catch (Exception e) {
                // child gone
            }
        }, "ar-child-out");
        reader.setDaemon(true);
        reader.start();
        return p;
    }
}
