package dev.hart.cli.cluster;

import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.runtime.broker.EmbeddedKafkaMain;
import dev.hart.runtime.registry.EmbeddedSchemaRegistryMain;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka broker (KRaft) and the schema registry as two background processes, for running the stages as
 * separate processes on one machine ({@code hart cluster start|status|stop|restart-broker}).
 *
 * <p>Everything lives in one folder: {@code cluster.properties} (the ports, and the {@code bootstrap.servers} /
 * {@code schema.registry.url} any command's {@code --config} takes), {@code kafka/} (the broker's data, kept across
 * restarts), {@code broker.pid}, {@code registry.pid}, {@code broker.log}, {@code registry.log}. The ports are fixed
 * (defaults {@value #DEFAULT_KAFKA_PORT}, controller {@code kafka port + 1}, registry {@value #DEFAULT_REGISTRY_PORT}:
 * the defaults every other command assumes), so clients find a restarted broker at the same address.
 *
 * <p>The processes are started with {@code setsid} when the machine has it, so a Ctrl-C in the starting terminal does
 * not reach them; they end on {@link #stop()} (SIGTERM: the broker shuts down cleanly).
 */
public final class LocalCluster {
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_REGISTRY_PORT = 8081;
    public static final String ENV_DIR = "HART_CLUSTER_DIR";
    private static final String PROPERTIES = "cluster.properties";

    private final Path dir;
    private final int kafkaPort;
    private final int registryPort;

    private LocalCluster(Path dir, int kafkaPort, int registryPort) {
        this.dir = dir.toAbsolutePath().normalize();
        this.kafkaPort = kafkaPort;
        this.registryPort = registryPort;
    }

    /** The default folder: {@code $HART_CLUSTER_DIR}, else {@code ~/.hart/cluster}. */
    public static Path defaultDir() {
        String env = System.getenv(ENV_DIR);
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".hart", "cluster");
    }

    /**
     * The cluster in {@code dir}: the ports it was started with (from its {@code cluster.properties}), else the given
     * ones (null = default).
     */
    public static LocalCluster at(Path dir, Integer kafkaPort, Integer registryPort) {
        Properties saved = new Properties();
        Path file = dir.resolve(PROPERTIES);
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                saved.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        int k = kafkaPort != null ? kafkaPort : Integer.parseInt(saved.getProperty("hart.cluster.kafka.port",
                String.valueOf(DEFAULT_KAFKA_PORT)));
        int r = registryPort != null ? registryPort : Integer.parseInt(saved.getProperty("hart.cluster.registry.port",
                String.valueOf(DEFAULT_REGISTRY_PORT)));
        for (int port : new int[] {k, r}) {
            if (port < 1 || port > 65534) {
                throw new IllegalArgumentException("ports must be 1..65534, got " + port);
            }
        }
        return new LocalCluster(dir, k, r);
    }

    public Path dir() {
        return dir;
    }

    public String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    public String registryUrl() {
        return "http://localhost:" + registryPort;
    }

    /** What {@code status} reports about one process. */
    public record ProcessState(String name, String address, long pid, boolean alive, boolean answering) {
    }

    /**
     * Starts whatever is not running: the broker (waits until it accepts clients, creates the pipeline topics with
     * {@code partitions} partitions where missing), then the registry (waits until it answers).
     *
     * @return one line per process saying what was done
     */
    public List<String> start(int partitions, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("kafka"));
        writeProperties();
        List<String> done = new ArrayList<>();
        if (alivePid("broker").isPresent()) {
            done.add("kafka already running at " + bootstrapServers() + " (pid " + alivePid("broker").get() + ")");
        } else {
            startBroker(timeout);
            done.add("kafka started at " + bootstrapServers() + " (pid " + alivePid("broker").orElse(-1L) + ", data in "
                    + dir.resolve("kafka") + ")");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            TopicDefinitions.createAll(admin, partitions, Optional.of((short) 1));
        }
        if (alivePid("registry").isPresent()) {
            done.add("schema registry already running at " + registryUrl() + " (pid " + alivePid("registry").get() + ")");
        } else {
            launch("registry", List.of(EmbeddedSchemaRegistryMain.class.getName(), "--bootstrap", bootstrapServers(),
                    "--port", String.valueOf(registryPort)), List.of("-Xmx256m"));
            awaitLine("registry", EmbeddedSchemaRegistryMain.READY_PREFIX, timeout);
            done.add("schema registry started at " + registryUrl() + " (pid " + alivePid("registry").orElse(-1L) + ")");
        }
        return done;
    }

    /** Starts the broker on this cluster's ports and data (after {@link #stopBroker}). */
    public void startBroker(Duration timeout) throws IOException, InterruptedException {
        launch("broker", List.of(EmbeddedKafkaMain.class.getName(), "--log-dir", dir.resolve("kafka").toString(),
                "--port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(kafkaPort + 1), "--detached",
                "--prop", "advertised.listeners=PLAINTEXT://localhost:" + kafkaPort), List.of("-Xmx1g"));
        awaitLine("broker", EmbeddedKafkaMain.READY_PREFIX, timeout);
    }

    /** Stops only the broker (the registry keeps running); true if it was running. */
    public boolean stopBroker(Duration timeout) throws InterruptedException {
        return stopProcess("broker", timeout);
    }

    /** Stops the broker and starts it again on the same ports and data; the registry keeps running. */
    public void restartBroker(Duration timeout) throws IOException, InterruptedException {
        stopProcess("broker", timeout);
        startBroker(timeout);
    }

    /** SIGTERM to the registry, then the broker; waits for each to exit (SIGKILL after the timeout). */
    public List<String> stop(Duration timeout) throws InterruptedException {
        List<String> done = new ArrayList<>();
        for (String name : List.of("registry", "broker")) {
            done.add(stopProcess(name, timeout) ? name + " stopped" : name + " was not running");
        }
        return done;
    }

    public List<ProcessState> status() {
        Optional<Long> broker = alivePid("broker");
        Optional<Long> registry = alivePid("registry");
        return List.of(
                new ProcessState("kafka", bootstrapServers(), broker.orElse(-1L), broker.isPresent(),
                        broker.isPresent() && brokerAnswers()),
                new ProcessState("registry", registryUrl(), registry.orElse(-1L), registry.isPresent(),
                        registry.isPresent() && registryAnswers()));
    }

    private boolean brokerAnswers() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            admin.describeCluster().nodes().get(4, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean registryAnswers() {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(HttpRequest.newBuilder(URI.create(registryUrl() + "/subjects")).timeout(Duration.ofSeconds(3))
                            .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writeProperties() throws IOException {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers());
        p.setProperty("schema.registry.url", registryUrl());
        p.setProperty("hart.cluster.kafka.port", String.valueOf(kafkaPort));
        p.setProperty("hart.cluster.registry.port", String.valueOf(registryPort));
        try (Writer w = Files.newBufferedWriter(dir.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            p.store(w, "hart cluster: pass this file to any command with --config");
        }
    }

    /** Starts {@code java <jvmOptions> -cp <this class path> <args>} in the background, output to NAME.log. */
    private void launch(String name, List<String> args, List<String> jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(args);
        Path log = dir.resolve(name + ".log");
        Files.writeString(log, "");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // with setsid the child is exec'd in place, so its pid is the JVM's
        Files.writeString(dir.resolve(name + ".pid"), p.pid() + "\n");
    }

    private void awaitLine(String name, String prefix, Duration timeout) throws IOException, InterruptedException {
        Path log = dir.resolve(name + ".log");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains(prefix)) {
                return;
            }
            if (alivePid(name).isEmpty()) {
                throw new IllegalStateException(name + " exited during start-up; its log " + log + " ends with:\n"
                        + tail(log, 15));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not start within " + timeout.toSeconds() + " s; see " + log
                + ":\n" + tail(log, 15));
    }

    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private Optional<Long> alivePid(String name) {
        Path file = dir.resolve(name + ".pid");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(file).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    // "setsid" for the moment before it execs java in place (seen under load)
                    .filter(h -> h.info().command().map(c -> c.endsWith("java") || c.endsWith("setsid")).orElse(true))
                    .map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private boolean stopProcess(String name, Duration timeout) throws InterruptedException {
        Optional<ProcessHandle> handle = alivePid(name).flatMap(ProcessHandle::of);
        try {
            if (handle.isEmpty()) {
                return false;
            }
            ProcessHandle h = handle.get();
            h.destroy();
            try {
                h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                h.destroyForcibly();
                h.onExit().get(10, TimeUnit.SECONDS);
            }
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return true;
        } finally {
            try {
                Files.deleteIfExists(dir.resolve(name + ".pid"));
            } catch (IOException ignored) {
                // a stale pid file is ignored next time (the pid is checked for a live java process)
            }
        }
    }
}
