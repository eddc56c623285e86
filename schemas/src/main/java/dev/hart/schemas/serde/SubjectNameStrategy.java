package dev.hart.schemas.serde;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

import java.util.Locale;

/**
 * How a subject name is derived, as Confluent's {@code key.subject.name.strategy} /
 * {@code value.subject.name.strategy}. The config accepts Confluent's class names
 * ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy} etc.), their simple names, or
 * these constants' names.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value} (the default). */
    TOPIC_NAME,
    /** The record's full name, regardless of topic. */
    RECORD_NAME,
    /** {@code <topic>-<record full name>}. */
    TOPIC_RECORD_NAME;

    public String subject(String topic, boolean isKey, Schema schema) {
        switch (this) {
            case RECORD_NAME:
                return schema.getFullName();
            case TOPIC_RECORD_NAME:
                return topic + "-" + schema.getFullName();
            case TOPIC_NAME:
            default:
                return topic + (isKey ? "-key" : "-value");
        }
    }

    public static SubjectNameStrategy parse(Object configured, String key) {
        if (configured == null) {
            return TOPIC_NAME;
        }
        String name = configured instanceof Class ? ((Class<?>) configured).getName() : configured.toString().trim();
        String simple = name.substring(name.lastIndexOf('.') + 1);
        switch (simple.toLowerCase(Locale.ROOT)) {
            case "topicnamestrategy":
            case "topic_name":
                return TOPIC_NAME;
            case "recordnamestrategy":
            case "record_name":
                return RECORD_NAME;
            case "topicrecordnamestrategy":
            case "topic_record_name":
                return TOPIC_RECORD_NAME;
            default:
                throw new ConfigException(key, configured, "unsupported subject name strategy; use TopicNameStrategy, "
                        + "RecordNameStrategy or TopicRecordNameStrategy");
        }
    }
}
