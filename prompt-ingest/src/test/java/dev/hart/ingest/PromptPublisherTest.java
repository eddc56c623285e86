package dev.hart.ingest;

import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.PromptEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The publisher against the real embedded broker and registry. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PromptPublisherTest {

    private static String newJob() {
        return "pub-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void publishesAJsonlFileSkippingAndReportingBadLines(@TempDir Path dir) throws Exception {
        String job = newJob();
        Path file = dir.resolve("prompts.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"prompt\":\"a red circle\",\"requestId\":\"" + job + "-1\",\"seed\":3}",
                "{\"prompt\":\"a blue circle\",\"numImages\":2}",
                "{oops",
                "",
                "{\"prompt\":\"a green circle\",\"cfg\":\"high\"}",
                "{\"prompt\":\"a white circle\"}") + "\n");
        List<PromptPublisher.LineError> seen = new ArrayList<>();
        PromptPublisher.PublishReport report;
        try (PromptPublisher publisher = new PromptPublisher(IngestCluster.clientConfig())) {
            report = publisher.publish(file, null, job, seen::add);
        }
        assertThat(report.sent()).isEqualTo(3);
        assertThat(report.skipped()).isEqualTo(2);
        assertThat(report.blank()).isEqualTo(1);
        assertThat(report.sendFailed()).isZero();
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).extracting(PromptPublisher.LineError::line).containsExactly(3, 5);
        assertThat(seen).isEqualTo(report.errors());
        assertThat(report.errors().get(1).toString()).isEqualTo("line 5: field 'cfg': expected a number, got 'high'");

        List<PromptEvent> events = IngestCluster.read(TopicDefinitions.PROMPT_EVENTS, PromptEvent.class,
                e -> job.equals(e.getJobId()), l -> l.size() >= 3, Duration.ofSeconds(30));
        assertThat(events).extracting(PromptEvent::getPrompt)
                .containsExactlyInAnyOrder("a red circle", "a blue circle", "a white circle");

        // and the Streams app turns them into 1 + 2 + 1 requests
        IngestCluster.app();
        List<GenerationRequest> requests = IngestCluster.read(TopicDefinitions.REQUESTS, GenerationRequest.class,
                r -> r.getRequest().getJobId().equals(job), l -> l.size() >= 4, Duration.ofSeconds(45));
        assertThat(requests).hasSize(4);
        assertThat(requests).filteredOn(r -> r.getRequest().getRequestId().equals(job + "-1"))
                .extracting(r -> r.getRequest().getSeed()).containsExactly(3L);
    }

    @Test
    void publishesCsvAndTextFromStreams() {
        String job = newJob();
        try (PromptPublisher publisher = new PromptPublisher(IngestCluster.clientConfig())) {
            var csv = publisher.publish(new ByteArrayInputStream(
                            "prompt,seed\n\"a cat, sitting\",1\na dog,notanumber\n".getBytes(StandardCharsets.UTF_8)),
                    PromptFileFormat.CSV, job, null);
            assertThat(csv.sent()).isEqualTo(1);
            assertThat(csv.errors()).extracting(PromptPublisher.LineError::line).containsExactly(3);
            var txt = publisher.publish(new ByteArrayInputStream("one\ntwo\n\nthree\n".getBytes(StandardCharsets.UTF_8)),
                    PromptFileFormat.TXT, job, null);
            assertThat(txt.sent()).isEqualTo(3);
            assertThat(txt.blank()).isEqualTo(1);
            assertThat(txt.ok()).isTrue();
        }
        List<PromptEvent> events = IngestCluster.read(TopicDefinitions.PROMPT_EVENTS, PromptEvent.class,
                e -> job.equals(e.getJobId()), l -> l.size() >= 4, Duration.ofSeconds(30));
        assertThat(events).extracting(PromptEvent::getPrompt)
                .containsExactlyInAnyOrder("a cat, sitting", "one", "two", "three");
    }

    @Test
    void stopsAtTheFirstRefusedEventAndSaysWhy() {
        var config = new java.util.HashMap<>(IngestCluster.clientConfig());
        config.put("schema.registry.url", "http://127.0.0.1:1"); // nothing listens there
        try (PromptPublisher publisher = new PromptPublisher(config)) {
            var report = publisher.publish(new ByteArrayInputStream("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8)),
                    PromptFileFormat.TXT, newJob(), null);
            assertThat(report.sent()).isZero();
            assertThat(report.sendFailed()).isEqualTo(1);
            assertThat(report.ok()).isFalse();
            assertThat(report.firstSendError()).contains("127.0.0.1:1");
        }
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        try (PromptPublisher publisher = new PromptPublisher(IngestCluster.clientConfig())) {
            assertThatThrownBy(() -> publisher.publish(dir.resolve("nope.txt"), null, "j", null))
                    .isInstanceOf(PromptFileException.class).hasMessageContaining("prompt file not found");
        }
    }
}
