package dev.hart.runtime.stage;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Why and where an input failed: what every dead-letter record carries.
 *
 * @param key             original key bytes (may be null)
 * @param value           original value bytes (may be null)
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
 */
public record DeadLetterInfo(byte[] key, byte[] value, String sourceTopic, int sourcePartition, long sourceOffset,
                             String stage, String errorClass, String errorMessage, int attempt, long timestamp,
                             long sourceTimestamp, String stackTrace) {
    private static final int MAX_STACK_TRACE_CHARS = 4000;

    public static DeadLetterInfo of(StageRecordRef ref, String stage, Throwable error, int attempt) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        Throwable cause = error.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + " (caused by " + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
        }
        return new DeadLetterInfo(ref.key(), ref.value(), ref.topic(), ref.partition(), ref.offset(), stage,
                error.getClass().getName(), message, attempt, System.currentTimeMillis(), ref.timestamp(),
                stackTrace(error));
    }

    private static String stackTrace(Throwable error) {
        StringWriter w = new StringWriter();
        error.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() <= MAX_STACK_TRACE_CHARS ? s : s.substring(0, MAX_STACK_TRACE_CHARS) + "...";
    }
}
