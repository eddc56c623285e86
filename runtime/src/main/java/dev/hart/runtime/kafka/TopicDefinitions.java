package dev.hart.runtime.kafka;

import dev.hart.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every pipeline topic with the settings it needs, in one place: {@code hart topics create}, the embedded default and
 * the tests all create topics from here. Names and value types are schemas' {@link Topics}; this class adds the
 * partitions, retention, size limits and compaction each topic needs.
 */
public final class TopicDefinitions {
    public static final String PROMPT_EVENTS = Topics.PROMPT_EVENTS;
    public static final String REQUESTS = Topics.REQUESTS;
    public static final String AR_OUTPUT = Topics.AR_OUTPUT;
    public static final String LATENTS = Topics.LATENTS;
    public static final String IMAGES = Topics.IMAGES;
    public static final String DLQ = Topics.DLQ;
    public static final String JOB_PROGRESS = Topics.JOB_PROGRESS;

    private static final int MiB = 1024 * 1024;
    private static final long DAY_MS = 24L * 60 * 60 * 1000;
    /** ar-output carries the diffusion condition (~25 MB per image at 1024 px in 16-bit). */
    public static final int LARGE_RECORD_BYTES = 64 * MiB;

    /** One topic's name and configs; partitions and replication come from the caller. */
    public record TopicSpec(String name, Map<String, String> configs, boolean singlePartition) {
        public NewTopic toNewTopic(int partitions, Optional<Short> replicationFactor) {
            return new NewTopic(name, Optional.of(singlePartition ? 1 : partitions), replicationFactor).configs(configs);
        }
    }

    private TopicDefinitions() {
    }

    /** Every topic, in pipeline order. */
    public static List<TopicSpec> all() {
        List<TopicSpec> specs = new ArrayList<>();
        specs.add(new TopicSpec(PROMPT_EVENTS, configs(7 * DAY_MS, MiB, null), false));
        specs.add(new TopicSpec(REQUESTS, configs(7 * DAY_MS, MiB, null), false));
        // the heavy boundary: large records, short retention (each record is tens of MB), big segments
        Map<String, String> ar = configs(DAY_MS, LARGE_RECORD_BYTES, null);
        ar.put(TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(512 * MiB));
        specs.add(new TopicSpec(AR_OUTPUT, ar, false));
        specs.add(new TopicSpec(LATENTS, configs(3 * DAY_MS, 16 * MiB, null), false));
        // images may carry inline PNGs
        specs.add(new TopicSpec(IMAGES, configs(30 * DAY_MS, 16 * MiB, null), false));
        // dead letters keep the original bytes, which may be an ar-output record
        specs.add(new TopicSpec(DLQ, configs(30 * DAY_MS, LARGE_RECORD_BYTES, null), false));
        // latest counts per job: compacted, kept forever
        specs.add(new TopicSpec(JOB_PROGRESS, configs(-1, MiB, TopicConfig.CLEANUP_POLICY_COMPACT), false));
        return specs;
    }

    private static Map<String, String> configs(long retentionMs, int maxMessageBytes, String cleanupPolicy) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retentionMs));
        c.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes));
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy == null ? TopicConfig.CLEANUP_POLICY_DELETE : cleanupPolicy);
        return c;
    }

    /** What {@link #createAll} did with one topic. */
    public record Outcome(String topic, boolean created, int partitions) {
    }

    /**
     * Creates every missing topic; existing topics are left as they are.
     *
     * @param replicationFactor empty for the broker's default
     */
    public static List<Outcome> createAll(Admin admin, int partitions, Optional<Short> replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        List<Outcome> outcomes = new ArrayList<>();
        List<NewTopic> topics = all().stream().map(s -> s.toNewTopic(partitions, replicationFactor)).toList();
        var results = admin.createTopics(topics).values();
        for (NewTopic topic : topics) {
            int n = topic.numPartitions();
            try {
                results.get(topic.name()).get(60, TimeUnit.SECONDS);
                outcomes.add(new Outcome(topic.name(), true, n));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Creating topic " + topic.name() + " failed: " + e.getCause().getMessage(),
                            e.getCause());
                }
                outcomes.add(new Outcome(topic.name(), false, n));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + topic.name(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Timed out creating topic " + topic.name()
                        + " (is the broker at " + "the bootstrap address reachable?)", e);
            }
        }
        return outcomes;
    }

    /** Same, with a short-lived admin client built from client properties (must hold bootstrap.servers). */
    public static List<Outcome> createAll(Map<String, Object> clientConfig, int partitions, Optional<Short> replicationFactor) {
        Map<String, Object> conf = new LinkedHashMap<>(clientConfig);
        conf.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        conf.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin admin = Admin.create(conf)) {
            return createAll(admin, partitions, replicationFactor);
        }
    }
}
