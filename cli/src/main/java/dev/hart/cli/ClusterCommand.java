package dev.hart.cli;

import dev.hart.cli.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code hart cluster start|status|stop|restart-broker}: a local broker and schema registry as background processes. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A single-node Kafka broker (KRaft) and the schema registry as background processes on this"
                + " machine, for running the ingest app and the stages as separate processes.",
                "Defaults: kafka localhost:" + LocalCluster.DEFAULT_KAFKA_PORT + " (controller on the next port),"
                        + " registry http://localhost:" + LocalCluster.DEFAULT_REGISTRY_PORT
                        + " - what every other command uses when given no --bootstrap/--registry.",
                "Data, logs and pid files live in --dir (default $" + LocalCluster.ENV_DIR + ", else ~/.hart/cluster);"
                        + " the broker's data survives stop/start. DIR/cluster.properties works as any command's --config."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Status.class, ClusterCommand.Stop.class,
                ClusterCommand.RestartBroker.class})
public final class ClusterCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static class Where {
        @Option(names = "--dir", paramLabel = "DIR", description = "cluster folder (default $" + LocalCluster.ENV_DIR
                + ", else ~/.hart/cluster)")
        Path dir;

        @Option(names = "--kafka-port", paramLabel = "P", description = "broker port (default: the one the cluster was"
                + " started with, else " + LocalCluster.DEFAULT_KAFKA_PORT + "; the controller uses P+1)")
        Integer kafkaPort;

        @Option(names = "--registry-port", paramLabel = "R", description = "registry port (default: the one the cluster"
                + " was started with, else " + LocalCluster.DEFAULT_REGISTRY_PORT + ")")
        Integer registryPort;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
                description = "longest wait for a process to start or stop (default ${DEFAULT-VALUE})")
        long timeoutSeconds;

        LocalCluster cluster() {
            return LocalCluster.at(dir != null ? dir : LocalCluster.defaultDir(), kafkaPort, registryPort);
        }

        Duration timeout() {
            return Duration.ofSeconds(timeoutSeconds);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the broker and the registry (whatever is not running) and create the pipeline topics.")
    static final class Start extends Where implements Callable<Integer> {
        @Option(names = "--partitions", defaultValue = "4",
                description = "partitions of each pipeline topic created (default ${DEFAULT-VALUE})")
        int partitions;

        @Override
        public Integer call() throws Exception {
            LocalCluster c = cluster();
            try {
                c.start(partitions, timeout()).forEach(System.out::println);
            } catch (IllegalStateException e) {
                // e.g. a port taken by another process: the message carries the log's tail, a stack trace adds nothing
                System.err.println("hart cluster start: " + e.getMessage());
                return 1;
            }
            System.out.println("bootstrap " + c.bootstrapServers() + "  registry " + c.registryUrl() + "  config "
                    + c.dir().resolve("cluster.properties"));
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Print the bootstrap address and registry URL, each process's pid and whether it answers.",
                    "Exit code 0 when both answer, 1 otherwise."})
    static final class Status extends Where implements Callable<Integer> {
        @Override
        public Integer call() {
            boolean ok = true;
            for (LocalCluster.ProcessState s : cluster().status()) {
                System.out.printf("%-8s %-24s %-12s %s%n", s.name(), s.address(),
                        s.alive() ? "pid " + s.pid() : "not running", s.answering() ? "answering" : "not answering");
                ok &= s.answering();
            }
            return ok ? 0 : 1;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the registry and the broker (data is kept).")
    static final class Stop extends Where implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            cluster().stop(timeout()).forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "restart-broker", mixinStandardHelpOptions = true,
            description = "Stop the broker and start it again on the same address and data (the registry keeps running).")
    static final class RestartBroker extends Where implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            LocalCluster c = cluster();
            c.restartBroker(timeout());
            System.out.println("kafka restarted at " + c.bootstrapServers());
            return 0;
        }
    }
}
