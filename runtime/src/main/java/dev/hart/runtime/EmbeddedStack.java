package dev.hart.runtime;

import dev.hart.runtime.broker.EmbeddedKafka;
import dev.hart.runtime.broker.EmbeddedKafkaProcess;
import dev.hart.runtime.kafka.TopicAdmin;
import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.runtime.registry.EmbeddedSchemaRegistry;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default in one object: a single-node Kafka broker plus the schema registry on top of it.
 * {@link BrokerMode#CHILD_JVM} (the user default) runs the broker in its own JVM, since a fatal broker error halts
 * the JVM it runs in; {@link BrokerMode#IN_PROCESS} is for tests.
 */
public final class EmbeddedStack implements AutoCloseable {
    public enum BrokerMode { CHILD_JVM, IN_PROCESS }

    private final EmbeddedKafkaProcess childBroker;
    private final EmbeddedKafka inProcessBroker;
    private final EmbeddedSchemaRegistry registry;
    private final String bootstrapServers;
    private final long brokerStartupMillis;

    private EmbeddedStack(EmbeddedKafkaProcess child, EmbeddedKafka inProcess, EmbeddedSchemaRegistry registry,
                          String bootstrapServers, long brokerStartupMillis) {
        this.childBroker = child;
        this.inProcessBroker = inProcess;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
        this.brokerStartupMillis = brokerStartupMillis;
    }

    /**
     * Starts the broker (on {@code logDir}, or a temporary dir when null) and then the registry.
     */
    public static EmbeddedStack start(BrokerMode mode, Path logDir) {
        if (mode == BrokerMode.CHILD_JVM) {
            return start(new EmbeddedKafkaProcess(logDir, Map.of(), EmbeddedKafkaProcess.DEFAULT_JVM_OPTIONS), 120);
        }
        EmbeddedKafka inProcess = new EmbeddedKafka(logDir, Map.of()).start();
        return withRegistry(null, inProcess, inProcess.bootstrapServers(), inProcess.startupMillis());
    }

    /**
     * Starts a configured child-JVM broker (ports, log file, JVM options: {@code hart generate} keeps a job's broker on
     * the job's data and ports) and then the registry.
     */
    public static EmbeddedStack start(EmbeddedKafkaProcess broker, long timeoutSeconds) {
        EmbeddedKafkaProcess child = broker.start(timeoutSeconds, TimeUnit.SECONDS);
        return withRegistry(child, null, child.bootstrapServers(), child.startupMillis());
    }

    private static EmbeddedStack withRegistry(EmbeddedKafkaProcess child, EmbeddedKafka inProcess, String bootstrap,
                                              long startup) {
        try {
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(bootstrap).start();
            return new EmbeddedStack(child, inProcess, registry, bootstrap, startup);
        } catch (RuntimeException e) {
            if (child != null) {
                child.close();
            }
            if (inProcess != null) {
                inProcess.close();
            }
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** Broker start-up time (for a child JVM: launch to ready). */
    public long brokerStartupMillis() {
        return brokerStartupMillis;
    }

    /** Creates the pipeline's topics ({@link TopicDefinitions}, replication 1) with {@code partitions} partitions each. */
    public void createPipelineTopics(int partitions) {
        TopicDefinitions.createAll(Map.of("bootstrap.servers", bootstrapServers), partitions, Optional.of((short) 1));
    }

    /** Creates topics (replication 1, 64 MiB records) and waits until they serve requests. */
    public void createTopics(int partitions, String... topics) {
        TopicAdmin.create(bootstrapServers, TopicAdmin.singleReplica(partitions, topics));
    }

    /** Process id of the broker's child JVM, or -1 when the broker runs in this JVM. */
    public long brokerPid() {
        return childBroker != null ? childBroker.pid() : -1;
    }

    /** Whether the broker still runs (a child JVM may have died). */
    public boolean isBrokerAlive() {
        return childBroker != null ? childBroker.isAlive() : inProcessBroker.isRunning();
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            if (childBroker != null) {
                childBroker.close();
            }
            if (inProcessBroker != null) {
                inProcessBroker.close();
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedStack{kafka=" + bootstrapServers + ", registry=" + registry.url() + ", broker="
                + (childBroker != null ? "child JVM pid " + childBroker.pid() : "in-process") + "}";
    }
}
