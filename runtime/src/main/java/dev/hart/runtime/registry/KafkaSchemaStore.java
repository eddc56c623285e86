package dev.hart.runtime.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The registry's state, kept in a compacted single-partition Kafka topic (like Confluent's {@code _schemas}):
 * every registration is one record, written and acknowledged before it is answered, and the whole state is rebuilt by
 * reading the topic from the beginning on start, so ids survive a registry restart.
 *
 * <p>Single writer: one registry process per topic (ids are assigned from the state this process has read).
 */
final class KafkaSchemaStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private KafkaProducer<String, String> producer;

    private final Map<Integer, StoredSchema> byId = new HashMap<>();
    private final Map<String, TreeMap<Integer, StoredSchema>> bySubject = new TreeMap<>();
    private final Map<String, Integer> idByText = new HashMap<>();
    private int maxId;

    KafkaSchemaStore(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    synchronized void start() {
        createTopicIfMissing();
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        readAll();
    }

    private void createTopicIfMissing() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            NewTopic t = new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the schema topic '" + topic + "' on "
                        + bootstrapServers + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the schema topic", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Timed out creating the schema topic '" + topic + "' on " + bootstrapServers, e);
        }
    }

    private void readAll() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition tp = new TopicPartition(topic, 0);
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading the schema topic '" + topic + "'");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r.value());
                }
            }
        }
    }

    private void apply(String value) {
        if (value == null) {
            return; // a deleted key
        }
        try {
            JsonNode n = JSON.readTree(value);
            if (n.path("deleted").asBoolean(false)) {
                return;
            }
            String text = n.get("schema").asText();
            StoredSchema s = new StoredSchema(n.get("subject").asText(), n.get("version").asInt(), n.get("id").asInt(),
                    text, new Schema.Parser().setValidateDefaults(false).parse(text));
            add(s);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Unreadable record in schema topic '" + topic + "': " + value, e);
        }
    }

    private void add(StoredSchema s) {
        byId.putIfAbsent(s.id(), s);
        idByText.putIfAbsent(s.schemaText(), s.id());
        bySubject.computeIfAbsent(s.subject(), k -> new TreeMap<>()).put(s.version(), s);
        maxId = Math.max(maxId, s.id());
    }

    /** The version of this exact schema under the subject, if registered. */
    synchronized Optional<StoredSchema> find(String subject, Schema schema) {
        String text = schema.toString();
        TreeMap<Integer, StoredSchema> versions = bySubject.get(subject);
        if (versions == null) {
            return Optional.empty();
        }
        return versions.values().stream().filter(s -> s.schemaText().equals(text)).findFirst();
    }

    /** Registers a new version (the caller has checked compatibility); returns the existing one if already there. */
    synchronized StoredSchema register(String subject, Schema schema) {
        Optional<StoredSchema> existing = find(subject, schema);
        if (existing.isPresent()) {
            return existing.get();
        }
        String text = schema.toString();
        int id = idByText.getOrDefault(text, maxId + 1); // the same schema keeps one id across subjects
        TreeMap<Integer, StoredSchema> versions = bySubject.get(subject);
        int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject)
                .put("version", version).put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
                .put("schema", text).put("deleted", false);
        try {
            producer.send(new ProducerRecord<>(topic, key.toString(), value.toString())).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while storing a schema", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Could not store the schema in topic '" + topic + "': " + e, e);
        }
        StoredSchema stored = new StoredSchema(subject, version, id, text, schema);
        add(stored);
        return stored;
    }

    synchronized Optional<StoredSchema> byId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    synchronized List<String> subjects() {
        return new ArrayList<>(bySubject.keySet());
    }

    synchronized boolean hasSubject(String subject) {
        return bySubject.containsKey(subject);
    }

    synchronized List<Integer> versions(String subject) {
        TreeMap<Integer, StoredSchema> v = bySubject.get(subject);
        return v == null ? List.of() : new ArrayList<>(v.keySet());
    }

    synchronized Optional<StoredSchema> latest(String subject) {
        TreeMap<Integer, StoredSchema> v = bySubject.get(subject);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.lastEntry().getValue());
    }

    synchronized Optional<StoredSchema> version(String subject, int version) {
        TreeMap<Integer, StoredSchema> v = bySubject.get(subject);
        return v == null ? Optional.empty() : Optional.ofNullable(v.get(version));
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
