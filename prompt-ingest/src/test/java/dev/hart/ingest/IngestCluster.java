package dev.hart.ingest;

import dev.hart.runtime.broker.EmbeddedKafka;
import dev.hart.runtime.registry.EmbeddedSchemaRegistry;
import dev.hart.schemas.serde.AvroSerdeConfig;
import dev.hart.schemas.serde.SpecificAvroDeserializer;
import dev.hart.schemas.serde.SpecificAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One real in-process broker, schema registry and prompt-ingest app for the whole test JVM (each costs seconds to
 * start). Tests keep apart by using their own job and request ids.
 */
final class IngestCluster {
    static final String CHECKPOINT = "hart-test-ckpt";
    static final String OTHER_CHECKPOINT = "hart-other-ckpt";
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private static PromptIngestApp app;
    private static IngestConfig config;

    private IngestCluster() {
    }

    static synchronized PromptIngestApp app() {
        if (app == null) {
            kafka = new EmbeddedKafka().start();
            registry = new EmbeddedSchemaRegistry(kafka.bootstrapServers()).start();
            try {
                Path blocklist = Files.createTempFile("blocklist", ".txt");
                Files.writeString(blocklist, "# test list\nforbidden\nvery bad phrase\n");
                blocklist.toFile().deleteOnExit();
                BlocklistPromptFilter filter = new BlocklistPromptFilter();
                filter.configure(Map.of(BlocklistPromptFilter.FILE_PROPERTY, blocklist.toString()));
                config = IngestConfig.builder(kafka.bootstrapServers(), registry.url())
                        .rules(PromptRules.defaults(CHECKPOINT, OTHER_CHECKPOINT))
                        .filter(filter)
                        .httpPort(0)
                        .topicPartitions(2)
                        .streamsOverride("commit.interval.ms", 100)
                        // a restarted instance takes over after 6 s instead of the default 45 s session timeout
                        .streamsOverride("session.timeout.ms", 6000)
                        .streamsOverride("heartbeat.interval.ms", 1000)
                        .build();
                app = new PromptIngestApp(config).start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app().close();
                registry.close();
                kafka.close();
            }, "ingest-cluster-stop"));
        }
        return app;
    }

    /**
     * Closes the app and starts a fresh instance (same application id, new empty state directory), which must restore
     * its stores from their changelogs.
     */
    static synchronized PromptIngestApp restartApp() {
        app().close();
        app = new PromptIngestApp(config).start();
        return app;
    }

    /** A second instance of the app (same application id, own state dir and HTTP port); the caller closes it. */
    static PromptIngestApp secondInstance() {
        app();
        return new PromptIngestApp(config).start();
    }

    static String bootstrap() {
        app();
        return kafka.bootstrapServers();
    }

    static String registryUrl() {
        app();
        return registry.url();
    }

    static Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap());
        c.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl());
        return c;
    }

    static <T extends SpecificRecord> byte[] serialize(String topic, T record) {
        SpecificAvroSerializer<T> s = new SpecificAvroSerializer<>();
        s.configure(clientConfig(), false);
        return s.serialize(topic, record);
    }

    static void produceRaw(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    /** Reads a topic (read_committed) from the start, decoding values, until {@code done} holds or the timeout passes. */
    static <T extends SpecificRecord> List<T> read(String topic, Class<T> type, Predicate<T> keep,
                                                   Predicate<List<T>> done, Duration timeout) {
        SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>(type);
        values.configure(clientConfig(), false);
        List<T> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    T v;
                    try {
                        v = values.deserialize(topic, r.value());
                    } catch (org.apache.kafka.common.errors.SerializationException e) {
                        return; // another test's deliberately unreadable record
                    }
                    if (v != null && keep.test(v)) {
                        out.add(v);
                    }
                });
            }
        }
        return out;
    }
}
