package dev.hart.runtime.stage;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Format-free dead letters in the style of Kafka Connect: the original key and value bytes unchanged (a prefix of a
 * too-large value, see {@link DeadLetterInfo}), the reason and the origin in {@code hart.dlq.*} headers.
 */
public final class HeaderDeadLetterWriter implements DeadLetterWriter {
    public static final String PREFIX = "hart.dlq.";
    public static final String SOURCE_TOPIC = PREFIX + "source.topic";
    public static final String SOURCE_PARTITION = PREFIX + "source.partition";
    public static final String SOURCE_OFFSET = PREFIX + "source.offset";
    public static final String SOURCE_TIMESTAMP = PREFIX + "source.timestamp";
    public static final String STAGE = PREFIX + "stage";
    public static final String ERROR_CLASS = PREFIX + "error.class";
    public static final String ERROR_MESSAGE = PREFIX + "error.message";
    public static final String ATTEMPT = PREFIX + "attempt";
    public static final String TIMESTAMP = PREFIX + "timestamp";
    public static final String FAILURE_CLASS = PREFIX + "failure.class";
    public static final String VALUE_SIZE = PREFIX + "value.size";
    public static final String VALUE_SHA256 = PREFIX + "value.sha256";
    public static final String VALUE_TRUNCATED = PREFIX + "value.truncated";

    @Override
    public ProducerRecord<byte[], byte[]> toRecord(String dlqTopic, DeadLetterInfo d) {
        Headers h = new RecordHeaders();
        put(h, SOURCE_TOPIC, d.sourceTopic());
        put(h, SOURCE_PARTITION, String.valueOf(d.sourcePartition()));
        put(h, SOURCE_OFFSET, String.valueOf(d.sourceOffset()));
        put(h, SOURCE_TIMESTAMP, String.valueOf(d.sourceTimestamp()));
        put(h, STAGE, d.stage());
        put(h, ERROR_CLASS, d.errorClass());
        put(h, ERROR_MESSAGE, d.errorMessage());
        put(h, ATTEMPT, String.valueOf(d.attempt()));
        put(h, TIMESTAMP, String.valueOf(d.timestamp()));
        put(h, FAILURE_CLASS, d.failureClass().wireName());
        put(h, VALUE_SIZE, String.valueOf(d.valueSize()));
        put(h, VALUE_SHA256, d.valueSha256());
        put(h, VALUE_TRUNCATED, String.valueOf(d.valueTruncated()));
        return new ProducerRecord<>(dlqTopic, null, null, d.key(), d.value(), h);
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a header written by this class as text, or null. */
    public static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
