package dev.hart.ingest;

import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.RequestInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JobProgressUpdatesTest {

    private static DeadLetter deadLetter(String stage, String jobId, String requestId, String message) {
        return DeadLetter.newBuilder().setSourceTopic("t").setSourcePartition(0).setSourceOffset(0).setStage(stage)
                .setErrorClass("E").setErrorMessage(message).setTimestampMs(5).setJobId(jobId).setRequestId(requestId).build();
    }

    @Test
    void mergeAddsCountsKeepsFirstAndLastAndBoundsReasons() {
        JobProgress total = null;
        for (int i = 0; i < 25; i++) {
            total = JobProgressUpdates.merge("j", JobProgressUpdates.deadLettered(
                    deadLetter("prompt-ingest", "j", "r" + i, "bad " + i), 100 + i, d -> null), total);
        }
        total = JobProgressUpdates.merge("j", JobProgressUpdates.deadLettered(
                deadLetter("ar", "j", "x", "boom"), 50, d -> null), total);
        assertThat(total.getRejected()).isEqualTo(25);
        assertThat(total.getFailed()).isEqualTo(1);
        assertThat(total.getFirstEventAtMs()).isEqualTo(50L);
        assertThat(total.getLastEventAtMs()).isEqualTo(124L);
        assertThat(total.getRecentRejectReasons()).hasSize(JobProgressUpdates.MAX_REASONS)
                .endsWith("r24: bad 24", "x failed in ar: boom");
    }

    @Test
    void stageDeadLettersWithoutJobFindItInTheOriginalRequestOrCountAsUnknown() {
        RequestInfo info = RequestInfo.newBuilder().setRequestId("req-7").setJobId("job-7").setPrompt("p").setSeed(1)
                .setCheckpointId("c").setSubmittedAtMs(1).build();
        GenerationRequest original = GenerationRequest.newBuilder().setRequest(info).build();
        JobProgress found = JobProgressUpdates.deadLettered(deadLetter("decoder", null, null, "oom"), 1,
                d -> JobProgressUpdates.requestOf(original));
        assertThat(found.getJobId()).isEqualTo("job-7");
        assertThat(found.getRecentRejectReasons()).containsExactly("req-7 failed in decoder: oom");
        JobProgress unknown = JobProgressUpdates.deadLettered(deadLetter("decoder", null, null, "oom"), 1, d -> null);
        assertThat(unknown.getJobId()).isEqualTo(JobProgressUpdates.UNKNOWN_JOB);
        assertThat(JobProgressUpdates.requestOf(JobProgressUpdates.empty("x"))).isNull();
        assertThat(List.of(found.getFailed(), found.getRejected())).containsExactly(1L, 0L);
    }
}
