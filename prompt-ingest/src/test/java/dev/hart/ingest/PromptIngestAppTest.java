package dev.hart.ingest;

import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.avro.RequestInfo;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** prompt-ingest on a real in-process broker and schema registry. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PromptIngestAppTest {
    private static final Duration WAIT = Duration.ofSeconds(45);

    private static String newJob() {
        return "job-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static PromptEvent.Builder event(String job, String requestId, String prompt) {
        return PromptEvent.newBuilder().setPrompt(prompt).setJobId(job).setRequestId(requestId).setMetadata(new HashMap<>());
    }

    private static void publish(List<PromptEvent> events) {
        try (PromptPublisher publisher = new PromptPublisher(IngestCluster.clientConfig())) {
            PromptPublisher.PublishReport report = publisher.publish(events);
            assertThat(report.sent()).isEqualTo(events.size());
        }
    }

    private static List<GenerationRequest> requestsOf(String job, int expected) {
        return IngestCluster.read(TopicDefinitions.REQUESTS, GenerationRequest.class,
                r -> r.getRequest().getJobId().equals(job), l -> l.size() >= expected, WAIT);
    }

    private static List<DeadLetter> deadLettersOf(String job, int expected) {
        return IngestCluster.read(TopicDefinitions.DLQ, DeadLetter.class,
                d -> job.equals(d.getJobId()), l -> l.size() >= expected, WAIT);
    }

    /** Polls the app's HTTP endpoint until the job's progress satisfies {@code done}. */
    private static JobProgress awaitProgress(String job, Predicate<JobProgress> done) throws InterruptedException {
        PromptIngestApp app = IngestCluster.app();
        long deadline = System.nanoTime() + WAIT.toNanos();
        Optional<JobProgress> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            last = JobProgressReader.fromHttp(app.httpUrl(), job, Duration.ofSeconds(5));
            if (last.isPresent() && done.test(last.get())) {
                return last.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + job + " progress never reached the expected state; last: " + last);
    }

    @Test
    void validPromptsBecomeRequestsWithSeedsAndNumImagesExpands() throws Exception {
        String job = newJob();
        publish(List.of(
                event(job, job + "-a", "  a red circle on a blue background ").setSeed(42L).build(),
                event(job, job + "-b", "a green square").setNumImages(3).setSeed(1000L).setCfg(7.5f).setTopK(100)
                        .setCheckpointId(IngestCluster.OTHER_CHECKPOINT).setMetadata(Map.of("source", "test")).build(),
                event(job, job + "-c", "a yellow triangle").build()));

        List<GenerationRequest> requests = requestsOf(job, 5);
        assertThat(requests).hasSize(5);
        Map<String, RequestInfo> byId = new HashMap<>();
        requests.forEach(r -> byId.put(r.getRequest().getRequestId(), r.getRequest()));
        assertThat(byId).containsOnlyKeys(job + "-a", job + "-b-0", job + "-b-1", job + "-b-2", job + "-c");

        RequestInfo a = byId.get(job + "-a");
        assertThat(a.getPrompt()).isEqualTo("a red circle on a blue background");
        assertThat(a.getSeed()).isEqualTo(42L);
        assertThat(a.getNumImages()).isEqualTo(1);
        assertThat(a.getCfg()).isEqualTo(4.5f);
        assertThat(a.getCheckpointId()).isEqualTo(IngestCluster.CHECKPOINT);
        assertThat(a.getMoreSmooth()).isTrue();
        assertThat(a.getUseSystemPrompt()).isTrue();

        for (int i = 0; i < 3; i++) {
            RequestInfo b = byId.get(job + "-b-" + i);
            assertThat(b.getSeed()).isEqualTo(1000L + i);
            assertThat(b.getImageIndex()).isEqualTo(i);
            assertThat(b.getNumImages()).isEqualTo(3);
            assertThat(b.getCfg()).isEqualTo(7.5f);
            assertThat(b.getTopK()).isEqualTo(100);
            assertThat(b.getCheckpointId()).isEqualTo(IngestCluster.OTHER_CHECKPOINT);
            assertThat(b.getMetadata()).containsEntry("source", "test");
        }
        // no seed given: derived from the request id, the same on every run
        assertThat(byId.get(job + "-c").getSeed()).isEqualTo(RequestExpander.seedFor(job + "-c"));

        JobProgress progress = awaitProgress(job, p -> p.getSubmitted() == 5);
        assertThat(progress.getRejected()).isZero();
        assertThat(progress.getFirstEventAtMs()).isNotNull();
    }

    @Test
    void invalidPromptsAreRejectedWithReasonsAndValidOnesPass() throws Exception {
        String job = newJob();
        List<PromptEvent> events = new ArrayList<>();
        events.add(event(job, job + "-ok1", "a blue star").build());
        events.add(event(job, job + "-empty", "   ").build());
        events.add(event(job, job + "-long", "x".repeat(2001)).build());
        events.add(event(job, job + "-cfg", "a cat").setCfg(51f).build());
        events.add(event(job, job + "-ckpt", "a dog").setCheckpointId("no-such-checkpoint").build());
        events.add(event(job, job + "-blocked", "a FORBIDDEN picture").build());
        events.add(event(job, job + "-phrase", "this is a very  bad phrase indeed").build());
        events.add(event(job, job + "-ok2", "forbiddenness is a fine word").build());
        events.add(event(job, job + "-ok1", "the same request id again").build());
        events.add(event(job, job + "-images", "too many").setNumImages(1001).build());
        events.add(event(job, job + "-topp", "bad top p").setTopP(1.5f).build());
        publish(events);

        List<GenerationRequest> requests = requestsOf(job, 2);
        assertThat(requests).extracting(r -> r.getRequest().getRequestId())
                .containsExactlyInAnyOrder(job + "-ok1", job + "-ok2");
        assertThat(requests).filteredOn(r -> r.getRequest().getRequestId().equals(job + "-ok1"))
                .extracting(r -> r.getRequest().getPrompt()).containsExactly("a blue star");

        List<DeadLetter> rejects = deadLettersOf(job, 9);
        Map<String, DeadLetter> byId = new HashMap<>();
        rejects.forEach(d -> byId.put(d.getRequestId(), d));
        assertThat(rejects).hasSize(9);
        assertThat(byId.get(job + "-empty").getErrorMessage()).isEqualTo("empty prompt");
        assertThat(byId.get(job + "-long").getErrorMessage()).contains("prompt too long").contains("2001").contains("2000");
        assertThat(byId.get(job + "-cfg").getErrorMessage()).contains("cfg 51.0 out of range");
        assertThat(byId.get(job + "-ckpt").getErrorMessage()).contains("unknown checkpoint 'no-such-checkpoint'");
        assertThat(byId.get(job + "-blocked").getErrorMessage()).contains("blocked term 'forbidden'");
        assertThat(byId.get(job + "-blocked").getErrorClass()).isEqualTo(Rejection.UNSAFE);
        assertThat(byId.get(job + "-phrase").getErrorMessage()).contains("blocked term 'very bad phrase'");
        assertThat(byId.get(job + "-ok1").getErrorMessage()).isEqualTo("duplicate request id");
        assertThat(byId.get(job + "-ok1").getErrorClass()).isEqualTo(Rejection.DUPLICATE);
        assertThat(byId.get(job + "-images").getErrorMessage()).contains("numImages 1001 out of range [1, 1000]");
        assertThat(byId.get(job + "-topp").getErrorMessage()).contains("topP 1.5 out of range [0, 1]");
        for (DeadLetter d : rejects) {
            assertThat(d.getStage()).isEqualTo("prompt-ingest");
            assertThat(d.getSourceTopic()).isEqualTo(TopicDefinitions.PROMPT_EVENTS);
            // the original bytes are the published PromptEvent, readable again
            byte[] original = bytes(d.getOriginalValue());
            assertThat(new String(bytes(d.getOriginalKey()), StandardCharsets.UTF_8)).isEqualTo(d.getRequestId());
            assertThat(original[0]).isZero(); // Confluent wire format magic byte
        }

        // a duplicate is counted apart: it is not a fault of the prompt, and re-submitting a file makes many
        JobProgress progress = awaitProgress(job, p -> p.getSubmitted() == 2 && p.getRejected() == 8 && p.getDuplicates() == 1);
        assertThat(progress.getRecentRejectReasons()).hasSize(8)
                .contains(job + "-empty: empty prompt")
                .doesNotContain(job + "-ok1: duplicate request id");
    }

    @Test
    void progressCountsImagesAndStageFailuresAndIsPublishedToTheTopic() throws Exception {
        String job = newJob();
        publish(List.of(event(job, job + "-r", "a purple hexagon").setNumImages(3).setSeed(7L).build()));
        List<GenerationRequest> requests = requestsOf(job, 3);
        assertThat(requests).hasSize(3);
        requests.sort(Comparator.comparing(r -> r.getRequest().getRequestId()));

        // two images finish, the third fails in a model stage (a dead letter without job id, as the stage runtime writes)
        List<ProducerRecord<byte[], byte[]>> images = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RequestInfo info = requests.get(i).getRequest();
            GeneratedImage img = GeneratedImage.newBuilder().setRequest(info).setCheckpointId(info.getCheckpointId())
                    .setWidth(64).setHeight(64).setSha256("00").setCompletedAtMs(System.currentTimeMillis()).build();
            images.add(new ProducerRecord<>(TopicDefinitions.IMAGES, key(info.getRequestId()),
                    IngestCluster.serialize(TopicDefinitions.IMAGES, img)));
        }
        IngestCluster.produceRaw(TopicDefinitions.IMAGES, images);
        String failedId = requests.get(2).getRequest().getRequestId();
        DeadLetter stageFailure = DeadLetter.newBuilder()
                .setOriginalKey(ByteBuffer.wrap(key(failedId)))
                .setOriginalValue(ByteBuffer.wrap(IngestCluster.serialize(TopicDefinitions.REQUESTS, requests.get(2))))
                .setSourceTopic(TopicDefinitions.REQUESTS).setSourcePartition(0).setSourceOffset(0)
                .setStage("ar").setErrorClass("CheckpointMismatch").setErrorMessage("weights are other-ckpt")
                .setTimestampMs(System.currentTimeMillis()).setRequestId(failedId).setJobId(null).build();
        IngestCluster.produceRaw(TopicDefinitions.DLQ, List.of(new ProducerRecord<>(TopicDefinitions.DLQ, key(failedId),
                IngestCluster.serialize(TopicDefinitions.DLQ, stageFailure))));

        JobProgress progress = awaitProgress(job, p -> p.getGenerated() == 2 && p.getFailed() == 1);
        assertThat(progress.getSubmitted()).isEqualTo(3);
        assertThat(progress.getRejected()).isZero();
        assertThat(progress.getRecentRejectReasons()).containsExactly(failedId + " failed in ar: weights are other-ckpt");
        assertThat(JobProgressReader.isComplete(progress)).isTrue();
        assertThat(JobProgressReader.progressLine(progress, 10)).startsWith("[##########] 3/3 done (100%)");

        // the same counts reach the compacted job-progress topic
        long deadline = System.nanoTime() + WAIT.toNanos();
        Optional<JobProgress> fromTopic = Optional.empty();
        while (System.nanoTime() < deadline) {
            fromTopic = JobProgressReader.fromTopic(IngestCluster.clientConfig(), job, Duration.ofSeconds(20));
            if (fromTopic.isPresent() && fromTopic.get().getGenerated() == 2 && fromTopic.get().getFailed() == 1) {
                break;
            }
            Thread.sleep(300);
        }
        assertThat(fromTopic).isPresent();
        assertThat(fromTopic.get().getSubmitted()).isEqualTo(3);
        assertThat(fromTopic.get().getGenerated()).isEqualTo(2);
        assertThat(fromTopic.get().getFailed()).isEqualTo(1);
    }

    @Test
    void undecodableRecordsGoToTheDlqAndTheAppKeepsRunning() throws Exception {
        String marker = "garbage-" + UUID.randomUUID();
        IngestCluster.produceRaw(TopicDefinitions.PROMPT_EVENTS, List.of(new ProducerRecord<>(TopicDefinitions.PROMPT_EVENTS,
                key(marker), "not avro at all".getBytes(StandardCharsets.UTF_8))));
        List<DeadLetter> dl = IngestCluster.read(TopicDefinitions.DLQ, DeadLetter.class,
                d -> d.getOriginalKey() != null && marker.equals(new String(bytes(d.getOriginalKey()), StandardCharsets.UTF_8)),
                l -> !l.isEmpty(), WAIT);
        assertThat(dl).hasSize(1);
        assertThat(dl.get(0).getErrorClass()).isEqualTo(Rejection.UNDECODABLE);
        assertThat(dl.get(0).getErrorMessage()).startsWith("not a readable PromptEvent");
        assertThat(new String(bytes(dl.get(0).getOriginalValue()), StandardCharsets.UTF_8)).isEqualTo("not avro at all");

        String job = newJob();
        publish(List.of(event(job, job + "-after", "still working").build()));
        assertThat(requestsOf(job, 1)).hasSize(1);
        assertThat(IngestCluster.app().isRunning()).isTrue();
    }

    @Test
    void unknownJobIs404AndHealthIsUp() throws Exception {
        PromptIngestApp app = IngestCluster.app();
        assertThat(JobProgressReader.fromHttp(app.httpUrl(), "no-such-job-" + UUID.randomUUID(), Duration.ofSeconds(5)))
                .isEmpty();
        var client = java.net.http.HttpClient.newHttpClient();
        var health = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.httpUrl() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
