package dev.hart.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hart.cli.HartCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hart bench --mode model} on the smallest config: tables printed, JSON written with every part. */
class BenchCommandTest {

    @Test
    void modelModePrintsTablesAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out.json");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = new CommandLine(new HartCli()).execute("bench", "--mode", "model", "--configs", "tiny-a",
                    "--batch-sizes", "1,2", "--samples", "1", "--warmup", "0", "--text-layers", "1", "--json", json.toString());
        } finally {
            System.setOut(old);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("Model parts", "AR transformer per scale", "Peak memory", "% peak");

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.path("matmulPeak").path("bestGflops").asDouble()).isPositive();
        Set<String> parts = new HashSet<>();
        for (JsonNode p : root.path("parts")) {
            parts.add(p.path("part").asText() + "@" + p.path("batch").asInt());
            assertThat(p.path("latency").path("p50Ms").asDouble()).isPositive();
        }
        // the diffusion and decoder stages are also measured at batch 8; the text encoder at 40 and 300 tokens
        assertThat(parts).contains("ar@1", "ar@2", "diffusion@1", "diffusion@2", "diffusion@8", "decoder@1", "decoder@2",
                "decoder@8", "png@1", "text-encoder-40@1", "text-encoder-300@1");
        assertThat(text).doesNotContain("model s/img:");   // the summary is for hart-0.7b-256px only
        // tiny-a has 6 scales, timed at both batch sizes; shares of one batch size add up to 1
        assertThat(root.path("scales")).hasSize(12);
        double share = 0;
        for (JsonNode s : root.path("scales")) {
            if (s.path("batch").asInt() == 1) {
                share += s.path("shareOfAr").asDouble();
            }
        }
        assertThat(share).isBetween(0.999, 1.001);
        assertThat(root.path("memory").get(0).path("heapPeakBytes").asLong()).isPositive();
    }

    @Test
    void summaryLineAddsThePartsPerImage() {
        BenchResults r = new BenchResults();
        part(r, "hart-0.7b-256px", "ar", 1, 10_000);
        part(r, "hart-0.7b-256px", "diffusion", 1, 1_500);
        part(r, "hart-0.7b-256px", "decoder", 1, 2_000);
        part(r, "hart-0.7b-256px", "ar", 4, 32_000);
        part(r, "hart-0.7b-256px", "diffusion", 4, 5_600);
        part(r, "hart-0.7b-256px", "decoder", 4, 8_000);
        part(r, "qwen2-1.5b", "text-encoder-40", 1, 700);
        part(r, "qwen2-1.5b", "text-encoder-300", 1, 5_000);
        assertThat(BenchReport.summaryLine(r, "hart-0.7b-256px")).hasValue("model s/img: b1 13.50 b4 11.40 (text 0.70)");
        assertThat(BenchReport.summaryLine(r, "tiny-a")).isEmpty();
    }

    private static void part(BenchResults r, String config, String part, int batch, double ms) {
        r.parts.add(new BenchResults.PartTiming(config, part, batch, 1, LatencyStats.of(java.util.List.of(ms)), batch * 1000 / ms,
                0, 0, 0, ""));
    }

    @Test
    void badModeIsAClearError() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new HartCli());
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute("bench", "--mode", "nonsense");
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--mode must be all, model or pipeline").doesNotContain("Exception");
    }

    @Test
    void unknownModelIsAClearError() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new HartCli());
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute("bench", "--configs", "tiny-z");
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("unknown model 'tiny-z'", "tiny-a").doesNotContain("Exception");
    }
}
