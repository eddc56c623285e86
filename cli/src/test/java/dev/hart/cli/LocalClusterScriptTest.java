package dev.hart.cli;

import dev.hart.runtime.kafka.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code deploy/local-cluster.sh} - README's multi-process run: {@code hart cluster start}, the ingest app and
 * the split stages (two decoders) as separate JVMs, {@code hart ingest}, {@code hart status --watch},
 * {@code hart cluster stop} - with {@code hart} being this build's classes, on free ports.
 */
@Timeout(600)
class LocalClusterScriptTest {

    @Test
    void multiProcessRunOnTheLocalCluster(@TempDir Path dir) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path script = root.resolve("deploy/local-cluster.sh");
        Path hart = dir.resolve("hart");
        Files.writeString(hart, "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"), "bin", "java")
                + " -Xmx1g -Dai.djl.offline=true -Dhart.home=" + root + " -cp '" + System.getProperty("java.class.path")
                + "' " + HartCli.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(hart, PosixFilePermissions.fromString("rwxr-xr-x"));
        int kafkaPort = freePairBase();
        Path out = dir.resolve("out");
        Path log = dir.resolve("script.log");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString())).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HART", hart.toString());
        pb.environment().put("CLUSTER_DIR", dir.resolve("cluster").toString());
        pb.environment().put("KAFKA_PORT", String.valueOf(kafkaPort));
        pb.environment().put("REGISTRY_PORT", String.valueOf(FreePorts.pick()));
        pb.environment().put("OUT", out.toString());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        boolean done = p.waitFor(540, TimeUnit.SECONDS);
        String text = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(text);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(text).contains("kafka started at localhost:" + kafkaPort).contains("answering")
                .contains("sent 20 prompts").contains("20/20 done (100%)  generated 20, failed 0")
                .contains("images: 20 in").contains("registry stopped").contains("broker stopped");
        try (Stream<Path> files = Files.list(out.resolve("local-cluster-demo"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".png")).count()).isEqualTo(20);
        }
        // both decoders took part (they share hart.latents through their consumer group)
        for (String decoder : List.of("decoder-1", "decoder-2")) {
            assertThat(Files.readString(dir.resolve("cluster/logs/" + decoder + ".log"))).contains("STAGE-READY decoder");
        }
    }

    /** A port whose successor (the controller port) is free too. */
    private static int freePairBase() {
        for (int i = 0; i < 50; i++) {
            int p = FreePorts.pick();
            if (p < 65000) {
                try (var s = new java.net.ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (java.io.IOException busy) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no free port pair");
    }
}
