package dev.hart.runtime.stage;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Settings of one stage instance. Build with {@link #builder()}.
 *
 * <p>{@code instanceId} names this instance's transactional id ({@code transactionalIdPrefix-instanceId}). Give a
 * restarted instance the same id (e.g. the pod name of a StatefulSet) so its first {@code initTransactions} fences
 * the dead instance and aborts its open transaction at once; a fresh random id (the default) is also correct, but
 * then a dead instance's open transaction blocks its partitions until {@code transaction.timeout.ms} (60 s).
 */
public final class StageConfig {
    private final String stageName;
    private final String bootstrapServers;
    private final String groupId;
    private final List<String> inputTopics;
    private final String dlqTopic;
    private final int batchSize;
    private final Duration batchMaxWait;
    private final String transactionalIdPrefix;
    private final String instanceId;
    private final Duration pollTimeout;
    private final Duration shutdownGrace;
    private final int httpPort;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final Duration reconnectBackoffMax;
    private final int deadLetterMaxValueBytes;
    private final Map<String, Object> consumerProps;
    private final Map<String, Object> producerProps;

    private StageConfig(Builder b) {
        this.stageName = require(b.stageName, "stageName");
        this.bootstrapServers = require(b.bootstrapServers, "bootstrapServers");
        this.groupId = b.groupId == null ? "hart-" + stageName : b.groupId;
        if (b.inputTopics == null || b.inputTopics.isEmpty()) {
            throw new IllegalArgumentException("Stage '" + stageName + "' needs at least one input topic");
        }
        this.inputTopics = List.copyOf(b.inputTopics);
        this.dlqTopic = require(b.dlqTopic, "dlqTopic");
        if (b.batchSize < 1) {
            throw new IllegalArgumentException("batch.size must be >= 1, got " + b.batchSize);
        }
        this.batchSize = b.batchSize;
        this.batchMaxWait = positive(b.batchMaxWait, "batch.max.wait");
        this.transactionalIdPrefix = b.transactionalIdPrefix == null ? "hart-" + stageName : b.transactionalIdPrefix;
        this.instanceId = b.instanceId == null ? UUID.randomUUID().toString() : b.instanceId;
        this.pollTimeout = positive(b.pollTimeout, "poll timeout");
        this.shutdownGrace = positive(b.shutdownGrace, "shutdown grace");
        if (b.httpPort < -1 || b.httpPort > 65535) {
            throw new IllegalArgumentException("http port must be -1 (off), 0 (any free port) or 1..65535, got " + b.httpPort);
        }
        this.httpPort = b.httpPort;
        if (b.maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be >= 1, got " + b.maxAttempts);
        }
        this.maxAttempts = b.maxAttempts;
        this.retryBackoff = positive(b.retryBackoff, "retry backoff");
        this.reconnectBackoffMax = positive(b.reconnectBackoffMax, "reconnect backoff max");
        if (b.deadLetterMaxValueBytes < 0) {
            throw new IllegalArgumentException("dead-letter max value bytes must be >= 0, got " + b.deadLetterMaxValueBytes);
        }
        this.deadLetterMaxValueBytes = b.deadLetterMaxValueBytes;
        this.consumerProps = Map.copyOf(b.consumerProps);
        this.producerProps = Map.copyOf(b.producerProps);
    }

    private static String require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Stage config '" + name + "' is required");
        }
        return value;
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
        return d;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String stageName() { return stageName; }
    public String bootstrapServers() { return bootstrapServers; }
    public String groupId() { return groupId; }
    public List<String> inputTopics() { return inputTopics; }
    public String dlqTopic() { return dlqTopic; }
    public int batchSize() { return batchSize; }
    public Duration batchMaxWait() { return batchMaxWait; }
    public String transactionalIdPrefix() { return transactionalIdPrefix; }
    public String instanceId() { return instanceId; }
    public String transactionalId() { return transactionalIdPrefix + "-" + instanceId; }
    public Duration pollTimeout() { return pollTimeout; }
    public Duration shutdownGrace() { return shutdownGrace; }
    /** -1: no HTTP server; 0: any free port; otherwise the port for /metrics and /health. */
    public int httpPort() { return httpPort; }
    /** Tries of a record that fails with a retriable error before it is dead-lettered (default 3). */
    public int maxAttempts() { return maxAttempts; }
    /** Wait before the first retry of a retriable failure; doubles per try (default 1 s). */
    public Duration retryBackoff() { return retryBackoff; }
    /** Longest wait between reconnect attempts while the broker is unreachable (default 30 s). */
    public Duration reconnectBackoffMax() { return reconnectBackoffMax; }
    /** Originals larger than this are kept only as a prefix (plus size and SHA-256) in their dead letter. */
    public int deadLetterMaxValueBytes() { return deadLetterMaxValueBytes; }
    /** Extra consumer properties; they override the runner's defaults. */
    public Map<String, Object> consumerProps() { return consumerProps; }
    /** Extra producer properties; they override the runner's defaults. */
    public Map<String, Object> producerProps() { return producerProps; }

    @Override
    public String toString() {
        return "StageConfig{stage=" + stageName + ", bootstrap=" + bootstrapServers + ", group=" + groupId
                + ", inputs=" + inputTopics + ", dlq=" + dlqTopic + ", batch.size=" + batchSize
                + ", batch.max.wait=" + batchMaxWait + ", transactional.id=" + transactionalId() + "}";
    }

    public static final class Builder {
        private String stageName;
        private String bootstrapServers;
        private String groupId;
        private List<String> inputTopics;
        private String dlqTopic = "hart.dlq";
        private int batchSize = 8;
        private Duration batchMaxWait = Duration.ofMillis(200);
        private String transactionalIdPrefix;
        private String instanceId;
        private Duration pollTimeout = Duration.ofMillis(100);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private int httpPort = -1;
        private int maxAttempts = 3;
        private Duration retryBackoff = Duration.ofSeconds(1);
        private Duration reconnectBackoffMax = Duration.ofSeconds(30);
        // the dead letter adds headers, stack trace and reason to the original: leave 1 MiB for them
        private int deadLetterMaxValueBytes = dev.hart.runtime.kafka.KafkaClientProps.MAX_RECORD_BYTES - 1024 * 1024;
        private final Map<String, Object> consumerProps = new HashMap<>();
        private final Map<String, Object> producerProps = new HashMap<>();

        public Builder stageName(String v) { this.stageName = v; return this; }
        public Builder bootstrapServers(String v) { this.bootstrapServers = v; return this; }
        /** Default: {@code hart-<stageName>}. */
        public Builder groupId(String v) { this.groupId = v; return this; }
        public Builder inputTopic(String v) { this.inputTopics = List.of(v); return this; }
        public Builder inputTopics(List<String> v) { this.inputTopics = v; return this; }
        /** Default: {@code hart.dlq}. */
        public Builder dlqTopic(String v) { this.dlqTopic = v; return this; }
        /** Most records per model call (default 8). */
        public Builder batchSize(int v) { this.batchSize = v; return this; }
        /** Longest wait for a batch to fill after its first record arrived (default 200 ms). */
        public Builder batchMaxWait(Duration v) { this.batchMaxWait = v; return this; }
        /** Default: {@code hart-<stageName>}. */
        public Builder transactionalIdPrefix(String v) { this.transactionalIdPrefix = v; return this; }
        /** Stable id of this instance (see class comment); default a random UUID. */
        public Builder instanceId(String v) { this.instanceId = v; return this; }
        public Builder pollTimeout(Duration v) { this.pollTimeout = v; return this; }
        /** How long {@code close()} lets the current batch finish before aborting it (default 30 s). */
        public Builder shutdownGrace(Duration v) { this.shutdownGrace = v; return this; }
        public Builder httpPort(int v) { this.httpPort = v; return this; }
        public Builder maxAttempts(int v) { this.maxAttempts = v; return this; }
        public Builder retryBackoff(Duration v) { this.retryBackoff = v; return this; }
        public Builder reconnectBackoffMax(Duration v) { this.reconnectBackoffMax = v; return this; }
        public Builder deadLetterMaxValueBytes(int v) { this.deadLetterMaxValueBytes = v; return this; }
        public Builder consumerProp(String k, Object v) { this.consumerProps.put(k, v); return this; }
        public Builder consumerProps(Map<String, ?> m) { this.consumerProps.putAll(m); return this; }
        public Builder producerProp(String k, Object v) { this.producerProps.put(k, v); return this; }
        public Builder producerProps(Map<String, ?> m) { this.producerProps.putAll(m); return this; }

        public StageConfig build() {
            return new StageConfig(this);
        }
    }
}
