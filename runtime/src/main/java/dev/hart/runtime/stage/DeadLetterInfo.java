package dev.hart.runtime.stage;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Why and where an input failed: what every dead-letter record carries.
 *
 * @param key             original key bytes (may be null)
 * @param value           original value bytes, or only a prefix of them when {@code valueTruncated} (may be null)
 * @param sourceTopic     topic the input came from
 * @param sourcePartition its partition
 * @param sourceOffset    its offset
 * @param stage           the stage that gave up on it
 * @param errorClass      class name of the error
 * @param errorMessage    the error message (never null)
 * @param attempt         how many times processing was tried (1 = first try)
 * @param timestamp       when it was dead-lettered (ms since epoch)
 * @param sourceTimestamp the input record's timestamp (ms since epoch)
 * @param stackTrace      the error's stack trace, truncated (may be null)
 * @param failureClass    whether retrying could help
 * @param valueSize       size of the whole original value (-1 for a tombstone)
 * @param valueSha256     hex SHA-256 of the whole original value (null for a tombstone)
 * @param valueTruncated  whether {@code value} is only a prefix
 */
public record DeadLetterInfo(byte[] key, byte[] value, String sourceTopic, int sourcePartition, long sourceOffset,
                             String stage, String errorClass, String errorMessage, int attempt, long timestamp,
                             long sourceTimestamp, String stackTrace, FailureClass failureClass, long valueSize,
                             String valueSha256, boolean valueTruncated) {
    private static final int MAX_STACK_TRACE_CHARS = 4000;
    private static final int MAX_MESSAGE_CHARS = 4000;
    /** What a too-large original keeps: enough to see what it was. */
    public static final int TRUNCATED_PREFIX_BYTES = 64 * 1024;

    /**
     * @param maxValueBytes originals larger than this keep only their first {@value #TRUNCATED_PREFIX_BYTES} bytes
     *                      (plus size and SHA-256), so a dead letter of a record near the topic limit still fits the DLQ
     */
    public static DeadLetterInfo of(StageRecordRef ref, String stage, Throwable error, int attempt, int maxValueBytes) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        Throwable cause = error.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + " (caused by " + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
        }
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
        }
        byte[] value = ref.value();
        boolean truncated = value != null && value.length > maxValueBytes;
        byte[] kept = truncated ? Arrays.copyOf(value, Math.min(TRUNCATED_PREFIX_BYTES, maxValueBytes)) : value;
        return new DeadLetterInfo(ref.key(), kept, ref.topic(), ref.partition(), ref.offset(), stage,
                error.getClass().getName(), message, attempt, System.currentTimeMillis(), ref.timestamp(),
                stackTrace(error), FailureClass.of(error), value == null ? -1 : value.length,
                value == null ? null : sha256(value), truncated);
    }

    /** The same dead letter with at most {@code maxValueBytes} of the original value kept. */
    public DeadLetterInfo truncatedTo(int maxValueBytes) {
        if (value == null || value.length <= maxValueBytes) {
            return this;
        }
        return new DeadLetterInfo(key, Arrays.copyOf(value, maxValueBytes), sourceTopic, sourcePartition, sourceOffset,
                stage, errorClass, errorMessage, attempt, timestamp, sourceTimestamp, stackTrace, failureClass,
                valueSize, valueSha256, true);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static String stackTrace(Throwable error) {
        StringWriter w = new StringWriter();
        error.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() <= MAX_STACK_TRACE_CHARS ? s : s.substring(0, MAX_STACK_TRACE_CHARS) + "...";
    }
}
