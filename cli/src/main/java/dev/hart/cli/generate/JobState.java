package dev.hart.cli.generate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.hart.runtime.kafka.FreePorts;

/**
 * The persistent folder of a {@code hart generate --job} run, which makes running the same command again continue
 * the job: {@code kafka/} (the broker's data: topics, committed offsets, open transactions), {@code broker.ports} (the
 * broker keeps its address across runs), {@code ingest/} (prompt-ingest's Streams state), {@code published} (the
 * fingerprint of the request ids whose prompts were all published), {@code hart.log} and {@code broker.log}.
 */
public final class JobState {
    private final Path dir;

    private JobState(Path dir) {
        this.dir = dir;
    }

    public static JobState open(Path dir) throws IOException {
        Path d = Files.createDirectories(dir.toAbsolutePath().normalize());
        Files.createDirectories(d.resolve("kafka"));
        Files.createDirectories(d.resolve("ingest"));
        return new JobState(d);
    }

    public Path dir() {
        return dir;
    }

    public Path kafkaDir() {
        return dir.resolve("kafka");
    }

    public Path ingestDir() {
        return dir.resolve("ingest");
    }

    public Path logFile() {
        return dir.resolve("hart.log");
    }

    public Path brokerLog() {
        return dir.resolve("broker.log");
    }

    /** Whether an earlier run kept broker data here (so this run resumes). */
    public boolean hasBrokerData() {
        return Files.exists(kafkaDir().resolve("meta.properties"));
    }

    /** The broker's client and controller ports: the saved ones when both are free, else new ones (saved). */
    public int[] brokerPorts() throws IOException {
        Path file = dir.resolve("broker.ports");
        if (Files.isRegularFile(file)) {
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
            if (parts.length == 2) {
                int port = Integer.parseInt(parts[0]);
                int controller = Integer.parseInt(parts[1]);
                if (free(port) && free(controller)) {
                    return new int[] {port, controller};
                }
            }
        }
        int[] ports = {FreePorts.pick(), FreePorts.pick()};
        Files.writeString(file, ports[0] + " " + ports[1] + "\n", StandardCharsets.UTF_8);
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Records the pid of this run's broker JVM. */
    public void brokerStarted(long pid) throws IOException {
        Files.writeString(dir.resolve("broker.pid"), pid + "\n", StandardCharsets.UTF_8);
    }

    /**
     * An earlier run killed with {@code kill -9} leaves its broker JVM shutting down (it stops when its parent's pipe
     * closes) while holding the data folder's lock: wait for it to end (up to {@code seconds}, then kill it).
     *
     * @return whether there was one
     */
    public boolean awaitPreviousBroker(long seconds) throws IOException, InterruptedException {
        Path file = dir.resolve("broker.pid");
        if (!Files.isRegularFile(file)) {
            return false;
        }
        long pid = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        var handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains("EmbeddedKafkaMain")).orElse(false));
        if (handle.isEmpty()) {
            return false;
        }
        try {
            handle.get().onExit().get(seconds, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            handle.get().destroyForcibly();
            Thread.sleep(2000);
        }
        return true;
    }

    /** Whether every prompt of the job with this fingerprint was published (and acknowledged) by an earlier run. */
    public boolean published(String fingerprint) throws IOException {
        Path file = dir.resolve("published");
        return Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).trim().equals(fingerprint);
    }

    public void markPublished(String fingerprint) throws IOException {
        Files.writeString(dir.resolve("published"), fingerprint + "\n", StandardCharsets.UTF_8);
    }
}
