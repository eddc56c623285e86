package dev.hart.schemas.serde;

import dev.hart.schemas.registry.SchemaRegistryClient;
import dev.hart.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro generated records in the Confluent wire format (0x00, 4-byte big-endian schema id, Avro
 * binary), registering the record's schema under {@code <topic>-key}/{@code <topic>-value} (see
 * {@link AvroSerdeConfig}). A drop-in for Confluent's {@code KafkaAvroSerializer} for specific records.
 * A null record serializes to null (a tombstone).
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private SchemaRegistryClient client;
    private boolean isKey;
    private boolean autoRegister = true;
    private SubjectNameStrategy subjectNames = SubjectNameStrategy.TOPIC_NAME;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    private volatile int lastSize = 256; // records on one topic have similar sizes: avoid regrowing for 25 MB tensors

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public SpecificAvroSerializer() {
    }

    /** With an explicit client (tests, embedded mode); {@link #configure} is optional then. */
    public SpecificAvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.parse(configs);
        this.isKey = isKey;
        this.autoRegister = config.autoRegister();
        this.subjectNames = config.subjectNameStrategy(isKey);
        if (client == null) {
            client = config.createClient();
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("SpecificAvroSerializer is not configured: set '"
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "' or pass a SchemaRegistryClient");
        }
        Schema schema = record.getSchema();
        String subject = subjectNames.subject(topic, isKey, schema);
        int id = schemaId(subject, schema);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, lastSize + (long) lastSize / 8));
            out.write(WireFormat.header(id));
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s)).write(record, encoder);
            encoder.flush();
            lastSize = out.size();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + schema.getFullName() + " for topic '" + topic
                    + "' (schema id " + id + "): " + e, e);
        }
    }

    private int schemaId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema); // generated classes share one Schema instance: a cheap lookup
        if (cached != null) {
            return cached;
        }
        try {
            int id = autoRegister ? client.register(subject, schema) : client.getId(subject, schema);
            ids.put(schema, id);
            return id;
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot " + (autoRegister ? "register" : "look up") + " schema "
                    + schema.getFullName() + " under subject '" + subject + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // the client may be shared (mock scopes, injected); its owner closes it
    }
}
