package dev.hart.runtime.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The user-facing embedded broker: {@link EmbeddedKafkaMain} in a child JVM with this JVM's class path, so a fatal
 * broker error (which halts its JVM) cannot take the user's process down. Destroyed on {@link #close()}; if this JVM
 * dies the child sees end of input on stdin and stops by itself.
 */
public final class EmbeddedKafkaProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaProcess.class);

    private final Path logDir;
    private final Map<String, String> overrides;
    private final List<String> jvmOptions;
    private int port;
    private int controllerPort;
    private Path logFile;
    private Process process;
    private String bootstrapServers;
    private long startupMillis = -1;

    /** JVM options of the default child: 1 GiB heap (large records need >= 512 MB), broker logs at WARN. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    /** A child broker on a temporary log dir with {@link #DEFAULT_JVM_OPTIONS}. */
    public EmbeddedKafkaProcess() {
        this(null, Map.of(), DEFAULT_JVM_OPTIONS);
    }

    /**
     * @param logDir     log dir for the broker, null for a temporary one
     * @param overrides  broker properties replacing the defaults
     * @param jvmOptions options for the child JVM (e.g. -Xmx1g)
     */
    public EmbeddedKafkaProcess(Path logDir, Map<String, String> overrides, List<String> jvmOptions) {
        this.logDir = logDir;
        this.overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
        this.jvmOptions = List.copyOf(jvmOptions == null ? List.of() : jvmOptions);
    }

    /** Fixed client and controller ports (0 = any free one), so a restarted broker keeps its address. */
    public EmbeddedKafkaProcess ports(int port, int controllerPort) {
        this.port = port;
        this.controllerPort = controllerPort;
        return this;
    }

    /** Appends the broker's log (its stderr) to this file instead of this JVM's stderr. */
    public EmbeddedKafkaProcess logFile(Path file) {
        this.logFile = file;
        return this;
    }

    /** Launches the child JVM and waits (up to the timeout) until it prints its bootstrap address. */
    public synchronized EmbeddedKafkaProcess start(long timeout, TimeUnit unit) {
        if (process != null) {
            return this;
        }
        long t0 = System.nanoTime();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EmbeddedKafkaMain.class.getName());
        if (logDir != null) {
            cmd.add("--log-dir");
            cmd.add(logDir.toAbsolutePath().toString());
        }
        if (port > 0) {
            cmd.add("--port");
            cmd.add(String.valueOf(port));
        }
        if (controllerPort > 0) {
            cmd.add("--controller-port");
            cmd.add(String.valueOf(controllerPort));
        }
        overrides.forEach((k, v) -> {
            cmd.add("--prop");
            cmd.add(k + "=" + v);
        });
        try {
            process = new ProcessBuilder(cmd).redirectError(logFile == null ? ProcessBuilder.Redirect.INHERIT
                    : ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot launch the embedded Kafka JVM: " + cmd.get(0), e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        Process p = process;
        Thread reader = new Thread(() -> pumpStdout(p, ready), "embedded-kafka-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            bootstrapServers = ready.get(timeout, unit);
        } catch (TimeoutException | ExecutionException e) {
            close();
            throw new IllegalStateException("Embedded Kafka JVM did not become ready within " + timeout + " " + unit, e);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting embedded Kafka", e);
        }
        startupMillis = (System.nanoTime() - t0) / 1_000_000;
        log.info("Embedded Kafka JVM (pid {}) ready at {} in {} ms", p.pid(), bootstrapServers, startupMillis);
        return this;
    }

    private static void pumpStdout(Process p, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(EmbeddedKafkaMain.READY_PREFIX)) {
                    ready.complete(line.substring(EmbeddedKafkaMain.READY_PREFIX.length()).trim());
                } else {
                    log.debug("[kafka] {}", line);
                }
            }
        } catch (IOException e) {
            // the child is gone
        }
        ready.completeExceptionally(new IllegalStateException(
                "Embedded Kafka JVM exited before announcing its address" + exitInfo(p)));
    }

    private static String exitInfo(Process p) {
        try {
            return p.waitFor(2, TimeUnit.SECONDS) ? " (exit code " + p.exitValue() + ")" : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("Embedded Kafka JVM is not started");
        }
        return bootstrapServers;
    }

    /** Time from launch to the ready line (JVM start + broker start), -1 before. */
    public long startupMillis() {
        return startupMillis;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Asks the child to stop (end of stdin), then destroys it if it does not exit in time. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        bootstrapServers = null;
        try {
            p.getOutputStream().close();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
