package dev.hart.runtime.stage;

import org.apache.kafka.common.header.Header;

import java.util.List;
import java.util.Objects;

/**
 * A record a stage emits for one input: the topic, the key (UTF-8 text, may be null), the value and optional headers.
 */
public record OutputRecord<O>(String topic, String key, O value, List<Header> headers) {

    public OutputRecord {
        Objects.requireNonNull(topic, "output topic");
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public OutputRecord(String topic, String key, O value) {
        this(topic, key, value, List.of());
    }
}
