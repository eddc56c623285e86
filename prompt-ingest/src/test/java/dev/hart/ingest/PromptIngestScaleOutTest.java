package dev.hart.ingest;

import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.PromptEvent;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances share the work; each answers {@code GET /jobs/{id}} for every job, fetching jobs whose store partition
 * the other instance holds (application.server).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PromptIngestScaleOutTest {

    /** A job id whose key lands on the given partition of a 2-partition topic (the default partitioner's hash). */
    private static String jobOnPartition(int partition) {
        while (true) {
            String job = "scale-" + UUID.randomUUID().toString().substring(0, 8);
            if (Utils.toPositive(Utils.murmur2(job.getBytes(StandardCharsets.UTF_8))) % 2 == partition) {
                return job;
            }
        }
    }

    @Test
    void eitherInstanceAnswersForEveryJob() throws Exception {
        PromptIngestApp first = IngestCluster.app();
        List<String> jobs = List.of(jobOnPartition(0), jobOnPartition(1));
        try (PromptIngestApp second = IngestCluster.secondInstance()) {
            List<PromptEvent> events = new ArrayList<>();
            for (String job : jobs) {
                for (int i = 0; i < 3; i++) {
                    events.add(PromptEvent.newBuilder().setPrompt("shape " + i).setJobId(job).setRequestId(job + "-" + i)
                            .setMetadata(new HashMap<>()).build());
                }
            }
            try (PromptPublisher publisher = new PromptPublisher(IngestCluster.clientConfig())) {
                assertThat(publisher.publish(events).sent()).isEqualTo(6);
            }
            for (PromptIngestApp app : List.of(first, second)) {
                for (String job : jobs) {
                    assertThat(awaitSubmitted(app, job, 3)).as(job + " via " + app.httpUrl()).isEqualTo(3);
                }
            }
            // each job lives in exactly one instance's store, so the other instance's answer above was fetched from it
            for (String job : jobs) {
                assertThat(List.of(holds(first, job), holds(second, job))).as(job).containsExactlyInAnyOrder(true, false);
            }
        }
    }

    private static boolean holds(PromptIngestApp app, String job) {
        try {
            return app.jobProgress(job).isPresent();
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
            return false; // no active job-progress task on this instance
        }
    }

    private static long awaitSubmitted(PromptIngestApp app, String job, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Optional<JobProgress> p = Optional.empty();
        while (System.nanoTime() < deadline) {
            try {
                p = JobProgressReader.fromHttp(app.httpUrl(), job, Duration.ofSeconds(5));
            } catch (IllegalStateException e) {
                p = Optional.empty(); // 503 while rebalancing
            }
            if (p.isPresent() && p.get().getSubmitted() >= expected) {
                return p.get().getSubmitted();
            }
            Thread.sleep(200);
        }
        return p.map(JobProgress::getSubmitted).orElse(-1L);
    }
}
