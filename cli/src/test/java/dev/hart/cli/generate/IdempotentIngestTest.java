package dev.hart.cli.generate;

import dev.hart.ingest.IngestConfig;
import dev.hart.ingest.PromptFileFormat;
import dev.hart.ingest.PromptIngestApp;
import dev.hart.ingest.PromptPublisher;
import dev.hart.ingest.PromptRules;
import dev.hart.ingest.RequestIds;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.stage.ar.StageTopology;
import dev.hart.stage.decoder.DirectorySink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The same prompt file ingested twice into one job (real broker, ingest app, stages): one image per prompt. */
@Timeout(240)
class IdempotentIngestTest {

    @Test
    void samePromptFileTwiceGivesOneImagePerPrompt(@TempDir Path dir) throws Exception {
        StageModels models = CheckpointModels.directory(PipelineHarness.tinyCheckpoint());
        List<String> prompts = PipelineHarness.prompts(6);
        Path file = dir.resolve("prompts.txt");
        Files.writeString(file, "# six prompts\n" + String.join("\n\n", prompts) + "\n");
        String job = "twice";
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < prompts.size(); i++) {
            ids.add(RequestIds.derive(job, i, prompts.get(i)));
        }
        Path out = dir.resolve("out");
        try (PipelineHarness h = new PipelineHarness(2);
             PromptIngestApp ingest = new PromptIngestApp(IngestConfig.builder(h.bootstrap(), h.registry.url())
                     .rules(PromptRules.defaults(models.checkpointId())).httpPort(-1).createTopics(false).build()).start();
             DirectorySink sink = new DirectorySink(out);
             PipelineStages stages = PipelineStages.start(h.bootstrap(), h.serdes, models, StageTopology.FUSED,
                     TensorDType.F32, 4, sink)) {
            Map<String, Object> client = Map.of("bootstrap.servers", h.bootstrap(), "schema.registry.url", h.registry.url());
            for (int round = 0; round < 2; round++) {
                try (PromptPublisher publisher = new PromptPublisher(client)) {
                    var report = publisher.publish(file, PromptFileFormat.TXT, job, null);
                    assertThat(report.sent()).isEqualTo(6);
                }
            }
            // settle: any second image of a request would arrive within a few seconds of the first
            ImageCollector.Result result = ImageCollector.collect(h.bootstrap(), Map.of(), h.serdes, ids,
                    Duration.ofSeconds(150), Duration.ofSeconds(5), null);
            assertThat(result.images().keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(result.duplicates()).isZero();
            assertThat(result.failed()).isEmpty();
            try (Stream<Path> files = Files.list(out.resolve(job))) {
                assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(6);
            }
            // the second round's events were recognised as repeats (counted apart, not as rejected prompts)
            var progress = awaitProgress(ingest, job, 6);
            assertThat(progress.getSubmitted()).isEqualTo(6);
            assertThat(progress.getDuplicates()).isEqualTo(6);
            assertThat(progress.getRejected()).isZero();
            assertThat(progress.getGenerated()).isEqualTo(6);
        }
    }

    private static dev.hart.schemas.avro.JobProgress awaitProgress(PromptIngestApp ingest, String job, long duplicates)
            throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        dev.hart.schemas.avro.JobProgress p = null;
        while (System.nanoTime() < deadline) {
            try {
                p = ingest.jobProgress(job).orElse(null);
            } catch (RuntimeException notQueryableYet) {
                p = null;
            }
            if (p != null && p.getDuplicates() >= duplicates && p.getGenerated() >= 6) {
                return p;
            }
            Thread.sleep(200);
        }
        assertThat(p).as("job progress of " + job).isNotNull();
        return p;
    }
}
