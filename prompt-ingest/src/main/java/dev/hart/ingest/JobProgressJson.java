package dev.hart.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hart.schemas.avro.JobProgress;

import java.util.ArrayList;
import java.util.List;

/** The JSON shape of job progress served by {@code GET /jobs/{id}} (field names as in the Avro record). */
public final class JobProgressJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobProgressJson() {
    }

    public static ObjectNode toJson(JobProgress p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("jobId", p.getJobId());
        n.put("submitted", p.getSubmitted());
        n.put("rejected", p.getRejected());
        n.put("generated", p.getGenerated());
        n.put("failed", p.getFailed());
        n.put("duplicates", p.getDuplicates());
        if (p.getFirstEventAtMs() == null) {
            n.putNull("firstEventAtMs");
        } else {
            n.put("firstEventAtMs", p.getFirstEventAtMs());
        }
        if (p.getLastEventAtMs() == null) {
            n.putNull("lastEventAtMs");
        } else {
            n.put("lastEventAtMs", p.getLastEventAtMs());
        }
        ArrayNode reasons = n.putArray("recentRejectReasons");
        p.getRecentRejectReasons().forEach(reasons::add);
        return n;
    }

    public static String toJsonString(JobProgress p) {
        return toJson(p).toString();
    }

    public static JobProgress fromJson(String text) {
        try {
            return fromJson(JSON.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not job progress JSON: " + e.getOriginalMessage());
        }
    }

    public static JobProgress fromJson(JsonNode n) {
        if (n == null || !n.hasNonNull("jobId")) {
            throw new IllegalArgumentException("not job progress JSON: no jobId");
        }
        List<String> reasons = new ArrayList<>();
        n.path("recentRejectReasons").forEach(r -> reasons.add(r.asText()));
        return JobProgress.newBuilder()
                .setJobId(n.get("jobId").asText())
                .setSubmitted(n.path("submitted").asLong())
                .setRejected(n.path("rejected").asLong())
                .setGenerated(n.path("generated").asLong())
                .setFailed(n.path("failed").asLong())
                .setDuplicates(n.path("duplicates").asLong())
                .setFirstEventAtMs(n.hasNonNull("firstEventAtMs") ? n.get("firstEventAtMs").asLong() : null)
                .setLastEventAtMs(n.hasNonNull("lastEventAtMs") ? n.get("lastEventAtMs").asLong() : null)
                .setRecentRejectReasons(reasons)
                .build();
    }
}
