package dev.hart.ingest;

import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.avro.RequestInfo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a valid prompt event into its generation requests, one per image, with every default applied.
 *
 * <ul>
 *   <li>Request ids: with {@code numImages == 1} the event's request id itself; otherwise {@code <id>-0},
 *       {@code <id>-1}, ... {@code <id>-(n-1)}.</li>
 *   <li>Seeds: image {@code i} gets {@code seed + i}. Without a seed in the event, {@code seed} is derived from the
 *       event's request id ({@link #seedFor}), so re-submitting the same request id reproduces the same images.</li>
 *   <li>Absent fields: cfg from the rules (4.5), topP 0 (off), moreSmooth and useSystemPrompt true, the rules' default
 *       checkpoint and job; topK and numDiffusionSteps stay null (the model's defaults).</li>
 * </ul>
 */
public final class RequestExpander {
    private final PromptRules rules;

    public RequestExpander(PromptRules rules) {
        this.rules = rules;
    }

    /**
     * Deterministic seed for a request id: the first 8 bytes of SHA-256(UTF-8 id), big-endian, masked to 31 bits so it
     * is a valid seed for every generator (including 32-bit ones).
     */
    public static long seedFor(String requestId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(requestId.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xFF);
            }
            return v & 0x7FFF_FFFFL;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The request id of image {@code index} of an event with id {@code requestId} and {@code numImages} images. */
    public static String imageRequestId(String requestId, int index, int numImages) {
        return numImages == 1 ? requestId : requestId + "-" + index;
    }

    /**
     * @param requestId     the event's resolved request id
     * @param submittedAtMs when the event was submitted (its createdAtMs, else the record timestamp)
     * @param acceptedAtMs  now
     */
    public List<GenerationRequest> expand(PromptEvent e, String requestId, long submittedAtMs, long acceptedAtMs) {
        int n = e.getNumImages();
        long seed = e.getSeed() != null ? e.getSeed() : seedFor(requestId);
        String jobId = e.getJobId() == null || e.getJobId().isBlank() ? rules.defaultJobId() : e.getJobId().trim();
        String checkpoint = e.getCheckpointId() == null ? rules.defaultCheckpoint() : e.getCheckpointId();
        Map<String, String> metadata = new HashMap<>();
        if (e.getMetadata() != null) {
            e.getMetadata().forEach((k, v) -> metadata.put(k.toString(), v == null ? null : v.toString()));
        }
        List<GenerationRequest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Long> timings = new HashMap<>();
            timings.put("ingest", Math.max(0, acceptedAtMs - submittedAtMs));
            RequestInfo info = RequestInfo.newBuilder()
                    .setRequestId(imageRequestId(requestId, i, n))
                    .setJobId(jobId)
                    .setPrompt(e.getPrompt().strip())
                    .setSeed(seed + i)
                    .setImageIndex(i)
                    .setNumImages(n)
                    .setCfg(e.getCfg() == null ? rules.defaultCfg() : e.getCfg())
                    .setTopK(e.getTopK())
                    .setTopP(e.getTopP() == null ? 0f : e.getTopP())
                    .setMoreSmooth(e.getMoreSmooth() == null || e.getMoreSmooth())
                    .setUseSystemPrompt(e.getUseSystemPrompt() == null || e.getUseSystemPrompt())
                    .setNumDiffusionSteps(e.getNumDiffusionSteps())
                    .setCheckpointId(checkpoint)
                    .setMetadata(new HashMap<>(metadata))
                    .setSubmittedAtMs(submittedAtMs)
                    .setStageTimingsMs(timings)
                    .build();
            out.add(GenerationRequest.newBuilder().setRequest(info).setAcceptedAtMs(acceptedAtMs).build());
        }
        return out;
    }
}
