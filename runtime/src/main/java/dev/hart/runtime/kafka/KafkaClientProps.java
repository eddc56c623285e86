package dev.hart.runtime.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * Client settings the pipeline needs, in one place: large records (tensors of tens of MB between stages),
 * exactly-once producers/consumers and fast group fail-over.
 */
public final class KafkaClientProps {
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;
    public static final long PRODUCER_BUFFER_BYTES = 128L * 1024 * 1024;

    private KafkaClientProps() {
    }

    /** Producer settings for records up to 64 MiB: compressed with zstd, generous timeouts. */
    public static Map<String, Object> largeRecordProducer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, PRODUCER_BUFFER_BYTES);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        return p;
    }

    /** Consumer settings that can fetch 64 MiB records; keep {@code max.poll.records} small so memory stays bounded. */
    public static Map<String, Object> largeRecordConsumer(int maxPollRecords) {
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("maxPollRecords must be >= 1, got " + maxPollRecords);
        }
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_RECORD_BYTES);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_RECORD_BYTES);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return c;
    }

    /** A transactional, idempotent producer (exactly-once with {@code sendOffsetsToTransaction}). */
    public static Map<String, Object> transactionalProducer(String bootstrapServers, String transactionalId) {
        Map<String, Object> p = largeRecordProducer();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // the transaction only spans produce + commit (the model runs before it begins)
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return p;
    }

    /** A consumer that sees only committed data and never commits by itself. */
    public static Map<String, Object> readCommittedConsumer(String bootstrapServers, String groupId, int maxPollRecords) {
        Map<String, Object> c = largeRecordConsumer(maxPollRecords);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return c;
    }

    /**
     * Classic group protocol with a 6 s session timeout: a killed member's partitions move in ~6 s instead of 45 s.
     * (With {@code group.protocol=consumer} these timeouts are broker settings and the client rejects them.)
     */
    public static Map<String, Object> fastFailoverClassicGroup() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
        return c;
    }

    /** Topic config for topics that carry large records. */
    public static Map<String, String> largeRecordTopicConfig() {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_RECORD_BYTES));
    }
}
