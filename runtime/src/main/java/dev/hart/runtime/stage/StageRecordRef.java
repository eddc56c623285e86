package dev.hart.runtime.stage;

/** The raw bytes and coordinates of an input record, as consumed. */
public record StageRecordRef(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
}
