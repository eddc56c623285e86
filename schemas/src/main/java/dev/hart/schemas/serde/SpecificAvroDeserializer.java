package dev.hart.schemas.serde;

import dev.hart.schemas.registry.BackwardCompatibility;
import dev.hart.schemas.registry.CompatibilityResult;
import dev.hart.schemas.registry.SchemaNotFoundException;
import dev.hart.schemas.registry.SchemaRegistryClient;
import dev.hart.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the Confluent wire format into Avro generated classes. The writer schema is fetched from the
 * registry by the id in the header and resolved against the reader class's schema (Avro schema
 * resolution), so records written with an older schema version are read by newer code (BACKWARD).
 *
 * <p>The target class is the constructor argument, else {@code specific.avro.value.type} /
 * {@code specific.avro.key.type}, else the generated class named by the writer schema. Null input
 * (a tombstone) gives null, as Kafka's Deserializer contract recommends; any other input that is not
 * a valid record raises {@link SerializationException} with the reason.
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private SchemaRegistryClient client;
    private Class<? extends SpecificRecord> targetType;
    private final Map<Integer, SpecificDatumReader<T>> readersBySchemaId = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public SpecificAvroDeserializer() {
    }

    /** Reads into {@code targetType}; {@link #configure} must follow to set the registry. */
    public SpecificAvroDeserializer(Class<T> targetType) {
        this.targetType = targetType;
    }

    /** With an explicit client; {@code targetType} may be null (use the writer schema's class). */
    public SpecificAvroDeserializer(SchemaRegistryClient client, Class<T> targetType) {
        this.client = client;
        this.targetType = targetType;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.parse(configs);
        config.requireSpecificReader();
        if (targetType == null) {
            targetType = config.recordType(isKey);
        }
        if (client == null) {
            client = config.createClient();
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("SpecificAvroDeserializer is not configured: set '"
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "' or pass a SchemaRegistryClient");
        }
        int id = WireFormat.schemaId(data, topic);
        SpecificDatumReader<T> reader = readerFor(id, topic);
        BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE);
        T record;
        try {
            record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("bytes left over after the record: the body does not match writer schema id " + id);
            }
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "' with writer schema id "
                    + id + " (" + reader.getSchema().getFullName() + "): truncated or corrupt Avro body ("
                    + (data.length - WireFormat.HEADER_SIZE) + " bytes): " + e, e);
        }
        return record;
    }

    @SuppressWarnings("unchecked")
    private SpecificDatumReader<T> readerFor(int id, String topic) {
        SpecificDatumReader<T> cached = readersBySchemaId.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writer;
        try {
            writer = client.getSchemaById(id);
        } catch (SchemaNotFoundException e) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "': unknown schema id "
                    + id + " (not in the schema registry; wrong registry, or corrupt header?)", e);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "': fetching schema id "
                    + id + " failed: " + e.getMessage(), e);
        }
        Class<? extends SpecificRecord> type = targetType;
        SpecificData data = type != null ? SpecificData.getForClass(type) : SpecificData.get();
        if (type == null) {
            Class<?> named = writer.getType() == Schema.Type.RECORD ? data.getClass(writer) : null;
            if (named == null || !SpecificRecord.class.isAssignableFrom(named)) {
                throw new SerializationException("Cannot deserialize record from topic '" + topic + "': no generated class "
                        + "for writer schema " + writer.getFullName() + " (id " + id + ") on the classpath; set '"
                        + AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE + "' / '" + AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE + "'");
            }
            type = (Class<? extends SpecificRecord>) named;
            data = SpecificData.getForClass(type);
        }
        Schema readerSchema = data.getSchema(type);
        CompatibilityResult compatible = BackwardCompatibility.canRead(readerSchema, writer, "");
        if (!compatible.compatible()) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "': writer schema "
                    + writer.getFullName() + " (id " + id + ") cannot be read as " + type.getName() + ": "
                    + String.join("; ", compatible.messages()));
        }
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, readerSchema, data);
        readersBySchemaId.put(id, reader);
        return reader;
    }

    @Override
    public void close() {
        // the client may be shared (mock scopes, injected); its owner closes it
    }
}
