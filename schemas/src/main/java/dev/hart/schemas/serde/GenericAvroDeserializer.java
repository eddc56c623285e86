package dev.hart.schemas.serde;

import dev.hart.schemas.registry.SchemaNotFoundException;
import dev.hart.schemas.registry.SchemaRegistryClient;
import dev.hart.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads any record in the Confluent wire format as a {@link GenericRecord} with its writer schema, for
 * tools that inspect topics without the generated classes (DLQ viewers, {@code hart status}). Same
 * config keys and error behaviour as {@link SpecificAvroDeserializer} (the specific.* keys are ignored).
 */
public class GenericAvroDeserializer implements Deserializer<GenericRecord> {
    private SchemaRegistryClient client;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readersBySchemaId = new ConcurrentHashMap<>();

    public GenericAvroDeserializer() {
    }

    public GenericAvroDeserializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null) {
            Map<String, Object> withoutTypes = new java.util.HashMap<>(configs);
            withoutTypes.remove(AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE); // may name classes absent from a tool's classpath
            withoutTypes.remove(AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE);
            client = AvroSerdeConfig.parse(withoutTypes).createClient();
        }
    }

    @Override
    public GenericRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("GenericAvroDeserializer is not configured: set '"
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "' or pass a SchemaRegistryClient");
        }
        int id = WireFormat.schemaId(data, topic);
        GenericDatumReader<GenericRecord> reader = readersBySchemaId.computeIfAbsent(id, i -> new GenericDatumReader<>(writerSchema(i, topic)));
        BoundedBinaryDecoder decoder = new BoundedBinaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE);
        try {
            GenericRecord record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("bytes left over after the record: the body does not match writer schema id " + id);
            }
            return record;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "' with writer schema id "
                    + id + ": truncated or corrupt Avro body (" + (data.length - WireFormat.HEADER_SIZE) + " bytes): " + e, e);
        }
    }

    private Schema writerSchema(int id, String topic) {
        try {
            Schema writer = client.getSchemaById(id);
            if (writer.getType() != Schema.Type.RECORD) {
                throw new SerializationException("Cannot deserialize record from topic '" + topic + "': schema id " + id
                        + " is a " + writer.getType() + ", not a record");
            }
            return writer;
        } catch (SchemaNotFoundException e) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "': unknown schema id "
                    + id + " (not in the schema registry; wrong registry, or corrupt header?)", e);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "': fetching schema id "
                    + id + " failed: " + e.getMessage(), e);
        }
    }
}
