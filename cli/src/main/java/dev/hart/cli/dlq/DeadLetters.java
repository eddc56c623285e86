package dev.hart.cli.dlq;

import dev.hart.ingest.JobProgressUpdates;
import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.serde.SpecificAvroDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Reads the dead-letter topic and re-drives dead letters to the topics they came from, exactly once: each replayed
 * record is published in one transaction with a marker (key {@code partition:offset} of the dead letter) on the
 * compacted topic {@value #REPLAYED}, and a dead letter with a marker is never replayed again.
 */
public final class DeadLetters {
    /** Markers of replayed dead letters (key {@code partition:offset}, value: the replay time in ms). */
    public static final String REPLAYED = "hart.dlq-replayed";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One dead letter, where it sits on the DLQ, and its job (from the record or its original request). */
    public record Entry(int partition, long offset, DeadLetter deadLetter, String jobId) {
        String marker() {
            return partition + ":" + offset;
        }

        public String failureClass() {
            return deadLetter.getFailureClass() == null ? "permanent" : deadLetter.getFailureClass();
        }

        public boolean replayable() {
            return deadLetter.getOriginalValue() != null && !deadLetter.getOriginalValueTruncated();
        }
    }

    /** What a replay did. */
    public record ReplayResult(int replayed, int alreadyReplayed, int notReplayable, Map<String, Integer> perTopic) {
    }

    private DeadLetters() {
    }

    /** Every dead letter on the DLQ up to its current end. */
    public static List<Entry> readAll(Map<String, Object> clientConfig) {
        SpecificAvroDeserializer<DeadLetter> values = new SpecificAvroDeserializer<>(DeadLetter.class);
        values.configure(clientConfig, false);
        SpecificAvroDeserializer<SpecificRecord> originals = new SpecificAvroDeserializer<>(null);
        originals.configure(clientConfig, false);
        List<Entry> entries = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(clientConfig, TopicDefinitions.DLQ)) {
            if (r.value() == null) {
                continue;
            }
            DeadLetter d;
            try {
                d = values.deserialize(r.topic(), r.value());
            } catch (RuntimeException notADeadLetter) {
                continue;
            }
            entries.add(new Entry(r.partition(), r.offset(), d, jobOf(d, originals)));
        }
        return entries;
    }

    private static String jobOf(DeadLetter d, SpecificAvroDeserializer<SpecificRecord> originals) {
        if (d.getJobId() != null) {
            return d.getJobId();
        }
        if (d.getOriginalValue() == null || d.getOriginalValueTruncated()) {
            return null;
        }
        try {
            RequestInfo request = JobProgressUpdates.requestOf(originals.deserialize(d.getSourceTopic(), bytes(d.getOriginalValue())));
            return request == null ? null : request.getJobId();
        } catch (RuntimeException undecodable) {
            return null;
        }
    }

    /**
     * Re-publishes the original key and value of each given dead letter to its source topic, skipping those already
     * replayed and those whose original is not kept whole.
     */
    public static ReplayResult replay(Map<String, Object> clientConfig, List<Entry> entries) {
        ensureMarkerTopic(clientConfig);
        Set<String> done = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : readToEnd(clientConfig, REPLAYED)) {
            if (r.key() != null) {
                done.add(new String(r.key(), StandardCharsets.UTF_8));
            }
        }
        Map<String, Object> p = new HashMap<>(dev.hart.runtime.kafka.KafkaClientProps.transactionalProducer(
                String.valueOf(clientConfig.get("bootstrap.servers")), "hart-dlq-replay"));
        clientConfig.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k) && !k.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
                p.putIfAbsent(k, v);
            }
        });
        int replayed = 0;
        int already = 0;
        int notReplayable = 0;
        Map<String, Integer> perTopic = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions(); // fences a replay still running elsewhere
            List<Entry> pending = new ArrayList<>();
            for (Entry e : entries) {
                if (done.contains(e.marker())) {
                    already++;
                } else if (!e.replayable()) {
                    notReplayable++;
                } else {
                    pending.add(e);
                }
            }
            for (int from = 0; from < pending.size(); from += 100) {
                List<Entry> chunk = pending.subList(from, Math.min(pending.size(), from + 100));
                producer.beginTransaction();
                long now = System.currentTimeMillis();
                for (Entry e : chunk) {
                    DeadLetter d = e.deadLetter();
                    producer.send(new ProducerRecord<>(d.getSourceTopic(),
                            d.getOriginalKey() == null ? null : bytes(d.getOriginalKey()), bytes(d.getOriginalValue())));
                    producer.send(new ProducerRecord<>(REPLAYED, e.marker().getBytes(StandardCharsets.UTF_8),
                            String.valueOf(now).getBytes(StandardCharsets.UTF_8)));
                }
                producer.commitTransaction();
                for (Entry e : chunk) {
                    perTopic.merge(e.deadLetter().getSourceTopic(), 1, Integer::sum);
                }
                replayed += chunk.size();
            }
        }
        return new ReplayResult(replayed, already, notReplayable, perTopic);
    }

    private static void ensureMarkerTopic(Map<String, Object> clientConfig) {
        try (Admin admin = Admin.create(adminConfig(clientConfig))) {
            NewTopic topic = new NewTopic(REPLAYED, java.util.Optional.of(1), java.util.Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + REPLAYED + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, Object> adminConfig(Map<String, Object> clientConfig) {
        Map<String, Object> a = new HashMap<>();
        clientConfig.forEach((k, v) -> {
            if (org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(k)) {
                a.put(k, v);
            }
        });
        return a;
    }

    /** The topic from the beginning to its end offsets as of now, read_committed. */
    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(Map<String, Object> clientConfig, String topic) {
        Map<String, Object> c = new HashMap<>();
        clientConfig.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                c.put(k, v);
            }
        });
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicDefinitions.LARGE_RECORD_BYTES);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, TopicDefinitions.LARGE_RECORD_BYTES);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return out;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took longer than 5 minutes");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
