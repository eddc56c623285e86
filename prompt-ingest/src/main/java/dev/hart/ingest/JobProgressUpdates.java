package dev.hart.ingest;

import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.RequestInfo;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Job progress arithmetic. Every event (an accepted request, a dead letter, a finished image) becomes a one-event
 * {@link JobProgress} delta keyed by its job; deltas are summed into the job's running total by {@link #merge}.
 *
 * <p>Dead letters of stage {@value IngestProcessor#STAGE} count as rejected, except duplicates (a request id already
 * accepted: a re-submitted prompt, nothing lost), which count apart; dead letters of any other stage count as failed.
 * A stage's dead letter usually has no job id; it is then read from the dead letter's original value (every stage
 * input carries the {@link RequestInfo}), else the job is {@value #UNKNOWN_JOB}.
 */
public final class JobProgressUpdates {
    public static final String UNKNOWN_JOB = "_unknown";
    /** How many recent reject / failure reasons a job keeps. */
    public static final int MAX_REASONS = 20;

    private JobProgressUpdates() {
    }

    public static JobProgress empty(String jobId) {
        return JobProgress.newBuilder().setJobId(jobId).setRecentRejectReasons(new ArrayList<>()).build();
    }

    public static JobProgress submitted(GenerationRequest r, long timestamp) {
        JobProgress p = at(r.getRequest().getJobId(), timestamp);
        p.setSubmitted(1);
        return p;
    }

    public static JobProgress generated(GeneratedImage image, long timestamp) {
        JobProgress p = at(image.getRequest().getJobId(), timestamp);
        p.setGenerated(1);
        return p;
    }

    /**
     * @param originalRequest decodes a dead letter's original value to its request, or null when it cannot
     */
    public static JobProgress deadLettered(DeadLetter d, long timestamp, Function<DeadLetter, RequestInfo> originalRequest) {
        String jobId = d.getJobId();
        String requestId = d.getRequestId();
        if (jobId == null) {
            RequestInfo info = originalRequest.apply(d);
            if (info != null) {
                jobId = info.getJobId();
                requestId = requestId == null ? info.getRequestId() : requestId;
            }
        }
        JobProgress p = at(jobId == null ? UNKNOWN_JOB : jobId, timestamp);
        String who = requestId == null ? "(no request id)" : requestId;
        if (IngestProcessor.STAGE.equals(d.getStage()) && isDuplicate(d)) {
            p.setDuplicates(1);
        } else if (IngestProcessor.STAGE.equals(d.getStage())) {
            p.setRejected(1);
            p.setRecentRejectReasons(new ArrayList<>(List.of(who + ": " + d.getErrorMessage())));
        } else {
            p.setFailed(1);
            p.setRecentRejectReasons(new ArrayList<>(List.of(who + " failed in " + d.getStage() + ": " + d.getErrorMessage())));
        }
        return p;
    }

    /** A prompt-ingest dead letter saying the request id was already accepted (not an error: the first one stands). */
    public static boolean isDuplicate(DeadLetter d) {
        return Rejection.DUPLICATE.equals(d.getErrorClass() == null ? null : d.getErrorClass().toString());
    }

    /** The request inside a stage input record ({@code GenerationRequest}, {@code ArOutput}, {@code Latent}...), or null. */
    public static RequestInfo requestOf(SpecificRecord record) {
        if (record == null) {
            return null;
        }
        var field = record.getSchema().getField("request");
        if (field == null) {
            return null;
        }
        Object value = record.get(field.pos());
        return value instanceof RequestInfo info ? info : null;
    }

    private static JobProgress at(String jobId, long timestamp) {
        JobProgress p = empty(jobId);
        p.setFirstEventAtMs(timestamp);
        p.setLastEventAtMs(timestamp);
        return p;
    }

    /** {@code total} plus {@code delta}: counts add, first/last take the min/max, reasons append (newest last, bounded). */
    public static JobProgress merge(String jobId, JobProgress delta, JobProgress total) {
        JobProgress t = total == null ? empty(jobId) : total;
        List<String> reasons = new ArrayList<>(t.getRecentRejectReasons());
        reasons.addAll(delta.getRecentRejectReasons());
        if (reasons.size() > MAX_REASONS) {
            reasons = new ArrayList<>(reasons.subList(reasons.size() - MAX_REASONS, reasons.size()));
        }
        return JobProgress.newBuilder()
                .setJobId(jobId)
                .setSubmitted(t.getSubmitted() + delta.getSubmitted())
                .setRejected(t.getRejected() + delta.getRejected())
                .setGenerated(t.getGenerated() + delta.getGenerated())
                .setFailed(t.getFailed() + delta.getFailed())
                .setDuplicates(t.getDuplicates() + delta.getDuplicates())
                .setFirstEventAtMs(min(t.getFirstEventAtMs(), delta.getFirstEventAtMs()))
                .setLastEventAtMs(max(t.getLastEventAtMs(), delta.getLastEventAtMs()))
                .setRecentRejectReasons(reasons)
                .build();
    }

    private static Long min(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    private static Long max(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }
}
