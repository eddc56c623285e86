package dev.hart.runtime.stage;

import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * One deserialized input record handed to a {@link BatchProcessor}, with where it came from.
 *
 * @param keyBytes  the raw key (may be null)
 * @param value     the deserialized value
 * @param timestamp the record timestamp (ms since epoch)
 */
public record StageInput<I>(String topic, int partition, long offset, long timestamp,
                            byte[] keyBytes, I value, Headers headers) {

    /** The key as UTF-8 text (the pipeline keys records by request id), or null. */
    public String key() {
        return keyBytes == null ? null : new String(keyBytes, StandardCharsets.UTF_8);
    }
}
