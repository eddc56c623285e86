package dev.hart.cli.bench;

import dev.hart.cli.ModelOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hart bench}: model-only timings per part (text encoder, AR transformer per scale, residual diffusion,
 * decoder) with analytic MACs against a measured matmul peak, and end-to-end runs of the pipeline against direct
 * in-process generation. Prints tables and writes JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure per-stage throughput and latency, the pipeline's overhead and peak memory.",
                "Prints tables and writes a JSON file.",
                "On a shared or loaded machine the numbers are noisy: compare runs taken under the same conditions."})
public final class BenchCommand implements Callable<Integer> {

    /** Named configs with seeded random weights that are benchmarked at reduced batch sizes (they are large). */
    static final String BIG_PREFIX = "hart-0.7b";
    /** The model of the one-line summary (the shape the reference was measured at). */
    static final String SUMMARY_CONFIG = "hart-0.7b-256px";

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Small sweep that finishes in a few minutes: fewer batch sizes and samples, "
            + "2 text-encoder layers, 0.7b shape at batch 1 only.")
    boolean quick;

    @Option(names = "--mode", defaultValue = "all", description = "all, model (model-only parts) or pipeline (end to end). Default: ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--configs", split = ",", description = "Models to run: named configs (tiny-a, tiny-b, hart-0.7b-256px, "
            + "hart-0.7b-1024px; random weights) and/or 'demo'. Default: demo (when found), tiny-a, tiny-b, hart-0.7b-256px.")
    List<String> configs;

    @Option(names = "--demo-checkpoint", description = "The demo checkpoint directory (official layout). Default: "
            + "checkpoints/demo in the project, as hart generate finds it.")
    Path demoCheckpoint;

    @Option(names = "--batch-sizes", split = ",", description = "Batch sweep for small models. Default: 1,4 (quick) or 1,2,4,8,16.")
    List<Integer> batchSizes;

    @Option(names = "--big-batch-sizes", split = ",", description = "Batch sweep for the 0.7b shapes. Default: 1 (quick) or 1,2,4.")
    List<Integer> bigBatchSizes;

    @Option(names = "--samples", description = "Most timed calls per cell. Default: 3 (quick) or 10.")
    Integer samples;

    @Option(names = "--warmup", description = "Untimed calls per cell (skipped for calls expected to exceed ~3 s). Default: 1.")
    int warmup = 1;

    @Option(names = "--budget-s", description = "Time budget per cell in seconds (at least one call is timed). Default: 5 (quick) or 30.")
    Double budgetSeconds;

    @Option(names = "--text-layers", description = "Qwen2 decoder layers run for the text encoder (time scaled to 28). Default: 2 (quick) or 4.")
    Integer textLayers;

    @Option(names = "--requests", description = "Requests per end-to-end run. Default: 8 (quick) or 32.")
    Integer requests;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (the CUDA build, mvn -Pcuda; deploy/GPU.md). Default: ${DEFAULT-VALUE}")
    String device;

    @Option(names = "--json", description = "JSON output file. Default: ${DEFAULT-VALUE}", defaultValue = "bench-results.json")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (!List.of("all", "model", "pipeline").contains(mode)) {
            throw new ParameterException(spec.commandLine(), "--mode must be all, model or pipeline, got '" + mode + "'");
        }
        System.setProperty("ai.djl.offline", "true");
        // the embedded broker logs at INFO by default: keep the bench output readable (before the first logger)
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintStream out = System.out;
        long start = System.nanoTime();
        BenchResults results = new BenchResults();
        results.machine = machine();
        List<String> models = resolveConfigs(results);   // bad names fail before anything is measured
        try {
            dev.hart.model.nn.ComputeDevice.select(device);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        out.printf(Locale.ROOT, "hart bench%s: %d cpus, load average %.1f%n", quick ? " --quick" : "", results.machine.cpus(),
                results.machine.loadAverage());

        // load the native engine before any JNI call (setGradMode needs the library loaded)
        ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
        out.println("engine " + engine.getEngineName() + " " + engine.getVersion() + "; measuring the matmul peak (1024^3 f32) ...");
        results.matmulPeak = MatmulPeak.measure(1024, 3, quick ? 10 : 30);
        out.printf(Locale.ROOT, "  best %.1f GFLOP/s, median %.1f GFLOP/s%n", results.matmulPeak.bestGflops(),
                results.matmulPeak.medianGflops());
        double peak = results.matmulPeak.bestGflops();
        mark(results, "matmul peak");

        TimingLoop loop = new TimingLoop(warmup, samples != null ? samples : quick ? 3 : 10,
                budgetSeconds != null ? budgetSeconds : quick ? 5 : 30);
        if (!mode.equals("pipeline")) {
            for (String name : models) {
                boolean big = name.startsWith(BIG_PREFIX);
                List<Integer> batches = big ? orDefault(bigBatchSizes, quick ? List.of(1) : List.of(1, 2, 4))
                        : orDefault(batchSizes, quick ? List.of(1, 4) : List.of(1, 2, 4, 8, 16));
                // the diffusion and decoder stages take larger batches than the transformer: also measure 8
                List<Integer> stageBatches = quick ? batches
                        : java.util.stream.Stream.concat(batches.stream(), java.util.stream.Stream.of(8)).distinct().sorted().toList();
                out.println("model " + name + ", batches " + batches + " (diffusion and decoder " + stageBatches + ") ...");
                try (BenchModel src = source(name)) {
                    new ModelBench(src, loop, peak, out::println).run(batches, stageBatches, results);
                }
                mark(results, "model " + name);
            }
            int layers = textLayers != null ? textLayers : quick ? 2 : 4;
            List<Integer> textBatches = quick ? List.of(1) : List.of(1, 4);
            out.println("text encoder (Qwen2-1.5B shape, random weights), batches " + textBatches + " ...");
            new TextEncoderBench(layers, loop, peak, out::println).run(textBatches, results);
            mark(results, "text encoder");
        }
        if (!mode.equals("model")) {
            PipelineModes.run(this, models, results, out);
        }
        // the peak again at the end: on a shared machine the load changes during the run; the report keeps the best
        MatmulPeak.Result end = MatmulPeak.measure(1024, 1, quick ? 10 : 30);
        out.printf(Locale.ROOT, "matmul peak at the end: best %.1f GFLOP/s, median %.1f GFLOP/s%n", end.bestGflops(),
                end.medianGflops());
        results.matmulPeakEnd = end;
        results.totalSeconds = (System.nanoTime() - start) / 1e9;
        BenchReport.printTables(results, out);
        BenchReport.writeJson(results, json);
        out.println("wrote " + json.toAbsolutePath());
        BenchReport.summaryLine(results, SUMMARY_CONFIG).ifPresent(out::println);
        return 0;
    }

    boolean quick() {
        return quick;
    }

    int requests() {
        return requests != null ? requests : quick ? 8 : 32;
    }

    BenchModel source(String name) {
        if (name.equals("demo")) {
            return BenchModel.checkpoint("demo", demoDir());
        }
        return BenchModel.named(name);
    }

    private List<String> resolveConfigs(BenchResults results) {
        if (configs != null && !configs.isEmpty()) {
            for (String c : configs) {
                if (!c.equals("demo") && !dev.hart.model.config.NamedConfigs.names().contains(c)) {
                    throw new ParameterException(spec.commandLine(), "--configs: unknown model '" + c + "'; known: demo, "
                            + String.join(", ", dev.hart.model.config.NamedConfigs.names()));
                }
                if (c.equals("demo") && !Files.isDirectory(demoDir().resolve("llm"))) {
                    throw new ParameterException(spec.commandLine(), "--configs demo: no demo checkpoint at " + demoDir()
                            + " (pass --demo-checkpoint DIR)");
                }
            }
            return configs;
        }
        List<String> list = new ArrayList<>();
        if (Files.isDirectory(demoDir().resolve("llm"))) {
            list.add("demo");
        } else {
            results.skipped.add("demo: no checkpoint at " + demoDir());
        }
        list.addAll(List.of("tiny-a", "tiny-b", "hart-0.7b-256px"));
        return list;
    }

    /** --demo-checkpoint, else the committed demo checkpoint as {@code hart generate} finds it. */
    private Path demoDir() {
        if (demoCheckpoint != null) {
            return demoCheckpoint;
        }
        return ModelOptions.demoCheckpoint().orElse(Path.of(System.getProperty("hart.home", ".")).resolve("checkpoints").resolve("demo"));
    }

    private List<Integer> orDefault(List<Integer> given, List<Integer> fallback) {
        if (given == null || given.isEmpty()) {
            return fallback;
        }
        for (int b : given) {
            if (b < 1) {
                throw new ParameterException(spec.commandLine(), "batch sizes must be >= 1, got " + b);
            }
        }
        return given;
    }

    static void mark(BenchResults r, String phase) {
        r.memory.add(new BenchResults.MemoryMark(phase, MemoryProbe.heapPeakBytes(), MemoryProbe.rssPeakBytes().orElse(-1)));
    }

    private static BenchResults.Machine machine() {
        String omp = System.getenv("OMP_WAIT_POLICY");
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cpus = Runtime.getRuntime().availableProcessors();
        String note = load > cpus ? "machine busy: load above core count, timings inflated" : "";
        return new BenchResults.Machine(cpus, omp == null ? "(unset)" : omp, "Java " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), load, note);
    }
}
