package dev.hart.runtime.stage;

/**
 * Why and where an input failed: what every dead-letter record carries.
 *
 * @param key               original key bytes (may be null)
 * @param value             original value bytes (may be null)
 * @param sourceTopic       topic the input came from
 * @param sourcePartition   its partition
 * @param sourceOffset      its offset
 * @param stage             the stage that gave up on it
 * @param errorClass        class name of the error
 * @param errorMessage      the error message (never null)
 * @param attempt           how many times processing was tried (1 = first try)
 * @param timestamp         when it was dead-lettered (ms since epoch)
 * @param sourceTimestamp   the input record's timestamp (ms since epoch)
 */
public record DeadLetter(byte[] key, byte[] value, String sourceTopic, int sourcePartition, long sourceOffset,
                         String stage, String errorClass, String errorMessage, int attempt, long timestamp,
                         long sourceTimestamp) {

    public static DeadLetter of(StageRecordRef ref, String stage, Throwable error, int attempt) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        return new DeadLetter(ref.key(), ref.value(), ref.topic(), ref.partition(), ref.offset(), stage,
                error.getClass().getName(), message, attempt, System.currentTimeMillis(), ref.timestamp());
    }
}
