package dev.hart.cli;

import dev.hart.cli.generate.ImageCollector;
import dev.hart.cli.generate.StageModels;
import dev.hart.cli.generate.PipelineStages;
import dev.hart.ingest.IngestConfig;
import dev.hart.ingest.PromptIngestApp;
import dev.hart.ingest.PromptPublisher;
import dev.hart.ingest.PromptRules;
import dev.hart.ingest.TopicDefinitions;
import dev.hart.runtime.broker.EmbeddedKafkaProcess;
import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.runtime.registry.EmbeddedSchemaRegistry;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.stage.ar.Topology;
import dev.hart.stage.decoder.DirectorySink;
import dev.hart.stage.decoder.ImageSink;
import dev.hart.stage.decoder.WebDatasetSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code hart generate}: the whole pipeline embedded in one command. A single-node Kafka broker in a child JVM, the
 * embedded schema registry, the prompt-ingest Streams app and all model stages in this JVM; publishes the prompts, shows progress, writes the images
 * and a {@code manifest.jsonl}, prints a timing summary and shuts everything down.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images from prompts with everything embedded (broker, registry, all stages) in one command.")
public final class GenerateCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "a prompt (repeatable)")
        List<String> prompts;

        @Option(names = "--prompts", paramLabel = "FILE", description = "text file, one prompt per line (blank lines and # comments skipped)")
        Path file;
    }

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "hart-out",
            description = "output folder; images go to DIR/<job>/ (default: ./hart-out)")
    Path out;

    @Option(names = "--job", paramLabel = "ID", description = "job id (default job-<date>-<time>)")
    String job;

    @Option(names = "--topology", paramLabel = "fused|split", defaultValue = "fused",
            description = "fused: residual diffusion inside the ar-stage; split: ar -> diffusion -> decoder (default fused)")
    String topology;

    @Option(names = "--wire-dtype", paramLabel = "f32|f16", defaultValue = "f32",
            description = "float type of the ar-output tensors in split topology (default f32)")
    String wireDtype;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the first prompt; prompt i gets seed + i (default 1)")
    long seed;

    @Option(names = "--batch-size", defaultValue = "8", description = "most requests per transformer batch (default 8)")
    int batchSize;

    @Option(names = "--sink", paramLabel = "dir|webdataset", defaultValue = "dir",
            description = "dir: DIR/<job>/<request>.png + .json; webdataset: DIR/<job>/00000.tar shards (default dir)")
    String sink;

    @Option(names = "--shard-size", defaultValue = "1000", description = "images per WebDataset shard (default 1000)")
    int shardSize;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600", description = "give up after this long (default 3600)")
    long timeoutSeconds;

    @Mixin
    ModelOptions model;

    @Option(names = "--verbose", description = "log everything (broker, clients, stages) instead of warnings only")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        String level = verbose ? "info" : "warn";
        // before the first logger exists: the broker, clients and stages are chatty at info
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        PrintStream o = System.out;
        List<String> prompts = readPrompts();
        String jobId = job != null ? job : "job-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Topology topo = Topology.parse(topology);
        TensorDType wire = wireType(wireDtype);
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        StageModels models = model.resolve();
        o.println("Model: " + models.describe());
        if (model.isDefault()) {
            o.println(ModelOptions.demoCheckpoint()
                    .map(d -> "No --checkpoint given: using the demo checkpoint at " + d
                            + " (a tiny HART trained by 'hart train-demo' on captioned coloured shapes, 32x32 px).")
                    .orElse("No --checkpoint given and no checkpoints/demo folder: using --random-weights "
                            + ModelOptions.DEFAULT_RANDOM
                            + " (seeded random weights; images are noise-like patterns, not pictures of the prompt)."));
        }
        Path jobDir = out.toAbsolutePath().normalize().resolve(dev.hart.stage.decoder.SafeNames.of(jobId));
        o.printf("Job %s: %d prompt(s), %s topology, images to %s%n", jobId, prompts.size(), topo.name().toLowerCase(), jobDir);

        long t0 = System.nanoTime();
        try (EmbeddedKafkaProcess kafka = new EmbeddedKafkaProcess(null, Map.of(),
                List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level)).start(120, TimeUnit.SECONDS)) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicDefinitions.createAll(admin, 2, Optional.of((short) 1));
            }
            Path state = Files.createTempDirectory("hart-ingest-state");
            try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(bootstrap).start();
                 ImageSink imageSink = sink(jobDir)) {
                PipelineSerdes serdes = PipelineSerdes.forRegistry(registry.url());
                o.printf("Embedded Kafka (child JVM pid %d) at %s, schema registry at %s%n", kafka.pid(), bootstrap, registry.url());
                ImageCollector.Result result;
                try (PromptIngestApp ingest = new PromptIngestApp(IngestConfig.builder(bootstrap, registry.url())
                        .rules(PromptRules.defaults(models.checkpointId())).httpPort(-1).stateDir(state)
                        .createTopics(false).build()).start();
                     PipelineStages stages = PipelineStages.start(bootstrap, serdes, models, topo, wire, batchSize, imageSink)) {
                    List<PromptEvent> events = events(jobId, prompts, models.checkpointId());
                    try (PromptPublisher publisher = new PromptPublisher(Map.of("bootstrap.servers", bootstrap,
                            "schema.registry.url", registry.url()))) {
                        var report = publisher.publish(events);
                        if (!report.ok()) {
                            throw new IllegalStateException("Publishing the prompts failed: " + report.firstSendError());
                        }
                    }
                    o.println("Published " + events.size() + " prompt event(s) to " + TopicDefinitions.PROMPT_EVENTS
                            + "; prompt-ingest validates them into " + TopicDefinitions.REQUESTS);
                    Set<String> ids = events.stream().map(e -> e.getRequestId().toString()).collect(Collectors.toSet());
                    ProgressBar bar = new ProgressBar(System.err, events.size());
                    result = ImageCollector.collect(bootstrap, Map.of(), serdes, ids, Duration.ofSeconds(timeoutSeconds),
                            Duration.ZERO, bar::update);
                    bar.done();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                Path manifest = writeManifest(jobDir, result);
                report(o, result, prompts.size(), secs, jobDir, manifest);
                return result.images().size() == prompts.size() ? 0 : 1;
            }
        }
    }

    /** One event per prompt: request id {@code <job>-<index>}, seed {@code --seed + index}, reference defaults. */
    private List<PromptEvent> events(String jobId, List<String> prompts, String checkpointId) {
        List<PromptEvent> out = new ArrayList<>(prompts.size());
        long now = System.currentTimeMillis();
        for (int i = 0; i < prompts.size(); i++) {
            out.add(PromptEvent.newBuilder().setPrompt(prompts.get(i)).setRequestId(String.format("%s-%05d", jobId, i))
                    .setJobId(jobId).setSeed(seed + i).setCheckpointId(checkpointId).setCreatedAtMs(now).build());
        }
        return out;
    }

    private List<String> readPrompts() throws IOException {
        List<String> list = new ArrayList<>();
        if (input.file != null) {
            if (!Files.isRegularFile(input.file)) {
                throw new IllegalArgumentException("--prompts file not found: " + input.file.toAbsolutePath());
            }
            for (String line : Files.readAllLines(input.file, StandardCharsets.UTF_8)) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    list.add(s);
                }
            }
        } else {
            for (String p : input.prompts) {
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException("--prompt must not be empty");
                }
                list.add(p.strip());
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no prompts given (the --prompts file holds none)");
        }
        return list;
    }

    static TensorDType wireType(String s) {
        return switch (s.trim().toLowerCase()) {
            case "f32", "fp32", "float32" -> TensorDType.F32;
            case "f16", "fp16", "float16" -> TensorDType.F16;
            default -> throw new IllegalArgumentException("--wire-dtype must be f32 or f16, got '" + s + "'");
        };
    }

    private ImageSink sink(Path jobDir) throws IOException {
        return switch (sink.trim().toLowerCase()) {
            case "dir" -> new DirectorySink(jobDir.getParent());
            case "webdataset" -> new WebDatasetSink(jobDir, shardSize);
            default -> throw new IllegalArgumentException("--sink must be dir or webdataset, got '" + sink + "'");
        };
    }

    /** One JSON line per image, in request order: request id, prompt, seed, URI, sha256, timings. */
    static Path writeManifest(Path jobDir, ImageCollector.Result result) throws IOException {
        Files.createDirectories(jobDir);
        Path manifest = jobDir.resolve("manifest.jsonl");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder b = new StringBuilder();
        for (GeneratedImage img : new TreeMap<>(result.images()).values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("requestId", img.getRequest().getRequestId());
            row.put("prompt", img.getRequest().getPrompt());
            row.put("seed", img.getRequest().getSeed());
            row.put("image", img.getImageUri());
            row.put("width", img.getWidth());
            row.put("height", img.getHeight());
            row.put("sha256", img.getSha256());
            row.put("checkpoint", img.getCheckpointId());
            row.put("timingsMs", new TreeMap<>(img.getStageTimingsMs()));
            b.append(json.writeValueAsString(row)).append('\n');
        }
        for (var d : result.failed().values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("requestId", d.getRequestId());
            row.put("failed", d.getErrorClass() + ": " + d.getErrorMessage());
            row.put("stage", d.getStage());
            b.append(json.writeValueAsString(row)).append('\n');
        }
        Files.writeString(manifest, b.toString(), StandardCharsets.UTF_8);
        return manifest;
    }

    private static void report(PrintStream o, ImageCollector.Result result, int expected, double secs, Path jobDir,
                               Path manifest) {
        o.printf("%d of %d image(s) in %.1f s (%.2f images/s including start-up) in %s%n", result.images().size(),
                expected, secs, result.images().size() / secs, jobDir);
        o.println("Manifest: " + manifest);
        Map<String, long[]> sums = new TreeMap<>();
        for (GeneratedImage img : result.images().values()) {
            img.getStageTimingsMs().forEach((k, v) -> {
                long[] s = sums.computeIfAbsent(k, x -> new long[2]);
                s[0] += v;
                s[1]++;
            });
        }
        if (!sums.isEmpty()) {
            o.println("Per-stage time per image (mean ms; ar is the batch time shared out over its requests):");
            sums.forEach((k, s) -> o.printf("  %-10s %8.1f%n", k, s[0] / (double) s[1]));
        }
        if (!result.failed().isEmpty()) {
            o.println(result.failed().size() + " request(s) failed:");
            result.failed().forEach((id, d) -> o.println("  " + id + " [" + d.getStage() + "] " + d.getErrorMessage()));
        }
        if (result.images().size() + result.failed().size() < expected) {
            o.println((expected - result.images().size() - result.failed().size()) + " request(s) timed out");
        }
    }

    /** A one-line progress bar on a terminal stream. */
    static final class ProgressBar {
        private final PrintStream out;
        private final int total;

        ProgressBar(PrintStream out, int total) {
            this.out = out;
            this.total = total;
            update(0, 0);
        }

        synchronized void update(int done, int failed) {
            int width = 30;
            int filled = total == 0 ? width : (int) ((long) (done + failed) * width / total);
            out.printf("\r[%s%s] %d/%d images%s", "#".repeat(filled), ".".repeat(width - filled), done, total,
                    failed > 0 ? ", " + failed + " failed" : "");
            out.flush();
        }

        void done() {
            out.println();
        }
    }
}
