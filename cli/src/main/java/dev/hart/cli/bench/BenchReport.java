package dev.hart.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders {@link BenchResults} as readable tables and as JSON. */
final class BenchReport {

    private BenchReport() {
    }

    static void writeJson(BenchResults r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), r);
    }

    static void printTables(BenchResults r, PrintStream out) {
        BenchResults.Machine m = r.machine;
        out.println();
        out.printf(Locale.ROOT, "machine: %d cpus, OMP_WAIT_POLICY=%s, %s, load average %.1f at start%s%n", m.cpus(),
                m.ompWaitPolicy(), m.javaVersion(), m.loadAverage(), m.note().isEmpty() ? "" : " (" + m.note() + ")");
        if (r.matmulPeak != null) {
            out.printf(Locale.ROOT, "peak: %d^3 f32 matmul (DJL) best %.1f GFLOP/s, median %.1f GFLOP/s over %d calls%n",
                    r.matmulPeak.n(), r.matmulPeak.bestGflops(), r.matmulPeak.medianGflops(), r.matmulPeak.calls());
        }
        if (r.matmulPeakEnd != null) {
            out.printf(Locale.ROOT, "      again at the end: best %.1f GFLOP/s, median %.1f GFLOP/s (%% peak below uses the start value)%n",
                    r.matmulPeakEnd.bestGflops(), r.matmulPeakEnd.medianGflops());
        }
        if (!r.parts.isEmpty()) {
            out.println();
            out.println("Model parts (model-only; latency per batch call, throughput = batch / mean, MACs analytic)");
            Table t = new Table("config", "part", "batch", "n", "p50 ms", "p95 ms", "img/s", "MMAC/img", "GFLOP/s", "% peak", "note");
            for (BenchResults.PartTiming p : r.parts) {
                t.row(p.config(), p.part(), p.batch(), p.latency().count(), f1(p.latency().p50Ms()), f1(p.latency().p95Ms()),
                        f2(p.imagesPerSecond()), p.macsPerCall() > 0 ? f1(p.macsPerCall() / p.batch() / 1e6) : "-",
                        p.macsPerCall() > 0 ? f1(p.gflops()) : "-", p.macsPerCall() > 0 ? f1(100 * p.peakFraction()) : "-", p.note());
            }
            t.print(out);
            printShares(r, out);
        }
        if (!r.scales.isEmpty()) {
            out.println();
            out.println("AR transformer per scale (mean over the timed calls; scale si>0 includes the previous scale's next-input step)");
            Table t = new Table("config", "batch", "scale", "pn", "tokens", "ms", "% of AR", "MMAC", "GFLOP/s");
            for (BenchResults.ScaleTiming s : r.scales) {
                t.row(s.config(), s.batch(), s.scale(), s.patchNum(), s.queryTokens(), f1(s.millis()), f1(100 * s.shareOfAr()),
                        f1(s.macs() / 1e6), f1(s.gflops()));
            }
            t.print(out);
        }
        if (!r.pipeline.isEmpty()) {
            out.println();
            out.println("End to end (N requests; pipeline = embedded Kafka broker + registry + stages in this JVM)");
            Table t = new Table("config", "path", "requests", "batch", "wall s", "img/s", "vs direct", "p50 ms", "p95 ms", "stage model s", "note");
            Map<String, Double> direct = new LinkedHashMap<>();
            for (BenchResults.PipelineRun p : r.pipeline) {
                if (p.path().equals("direct")) {
                    direct.put(p.config(), p.imagesPerSecond());
                }
            }
            for (BenchResults.PipelineRun p : r.pipeline) {
                Double d = direct.get(p.config());
                t.row(p.config(), p.path(), p.requests(), p.batchSize(), f1(p.wallSeconds()), f2(p.imagesPerSecond()),
                        d == null || p.path().equals("direct") ? "-" : String.format(Locale.ROOT, "%.2fx", d / p.imagesPerSecond()),
                        p.requestLatency() == null ? "-" : f1(p.requestLatency().p50Ms()),
                        p.requestLatency() == null ? "-" : f1(p.requestLatency().p95Ms()),
                        stageSeconds(p.stageModelSeconds()), p.note());
            }
            t.print(out);
        }
        if (!r.memory.isEmpty()) {
            out.println();
            out.println("Peak memory (process-wide peaks, cumulative: each phase includes the earlier ones)");
            Table t = new Table("after", "heap peak MiB", "RSS peak (VmHWM) MiB");
            for (BenchResults.MemoryMark mm : r.memory) {
                t.row(mm.phase(), mm.heapPeakBytes() >> 20, mm.rssPeakBytes() < 0 ? "n/a" : String.valueOf(mm.rssPeakBytes() >> 20));
            }
            t.print(out);
        }
        for (String s : r.skipped) {
            out.println("skipped: " + s);
        }
        out.printf(Locale.ROOT, "%ntotal %.0f s%n", r.totalSeconds);
    }

    /** Per config at batch 1: each part's share of one image's model time (text encoder from the qwen2 rows). */
    private static void printShares(BenchResults r, PrintStream out) {
        Double text = null;
        for (BenchResults.PartTiming p : r.parts) {
            if (p.part().equals("text-encoder-" + TextEncoderBench.TOKENS) && p.batch() == 1) {
                text = p.latency().meanMs();
            }
        }
        Set<String> configs = new LinkedHashSet<>();
        r.parts.stream().filter(p -> !p.part().startsWith("text-encoder")).forEach(p -> configs.add(p.config()));
        if (configs.isEmpty()) {
            return;
        }
        out.println();
        out.println("Per-image model time at batch 1 and each stage's share (text encoder = Qwen2-1.5B shape, where its"
                + " context width fits)");
        Table t = new Table("config", "text ms", "ar ms", "diffusion ms", "decoder+png ms", "total ms", "text %", "ar %",
                "diffusion %", "decoder %");
        for (String c : configs) {
            double ar = mean(r.parts, c, "ar");
            double diff = mean(r.parts, c, "diffusion");
            double dec = mean(r.parts, c, "decoder") + Math.max(0, mean(r.parts, c, "png"));
            if (ar < 0 || diff < 0 || dec < 0) {
                continue;
            }
            boolean realText = text != null && c.startsWith("hart-");
            double tx = realText ? text : 0;
            double total = tx + ar + diff + dec;
            t.row(c, realText ? f1(tx) : "-", f1(ar), f1(diff), f1(dec), f1(total), realText ? f1(100 * tx / total) : "-",
                    f1(100 * ar / total), f1(100 * diff / total), f1(100 * dec / total));
        }
        t.print(out);
    }

    /**
     * {@code model s/img: b1 X b4 Y (text Z)}: AR + diffusion + decoder seconds per image (median call / batch) at
     * batch 1 and 4 for {@code config}, and the text encoder on a {@link TextEncoderBench#REAL_TOKENS}-token prompt at
     * batch 1; "-" for what was not measured. Empty when the config was not run.
     */
    static java.util.Optional<String> summaryLine(BenchResults r, String config) {
        double b1 = perImage(r, config, 1);
        double b4 = perImage(r, config, 4);
        if (b1 < 0 && b4 < 0) {
            return java.util.Optional.empty();
        }
        double text = -1;
        for (BenchResults.PartTiming p : r.parts) {
            if (p.part().equals("text-encoder-" + TextEncoderBench.REAL_TOKENS) && p.batch() == 1) {
                text = p.latency().p50Ms() / 1000;
            }
        }
        return java.util.Optional.of("model s/img: b1 " + f2OrDash(b1) + " b4 " + f2OrDash(b4) + " (text " + f2OrDash(text) + ")");
    }

    private static double perImage(BenchResults r, String config, int batch) {
        double sum = 0;
        for (String part : List.of("ar", "diffusion", "decoder")) {
            BenchResults.PartTiming t = r.parts.stream()
                    .filter(p -> p.config().equals(config) && p.part().equals(part) && p.batch() == batch)
                    .findFirst().orElse(null);
            if (t == null) {
                return -1;
            }
            sum += t.latency().p50Ms() / batch / 1000;
        }
        return sum;
    }

    private static String f2OrDash(double v) {
        return v < 0 ? "-" : f2(v);
    }

    private static double mean(List<BenchResults.PartTiming> parts, String config, String part) {
        for (BenchResults.PartTiming p : parts) {
            if (p.config().equals(config) && p.part().equals(part) && p.batch() == 1) {
                return p.latency().meanMs();
            }
        }
        return -1;
    }

    private static String stageSeconds(Map<String, Double> m) {
        if (m == null || m.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(f1(v)));
        return sb.toString();
    }

    static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** A plain-text table with columns sized to their widest cell. */
    static final class Table {
        private final List<String> header;
        private final List<List<String>> rows = new java.util.ArrayList<>();

        Table(String... header) {
            this.header = List.of(header);
        }

        void row(Object... cells) {
            List<String> r = new java.util.ArrayList<>();
            for (Object c : cells) {
                r.add(String.valueOf(c));
            }
            rows.add(r);
        }

        void print(PrintStream out) {
            int[] w = new int[header.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = header.get(i).length();
                for (List<String> r : rows) {
                    w[i] = Math.max(w[i], r.get(i).length());
                }
            }
            line(out, header, w);
            StringBuilder sep = new StringBuilder();
            for (int x : w) {
                sep.append("-".repeat(x)).append("  ");
            }
            out.println(sep.toString().stripTrailing());
            for (List<String> r : rows) {
                line(out, r, w);
            }
        }

        private static void line(PrintStream out, List<String> cells, int[] w) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                String c = cells.get(i);
                boolean numeric = !c.isEmpty() && (Character.isDigit(c.charAt(0)) || c.charAt(0) == '-') && i > 0;
                sb.append(numeric ? " ".repeat(w[i] - c.length()) + c : c + " ".repeat(w[i] - c.length())).append("  ");
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
