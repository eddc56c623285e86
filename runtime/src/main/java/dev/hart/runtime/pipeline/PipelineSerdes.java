package dev.hart.runtime.pipeline;

import dev.hart.runtime.stage.AvroDeadLetterWriter;
import dev.hart.schemas.serde.AvroSerdeConfig;
import dev.hart.schemas.serde.SpecificAvroDeserializer;
import dev.hart.schemas.serde.SpecificAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.util.HashMap;
import java.util.Map;

/**
 * Avro value serdes of the pipeline, all configured from one set of serde properties
 * ({@code schema.registry.url} and friends, see {@link AvroSerdeConfig}).
 */
public final class PipelineSerdes {
    private final Map<String, Object> config;

    public PipelineSerdes(Map<String, ?> serdeConfig) {
        this.config = new HashMap<>(serdeConfig);
        if (!config.containsKey(AvroSerdeConfig.SCHEMA_REGISTRY_URL)) {
            throw new IllegalArgumentException("Serde config needs '" + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "'");
        }
    }

    public static PipelineSerdes forRegistry(String registryUrl) {
        return new PipelineSerdes(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
    }

    public Map<String, Object> config() {
        return Map.copyOf(config);
    }

    public <T extends SpecificRecord> Serializer<T> serializer() {
        SpecificAvroSerializer<T> s = new SpecificAvroSerializer<>();
        s.configure(config, false);
        return s;
    }

    public <T extends SpecificRecord> Deserializer<T> deserializer(Class<T> type) {
        SpecificAvroDeserializer<T> d = new SpecificAvroDeserializer<>(type);
        d.configure(config, false);
        return d;
    }

    /** Avro {@code DeadLetter} records (runtime's {@link AvroDeadLetterWriter}) through this registry. */
    public AvroDeadLetterWriter deadLetterWriter() {
        return new AvroDeadLetterWriter(serializer());
    }

}
