package dev.hart.runtime.broker;

import dev.hart.runtime.kafka.FreePorts;
import dev.hart.runtime.kafka.TopicAdmin;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one node) running in this JVM.
 *
 * <p>Meant for tests and for the child JVM of {@link EmbeddedKafkaProcess}: a fatal broker error halts the whole
 * JVM ({@code Exit.halt}), so users' embedded default should run it out of process.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    /** Large-record limits: tensors between stages can be tens of MB. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    public static final int MAX_SOCKET_REQUEST_BYTES = 128 * 1024 * 1024;
    private static final int NODE_ID = 1;

    private final Path logDir;
    private final boolean deleteLogDirOnClose;
    private final Map<String, String> overrides;
    private final int requestedPort;
    private final int requestedControllerPort;
    private KafkaRaftServer server;
    private int brokerPort;
    private long startupMillis = -1;

    /** A broker on a fresh temporary log dir, deleted on close. */
    public EmbeddedKafka() {
        this(null, Map.of());
    }

    /**
     * @param logDir    the log dir to use (formatted when empty, reused when it already holds a formatted node);
     *                  null for a temporary dir deleted on close
     * @param overrides broker properties that replace the defaults
     */
    public EmbeddedKafka(Path logDir, Map<String, String> overrides) {
        this(logDir, overrides, 0, 0);
    }

    /**
     * @param port           the client (PLAINTEXT) port, 0 for any free one; fixed ports let clients find a restarted
     *                       broker at the same address
     * @param controllerPort the KRaft controller port, 0 for any free one
     */
    public EmbeddedKafka(Path logDir, Map<String, String> overrides, int port, int controllerPort) {
        this.requestedPort = port;
        this.requestedControllerPort = controllerPort;
        try {
            this.deleteLogDirOnClose = logDir == null;
            this.logDir = logDir == null ? Files.createTempDirectory("hart-kafka-") : logDir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary Kafka log dir", e);
        }
        this.overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
    }

    /** Formats the log dir if needed and starts the broker; returns once it accepts clients. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        long t0 = System.nanoTime();
        brokerPort = requestedPort > 0 ? requestedPort : FreePorts.pick();
        int controllerPort = requestedControllerPort > 0 ? requestedControllerPort : FreePorts.pick();
        Properties props = brokerProperties(brokerPort, controllerPort);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        formatIfNeeded(config);
        KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
        raftServer.startup();
        server = raftServer;
        awaitReady();
        startupMillis = (System.nanoTime() - t0) / 1_000_000;
        log.info("Embedded Kafka ready at {} in {} ms (log dir {})", bootstrapServers(), startupMillis, logDir);
        return this;
    }

    private Properties brokerProperties(int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // single node: everything replicated once, internal topics small, no join delay
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // the default 128 MiB dedupe buffer costs ~170 MB of heap
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("socket.request.max.bytes", String.valueOf(MAX_SOCKET_REQUEST_BYTES));
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "5000");
        p.putAll(overrides);
        return p;
    }

    private void formatIfNeeded(KafkaConfig config) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // an existing node: restart on its data
        }
        ByteArrayOutputStream formatLog = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(formatLog, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(out)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Formatting Kafka log dir " + logDir + " failed: " + e.getMessage()
                    + "\n" + formatLog.toString(StandardCharsets.UTF_8), e);
        }
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Embedded Kafka did not become ready at " + bootstrapServers(), e);
        }
    }

    /** host:port of the PLAINTEXT listener. */
    public String bootstrapServers() {
        if (server == null) {
            throw new IllegalStateException("Embedded Kafka is not started");
        }
        return "127.0.0.1:" + brokerPort;
    }

    public Path logDir() {
        return logDir;
    }

    /** Wall time of the last {@link #start()} (format + start + first metadata answer), -1 before. */
    public long startupMillis() {
        return startupMillis;
    }

    public Admin admin() {
        Map<String, Object> conf = new HashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(conf);
    }

    /** Creates topics with the given partition count (replication 1, 64 MiB records); existing ones are kept. */
    public void createTopics(int partitions, String... topics) {
        TopicAdmin.create(bootstrapServers(), TopicAdmin.singleReplica(partitions, topics));
    }

    /** Creates the given topics (existing ones are kept) and waits until their leaders serve requests. */
    public void createTopics(Collection<NewTopic> topics) {
        TopicAdmin.create(bootstrapServers(), topics);
    }

    /** Stops the broker (and deletes its log dir when it was temporary). */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
            if (deleteLogDirOnClose) {
                deleteRecursively(logDir);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        return server != null;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not delete Kafka log dir {}: {}", dir, e.toString());
        }
    }
}
