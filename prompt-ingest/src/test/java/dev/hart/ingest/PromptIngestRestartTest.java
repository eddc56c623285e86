package dev.hart.ingest;

import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.PromptEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A restarted app (fresh state directory) restores its de-duplication and job-progress stores from the changelogs. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PromptIngestRestartTest {

    private static void publish(PromptEvent... events) {
        try (PromptPublisher p = new PromptPublisher(IngestCluster.clientConfig())) {
            assertThat(p.publish(List.of(events)).sent()).isEqualTo(events.length);
        }
    }

    private static PromptEvent event(String job, String id, String prompt) {
        return PromptEvent.newBuilder().setPrompt(prompt).setJobId(job).setRequestId(id).setMetadata(new HashMap<>()).build();
    }

    @Test
    void duplicatesAreStillRejectedAndCountsKeptAfterARestart() throws Exception {
        String job = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        publish(event(job, job + "-1", "a red circle"), event(job, job + "-2", "a blue circle"));
        assertThat(IngestCluster.read(TopicDefinitions.REQUESTS, GenerationRequest.class,
                r -> r.getRequest().getJobId().equals(job), l -> l.size() >= 2, Duration.ofSeconds(45))).hasSize(2);

        PromptIngestApp restarted = IngestCluster.restartApp();
        publish(event(job, job + "-1", "the same id after the restart"), event(job, job + "-3", "a new one"));

        List<DeadLetter> rejects = IngestCluster.read(TopicDefinitions.DLQ, DeadLetter.class,
                d -> job.equals(d.getJobId()), l -> !l.isEmpty(), Duration.ofSeconds(60));
        assertThat(rejects).extracting(DeadLetter::getRequestId, DeadLetter::getErrorMessage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(job + "-1", "duplicate request id"));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Optional<JobProgress> progress = Optional.empty();
        while (System.nanoTime() < deadline) {
            progress = JobProgressReader.fromHttp(restarted.httpUrl(), job, Duration.ofSeconds(5));
            if (progress.isPresent() && progress.get().getSubmitted() == 3 && progress.get().getDuplicates() == 1) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(progress).isPresent();
        assertThat(progress.get().getSubmitted()).isEqualTo(3);
        assertThat(progress.get().getDuplicates()).isEqualTo(1);
        assertThat(progress.get().getRejected()).isZero();
        // exactly once across the restart: each accepted request appears once
        List<GenerationRequest> requests = IngestCluster.read(TopicDefinitions.REQUESTS, GenerationRequest.class,
                r -> r.getRequest().getJobId().equals(job), l -> false, Duration.ofSeconds(3));
        assertThat(requests).extracting(r -> r.getRequest().getRequestId())
                .containsExactlyInAnyOrder(job + "-1", job + "-2", job + "-3");
    }
}
