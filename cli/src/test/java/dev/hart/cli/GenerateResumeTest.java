package dev.hart.cli;

import dev.hart.stage.decoder.DatasetParquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 30-prompt {@code hart generate --job} in its own JVM (real child-JVM broker), killed with SIGKILL after some
 * images, then the same command again: exactly 30 images, the first ones untouched (bytes and timestamps), the
 * summary says how many were resumed and how many generated now.
 */
@Timeout(420)
class GenerateResumeTest {

    @Test
    void killedJobResumesWithoutRewritingAnything(@TempDir Path dir) throws Exception {
        Path prompts = dir.resolve("prompts.txt");
        String[] colours = {"red", "green", "blue", "yellow", "white", "purple"};
        String[] shapes = {"circle", "square", "triangle", "star"};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("a " + colours[i % 6] + " " + shapes[(i / 3) % 4] + " on a " + colours[(i + 2) % 6] + " background");
        }
        Files.writeString(prompts, String.join("\n", lines) + "\n");
        Path out = dir.resolve("out");
        Path jobDir = out.resolve("resume-test");
        Path log1 = dir.resolve("run1.log");

        Process first = generate(prompts, out, log1);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (pngs(jobDir).size() < 6 && System.nanoTime() < deadline && first.isAlive()) {
                Thread.sleep(100);
            }
            assertThat(first.isAlive()).as("first run still working when killed").isTrue();
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
            first.waitFor(30, TimeUnit.SECONDS);
        } finally {
            first.destroyForcibly();
        }
        Map<Path, String> before = new TreeMap<>();
        Map<Path, FileTime> times = new TreeMap<>();
        for (Path png : pngs(jobDir)) {
            before.put(png, sha256(png));
            times.put(png, Files.getLastModifiedTime(png));
        }
        System.out.println("killed after " + before.size() + " images");
        assertThat(before.size()).isBetween(6, 29);

        Path log2 = dir.resolve("run2.log");
        Process second = generate(prompts, out, log2);
        assertThat(second.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(log2, StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(second.exitValue()).isZero();
        assertThat(text).contains("30 of 30 image(s)").contains(before.size() + " resumed (already written), "
                + (30 - before.size()) + " generated now");
        assertThat(pngs(jobDir)).hasSize(30);
        for (Map.Entry<Path, String> e : before.entrySet()) {
            assertThat(sha256(e.getKey())).as("bytes of " + e.getKey()).isEqualTo(e.getValue());
            assertThat(Files.getLastModifiedTime(e.getKey())).as("mtime of " + e.getKey()).isEqualTo(times.get(e.getKey()));
        }
        try (Stream<Path> files = Files.list(jobDir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
        List<DatasetParquet.Row> rows = DatasetParquet.read(jobDir.resolve("metadata.parquet"));
        assertThat(rows).hasSize(30).allMatch(r -> r.status().equals("success") && r.sha256() != null);
        // nothing library-made on the terminal: the logs went to the job's hart.log
        assertThat(text).doesNotContain("WARN").doesNotContain("INFO");
    }

    private static Process generate(Path prompts, Path out, Path log) throws IOException {
        Path demo = ModelOptions.demoCheckpoint().orElseThrow();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), HartCli.class.getName(),
                "generate", "--prompts", prompts.toString(), "--out", out.toString(), "--job", "resume-test",
                "--checkpoint", demo.toString(), "--batch-size", "1");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("TORCH_CPP_LOG_LEVEL", "ERROR");
        return pb.start();
    }

    private static List<Path> pngs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
