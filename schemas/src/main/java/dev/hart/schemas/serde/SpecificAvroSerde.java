package dev.hart.schemas.serde;

import dev.hart.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/**
 * Kafka {@link Serde} pairing {@link SpecificAvroSerializer} and {@link SpecificAvroDeserializer}
 * (for Kafka Streams); a drop-in for Confluent's {@code SpecificAvroSerde} with the same config keys.
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    /** For reflective construction (e.g. {@code default.value.serde}); {@link #configure} must follow. */
    public SpecificAvroSerde() {
        this.serializer = new SpecificAvroSerializer<>();
        this.deserializer = new SpecificAvroDeserializer<>();
    }

    /** Reads into {@code targetType}; {@link #configure} must follow to set the registry. */
    public SpecificAvroSerde(Class<T> targetType) {
        this.serializer = new SpecificAvroSerializer<>();
        this.deserializer = new SpecificAvroDeserializer<>(targetType);
    }

    /** With an explicit client; {@link #configure} is optional (defaults: auto-register, TopicNameStrategy, value). */
    public SpecificAvroSerde(SchemaRegistryClient client, Class<T> targetType) {
        this.serializer = new SpecificAvroSerializer<>(client);
        this.deserializer = new SpecificAvroDeserializer<>(client, targetType);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
