package dev.hart.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Request ids that depend only on what was asked: the job, the prompt's position in its file and the prompt text.
 * Publishing the same file to the same job again yields the same ids, so prompt-ingest's de-duplication drops the
 * repeats and nothing is generated twice; the seed, derived from the id ({@link RequestExpander#seedFor}) or from the
 * base seed and the position, is the same too, so a re-run reproduces the same bytes. A Kafka offset is never part of
 * an id: re-publishing puts the same prompt at a new offset.
 */
public final class RequestIds {
    private RequestIds() {
    }

    /**
     * {@code <job>-<position, 6 digits>-<8 hex digits of SHA-256(job, position, prompt)>}: sorted by position in a
     * listing, and a changed prompt at the same position is a new request.
     *
     * @param position the prompt's 0-based position among the prompts of its file (blank and comment lines do not count)
     */
    public static String derive(String jobId, long position, String prompt) {
        if (position < 0) {
            throw new IllegalArgumentException("prompt position must be >= 0, got " + position);
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(jobId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Long.toString(position).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(prompt.strip().getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(sha.digest(), 0, 4);
            return String.format("%s-%06d-%s", jobId, position, hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
