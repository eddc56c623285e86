package dev.hart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hart.cli.generate.ImageCollector;
import dev.hart.cli.generate.JobState;
import dev.hart.cli.generate.PipelineStages;
import dev.hart.cli.generate.StageModels;
import dev.hart.ingest.IngestConfig;
import dev.hart.ingest.PromptFileFormat;
import dev.hart.ingest.PromptFileReader;
import dev.hart.ingest.PromptIngestApp;
import dev.hart.ingest.PromptPublisher;
import dev.hart.ingest.PromptRules;
import dev.hart.ingest.PromptValidator;
import dev.hart.ingest.Rejection;
import dev.hart.ingest.RequestExpander;
import dev.hart.ingest.RequestIds;
import dev.hart.runtime.EmbeddedStack;
import dev.hart.runtime.broker.EmbeddedKafkaProcess;
import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.stage.ar.StageTopology;
import dev.hart.stage.decoder.DatasetParquet;
import dev.hart.stage.decoder.DirectorySink;
import dev.hart.stage.decoder.ImageSink;
import dev.hart.stage.decoder.SafeNames;
import dev.hart.stage.decoder.WebDatasetSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code hart generate}: the whole pipeline embedded in one command. A single-node Kafka broker in a child JVM, the
 * embedded schema registry, the prompt-ingest Streams app and all model stages in this JVM; publishes the prompts,
 * shows progress, writes the images and the job's metadata ({@code metadata.parquet} + {@code _stats.json}).
 *
 * <p>A job is resumable: its broker data, ingest state and logs live in a persistent state folder ({@code --state},
 * default {@code <out>/<job>/.hart-state}), request ids follow from the job, the prompt's position and its text
 * ({@link RequestIds}), and images already written are skipped. Running the same command again after Ctrl-C,
 * {@code kill -9} or a reboot continues where the job stopped and never writes an image twice.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate images from prompts with everything embedded (broker, registry, all stages) in one command.",
                "Resumable: run the same command (same --job and --out) again and it continues; finished images are"
                        + " kept, not regenerated."})
public final class GenerateCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "a prompt (repeatable)")
        List<String> prompts;

        @Option(names = "--prompts", paramLabel = "FILE",
                description = "prompt file: .txt one prompt per line (blank lines and # comments skipped), .jsonl or"
                        + " .csv with PromptEvent fields (as hart ingest)")
        Path file;
    }

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "hart-out",
            description = "output folder; images go to DIR/<job>/ (default: ./hart-out)")
    Path out;

    @Option(names = "--job", paramLabel = "NAME",
            description = "job name; running again with the same name resumes the job (default job-<date>-<time>)")
    String job;

    @Option(names = "--state", paramLabel = "DIR",
            description = "the job's state: broker data, ingest state, logs (default DIR/<job>/.hart-state)")
    Path state;

    @Option(names = "--topology", paramLabel = "fused|split", defaultValue = "fused",
            description = "fused: residual diffusion inside the ar-stage; split: ar -> diffusion -> decoder (default fused)")
    String topology;

    @Option(names = "--wire-dtype", paramLabel = "f32|f16", defaultValue = "f32",
            description = "float type of the ar-output tensors in split topology (default f32)")
    String wireDtype;

    @Option(names = "--seed", defaultValue = "1",
            description = "base seed: prompt i gets seed + i x images-per-prompt, its image k that + k (default 1, as the reference)")
    long seed;

    @Option(names = "--cfg", paramLabel = "SCALE", description = "classifier-free guidance scale, 0..50 (default: the"
            + " checkpoint's default_cfg in llm/config.json, 1 for the demo checkpoint; else 4.5, the reference's)")
    Float cfg;

    @Option(names = "--top-k", paramLabel = "K",
            description = "top-k, 0..vocabulary size (default: the reference's per-scale 600/300)")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "top-p, 0..1; 0 = off (default 0)")
    Float topP;

    @Option(names = "--diffusion-steps", paramLabel = "N",
            description = "residual diffusion steps, 1..100 (the schedule respaced as the reference does); default: the"
                    + " checkpoint's num_sampling_steps (8)")
    Integer diffusionSteps;

    @Option(names = "--more-smooth", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "gumbel smoothing of the token embeddings (the reference's more_smooth; default on)")
    boolean moreSmooth;

    @Option(names = "--system-prompt", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "prefix prompts with the LLM system prompt (the reference's use_llm_system_prompt; default on)")
    boolean systemPrompt;

    @Option(names = "--images-per-prompt", paramLabel = "N", defaultValue = "1",
            description = "images per prompt, 1..100 (default 1)")
    int imagesPerPrompt;

    @Option(names = "--batch-size", defaultValue = "8", description = "most requests per transformer batch (default 8)")
    int batchSize;

    @Option(names = "--sink", paramLabel = "dir|webdataset", defaultValue = "dir",
            description = "dir: DIR/<job>/<request>.png + .json; webdataset: DIR/<job>/00000.tar shards (default dir)")
    String sink;

    @Option(names = "--shard-size", defaultValue = "1000", description = "images per WebDataset shard (default 1000)")
    int shardSize;

    @Option(names = "--skip-existing", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "keep images an earlier run of the job wrote instead of generating them again (default on)")
    boolean skipExisting;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "give up after this long; 0 = never (default 0: a long job runs to the end)")
    long timeoutSeconds;

    @Option(names = "--stall-warning", paramLabel = "SECONDS", defaultValue = "300",
            description = "say so when no image finished for this long (default 300)")
    long stallSeconds;

    @Mixin
    ModelOptions model;

    @Option(names = "--verbose", description = "show every library log line on the terminal instead of in the job's hart.log")
    boolean verbose;

    /** An event and the request ids of its images. */
    private record Planned(PromptEvent event, List<String> imageIds) {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream o = System.out;
        String jobId = job != null ? job.strip() : "job-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (jobId.isEmpty()) {
            throw new IllegalArgumentException("--job must not be blank");
        }
        Path jobDir = out.toAbsolutePath().normalize().resolve(SafeNames.of(jobId));
        JobState js = JobState.open(state != null ? state : jobDir.resolve(".hart-state"));
        routeLogs(js);
        StageTopology topo = StageTopology.parse(topology);
        TensorDType wire = wireType(wireDtype);
        validateOptions();        // after routeLogs: the first logger fixes where library logs go
        model.selectDevice();     // a missing GPU stops here, before any broker or model starts
        StageModels models = model.resolve();
        List<Planned> plan = plan(jobId, models.checkpointId(), models.defaultCfg());
        Set<String> ids = new LinkedHashSet<>();
        plan.forEach(p -> ids.addAll(p.imageIds()));

        o.println("Model: " + models.describe());
        if (model.isDefault()) {
            o.println(ModelOptions.demoCheckpoint()
                    .map(d -> "No --checkpoint given: using the demo checkpoint at " + d
                            + " (a tiny HART trained by 'hart train-demo' on captioned coloured shapes, 32x32 px).")
                    .orElse("No --checkpoint given and no checkpoints/demo folder: using --random-weights "
                            + ModelOptions.DEFAULT_RANDOM
                            + " (seeded random weights; images are noise-like patterns, not pictures of the prompt)."));
        }
        o.printf("Job %s: %d prompt(s), %d image(s), %s topology, images to %s%n", jobId, plan.size(), ids.size(),
                topo.name().toLowerCase(), jobDir);

        long t0 = System.nanoTime();
        ImageCollector.Result result;
        Set<String> resumed = new LinkedHashSet<>();
        try (ImageSink imageSink = sink(jobDir)) {
            if (skipExisting) {
                for (String id : ids) {
                    if (imageSink.contains(jobId, id)) {
                        resumed.add(id);
                    }
                }
            }
            if (!resumed.isEmpty() || js.hasBrokerData()) {
                o.printf("Resuming: %d of %d image(s) already written; state in %s%n", resumed.size(), ids.size(), js.dir());
            }
            if (resumed.size() == ids.size()) {
                result = new ImageCollector.Result(Map.of(), Map.of(), 0);
            } else {
                result = run(o, js, jobId, models, topo, wire, imageSink, plan, ids, resumed, t0);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Path metadata = writeMetadata(jobDir, jobId, plan, ids, resumed, result);
        report(o, result, ids.size(), resumed, secs, jobDir, metadata, js);
        return ids.stream().allMatch(id -> resumed.contains(id) || result.images().containsKey(id)) ? 0 : 1;
    }

    /** Starts the broker (on the job's data), registry, ingest app and stages; publishes; follows the job to its end. */
    private ImageCollector.Result run(PrintStream o, JobState js, String jobId, StageModels models, StageTopology topo,
                                      TensorDType wire, ImageSink imageSink, List<Planned> plan, Set<String> ids,
                                      Set<String> resumed, long t0) throws Exception {
        if (js.awaitPreviousBroker(60)) {
            o.println("Waited for the previous run's broker to stop");
        }
        int[] ports = js.brokerPorts();
        String level = verbose ? "info" : "warn";
        EmbeddedKafkaProcess broker = new EmbeddedKafkaProcess(js.kafkaDir(), Map.of(),
                List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level)).ports(ports[0], ports[1]);
        if (!verbose) {
            broker.logFile(js.brokerLog());
        }
        try (EmbeddedStack stack = EmbeddedStack.start(broker, 180)) {
            String bootstrap = stack.bootstrapServers();
            js.brokerStarted(stack.brokerPid());
            stack.createPipelineTopics(2);
            String registryUrl = stack.schemaRegistryUrl();
            PipelineSerdes serdes = PipelineSerdes.forRegistry(registryUrl);
            if (verbose) {
                o.printf("Embedded Kafka (child JVM pid %d) at %s, schema registry at %s%n", stack.brokerPid(), bootstrap,
                        registryUrl);
            }
            try (PromptIngestApp ingest = new PromptIngestApp(IngestConfig.builder(bootstrap, registryUrl)
                    .rules(PromptRules.defaults(models.checkpointId())).httpPort(-1).stateDir(js.ingestDir())
                    .createTopics(false)
                    // static membership: a restarted job takes over at once, even after a kill -9
                    .streamsOverride(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "generate")
                    .build()).start();
                 PipelineStages stages = PipelineStages.start(bootstrap, serdes, models, topo, wire, batchSize,
                         imageSink, "generate")) {
                publish(o, js, bootstrap, registryUrl, plan, ids, resumed);
                ProgressBar bar = new ProgressBar(System.err, ids.size(), resumed.size());
                AtomicLong lastProgress = new AtomicLong(System.nanoTime());
                Thread watchdog = stallWatchdog(bar, lastProgress, js);
                try {
                    Duration timeout = timeoutSeconds > 0 ? Duration.ofSeconds(timeoutSeconds) : Duration.ofDays(3650);
                    return ImageCollector.collect(bootstrap, Map.of(), serdes, ids, resumed, timeout, Duration.ZERO,
                            (done, failed) -> {
                                lastProgress.set(System.nanoTime());
                                bar.update(done, failed);
                            }, ids.size());
                } finally {
                    watchdog.interrupt();
                    bar.done();
                }
            }
        }
    }

    /** Publishes the prompts with images still to make, unless an earlier run of the job published them all. */
    private void publish(PrintStream o, JobState js, String bootstrap, String registryUrl, List<Planned> plan,
                         Set<String> ids, Set<String> resumed) throws IOException {
        String fingerprint = fingerprint(ids);
        if (js.published(fingerprint)) {
            o.println("Prompts were published by an earlier run; continuing with the requests still in flight");
            return;
        }
        List<PromptEvent> events = plan.stream().filter(p -> !resumed.containsAll(p.imageIds())).map(Planned::event).toList();
        try (PromptPublisher publisher = new PromptPublisher(Map.of("bootstrap.servers", bootstrap,
                "schema.registry.url", registryUrl))) {
            var report = publisher.publish(events);
            if (!report.ok()) {
                throw new IllegalStateException("Publishing the prompts failed: " + report.firstSendError());
            }
        }
        js.markPublished(fingerprint);
    }

    private static String fingerprint(Set<String> ids) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ids.forEach(id -> sha.update((id + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Library logs (Kafka, Streams, DJL) go to the job's hart.log; --verbose keeps them on the terminal. */
    private void routeLogs(JobState js) {
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        } else {
            System.setProperty("org.slf4j.simpleLogger.logFile", js.logFile().toString());
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        }
    }

    /** Every sampling option checked (with its valid range) before anything starts. */
    private void validateOptions() {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (shardSize < 1) {
            throw new IllegalArgumentException("--shard-size must be >= 1, got " + shardSize);
        }
        if (timeoutSeconds < 0 || stallSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be >= 0 and --stall-warning >= 1");
        }
        PromptEvent probe = event("job", "probe", "a prompt", seed);
        new PromptValidator(PromptRules.defaults("probe")).validate(probe, "probe").ifPresent(r -> {
            throw new IllegalArgumentException(r.reason().replace("numImages", "--images-per-prompt")
                    .replace("cfg", "--cfg").replace("topK", "--top-k").replace("topP", "--top-p")
                    .replace("seed", "--seed").replace("numDiffusionSteps", "--diffusion-steps"));
        });
    }

    private PromptEvent event(String jobId, String requestId, String prompt, long baseSeed) {
        return PromptEvent.newBuilder().setPrompt(prompt).setRequestId(requestId).setJobId(jobId).setSeed(baseSeed)
                .setNumImages(imagesPerPrompt).setCfg(cfg).setTopK(topK).setTopP(topP).setMoreSmooth(moreSmooth)
                .setUseSystemPrompt(systemPrompt).setNumDiffusionSteps(diffusionSteps).setMetadata(new java.util.HashMap<>())
                .build();
    }

    /** The job's events in file order, with ids from (job, position, prompt) and seeds from --seed and the position. */
    private List<Planned> plan(String jobId, String checkpointId, double defaultCfg) throws IOException {
        List<PromptEvent> events = new ArrayList<>();
        if (input.file != null) {
            PromptFileFormat format = PromptFileFormat.fromFileName(input.file.getFileName().toString());
            try (Reader in = Files.newBufferedReader(input.file, StandardCharsets.UTF_8)) {
                PromptFileReader reader = new PromptFileReader(in, format, jobId);
                while (reader.hasNext()) {
                    PromptFileReader.Line line = reader.next();
                    if (line.error() != null) {
                        throw new IllegalArgumentException(input.file + " line " + line.number() + ": " + line.error());
                    }
                    if (!line.isBlank()) {
                        events.add(line.event());
                    }
                }
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--prompts file not found: " + input.file.toAbsolutePath());
            }
        } else {
            for (int i = 0; i < input.prompts.size(); i++) {
                String p = input.prompts.get(i);
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException("--prompt must not be empty");
                }
                events.add(PromptEvent.newBuilder().setPrompt(p.strip()).setJobId(jobId)
                        .setRequestId(RequestIds.derive(jobId, i, p)).setMetadata(new java.util.HashMap<>()).build());
            }
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no prompts given (the --prompts file holds none)");
        }
        PromptValidator validator = new PromptValidator(PromptRules.defaults(checkpointId));
        List<Planned> plan = new ArrayList<>(events.size());
        long now = System.currentTimeMillis();
        for (int i = 0; i < events.size(); i++) {
            PromptEvent from = events.get(i);
            // the command's options fill what a JSONL/CSV line leaves out
            PromptEvent e = event(jobId, from.getRequestId().toString(), from.getPrompt().toString(),
                    seed + (long) i * imagesPerPrompt);
            if (from.getSeed() != null) e.setSeed(from.getSeed());
            if (from.getCfg() != null) e.setCfg(from.getCfg());
            if (e.getCfg() == null) e.setCfg((float) defaultCfg); // the event carries it: ingest's 4.5 is not this model's
            if (from.getTopK() != null) e.setTopK(from.getTopK());
            if (from.getTopP() != null) e.setTopP(from.getTopP());
            if (from.getMoreSmooth() != null) e.setMoreSmooth(from.getMoreSmooth());
            if (from.getUseSystemPrompt() != null) e.setUseSystemPrompt(from.getUseSystemPrompt());
            if (from.getNumDiffusionSteps() != null) e.setNumDiffusionSteps(from.getNumDiffusionSteps());
            if (from.getNumImages() != 1) e.setNumImages(from.getNumImages());
            e.setMetadata(from.getMetadata());
            e.setCheckpointId(checkpointId);
            e.setCreatedAtMs(now);
            String id = e.getRequestId().toString();
            Optional<Rejection> problem = validator.validate(e, id);
            if (problem.isPresent()) {
                throw new IllegalArgumentException("prompt " + (i + 1) + " ('" + abbreviate(e.getPrompt().toString())
                        + "'): " + problem.get().reason());
            }
            List<String> imageIds = new ArrayList<>();
            for (int k = 0; k < e.getNumImages(); k++) {
                imageIds.add(RequestExpander.imageRequestId(id, k, e.getNumImages()));
            }
            plan.add(new Planned(e, imageIds));
        }
        return plan;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
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
            case "dir" -> new DirectorySink(jobDir.getParent(), skipExisting);
            case "webdataset" -> new WebDatasetSink(jobDir, shardSize);
            default -> throw new IllegalArgumentException("--sink must be dir or webdataset, got '" + sink + "'");
        };
    }

    /**
     * The job's dataset metadata, img2dataset style: {@code _stats.json} (counts, failures) and, for the dir sink,
     * {@code metadata.parquet} with one row per requested image (the webdataset sink writes a parquet per shard).
     * Rows come from the metadata JSON stored with each image, so resumed images are listed like new ones.
     */
    private Path writeMetadata(Path jobDir, String jobId, List<Planned> plan, Set<String> ids, Set<String> resumed,
                               ImageCollector.Result result) throws IOException {
        Files.createDirectories(jobDir);
        ObjectMapper json = new ObjectMapper();
        Map<String, RequestInfo> requests = new LinkedHashMap<>();
        RequestExpander expander = new RequestExpander(PromptRules.defaults());
        for (Planned p : plan) {
            for (var r : expander.expand(p.event(), p.event().getRequestId().toString(), 0, 0)) {
                requests.put(r.getRequest().getRequestId().toString(), r.getRequest());
            }
        }
        Map<String, JsonNode> written = new LinkedHashMap<>();
        boolean dirSink = sink.trim().equalsIgnoreCase("dir");
        if (dirSink) {
            DirectorySink ds = new DirectorySink(jobDir.getParent());
            for (String id : ids) {
                Path meta = ds.jsonPath(jobId, id);
                if (ds.contains(jobId, id) && Files.isRegularFile(meta)) {
                    written.put(id, json.readTree(meta.toFile()));
                }
            }
        } else {
            try (WebDatasetSink wds = new WebDatasetSink(jobDir, shardSize)) {
                wds.finishedMetadata().forEach((key, meta) -> written.put(meta.path("requestId").asText(key), meta));
            }
        }
        List<DatasetParquet.Row> rows = new ArrayList<>();
        Map<String, String> failures = new TreeMap<>();
        for (String id : ids) {
            RequestInfo r = requests.get(id);
            if (written.containsKey(id)) {
                rows.add(DatasetParquet.Row.success(SafeNames.of(id), written.get(id)));
                continue;
            }
            DeadLetter d = result.failed().get(id);
            String error = d != null ? d.getStage() + ": " + d.getErrorMessage() : "not finished";
            failures.put(id, error);
            rows.add(new DatasetParquet.Row(SafeNames.of(id), r.getPrompt(), r.getSeed(), r.getCfg(), r.getCheckpointId(),
                    null, null, null, d != null ? "failed" : "missing", error));
        }
        Path parquet = jobDir.resolve("metadata.parquet");
        if (dirSink) {
            DatasetParquet.write(parquet, rows);
        }
        ObjectNode stats = json.createObjectNode();
        stats.put("job", jobId);
        stats.put("count", ids.size());
        stats.put("successes", ids.size() - failures.size());
        stats.put("failed", failures.size());
        stats.put("resumed", resumed.size());
        stats.put("generated_now", result.images().keySet().stream().filter(id -> !resumed.contains(id)).count());
        stats.putObject("status_dict").put("success", ids.size() - failures.size()).put("failed", failures.size());
        ObjectNode f = stats.putObject("failures");
        failures.forEach(f::put);
        Files.writeString(jobDir.resolve("_stats.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(stats),
                StandardCharsets.UTF_8);
        return dirSink ? parquet : jobDir;
    }

    private void report(PrintStream o, ImageCollector.Result result, int expected, Set<String> resumedIds, double secs,
                        Path jobDir, Path metadata, JobState js) {
        int resumed = resumedIds.size();
        long now = result.images().keySet().stream().filter(id -> !resumedIds.contains(id)).count();
        int images = resumed + (int) now;
        o.printf("%d of %d image(s) in %.1f s: %d resumed (already written), %d generated now (%.2f images/s including"
                + " start-up), %d failed; images in %s%n", images, expected, secs, resumed, now, now / secs,
                result.failed().size(), jobDir);
        o.println("Metadata: " + metadata + (Files.isDirectory(metadata) ? " (per-shard .parquet)" : "")
                + ", " + jobDir.resolve("_stats.json"));
        Map<String, long[]> sums = new TreeMap<>();
        for (GeneratedImage img : result.images().values()) {
            if (resumedIds.contains(img.getRequest().getRequestId().toString())) {
                continue;
            }
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
            o.println(result.failed().size() + " request(s) failed (details in " + jobDir.resolve("_stats.json") + "):");
            result.failed().entrySet().stream().limit(20)
                    .forEach(e -> o.println("  " + e.getKey() + " [" + e.getValue().getStage() + "] " + e.getValue().getErrorMessage()));
        }
        int missing = expected - images - result.failed().size();
        if (missing > 0) {
            o.println(missing + " request(s) not finished before --timeout; run the same command again to continue");
        }
        if (!verbose) {
            o.println("Log: " + js.logFile());
        }
    }

    /** Prints a line when no image has finished for --stall-warning seconds (a long job is never killed for it). */
    private Thread stallWatchdog(ProgressBar bar, AtomicLong lastProgress, JobState js) {
        Thread t = new Thread(() -> {
            long warnedFor = -1;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(Math.min(10_000, stallSeconds * 1000));
                } catch (InterruptedException e) {
                    return;
                }
                long last = lastProgress.get();
                long idle = (System.nanoTime() - last) / 1_000_000_000L;
                if (idle >= stallSeconds && warnedFor != last) {
                    warnedFor = last;
                    bar.message("no image finished for " + idle + " s (since "
                            + LocalTime.now().minusSeconds(idle).withNano(0) + "); still waiting. Log: " + js.logFile());
                }
            }
        }, "generate-stall-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A one-line progress bar redrawn in place, with the rate of this run and an ETA. */
    static final class ProgressBar {
        private final PrintStream out;
        private final int total;
        private final int resumed;
        private final long start = System.nanoTime();
        private int done;
        private int failed;

        ProgressBar(PrintStream out, int total, int resumed) {
            this.out = out;
            this.total = total;
            this.resumed = resumed;
            this.done = resumed;
            draw();
        }

        synchronized void update(int done, int failed) {
            this.done = done;
            this.failed = failed;
            draw();
        }

        /** A line of its own above the bar, then the bar again. */
        synchronized void message(String text) {
            out.print("\r\033[K" + text + "\n");
            draw();
        }

        private void draw() {
            int width = 30;
            int filled = total == 0 ? width : (int) ((long) Math.min(total, done + failed) * width / total);
            double secs = (System.nanoTime() - start) / 1e9;
            int now = done - resumed;
            String rate = now > 0 && secs > 0 ? String.format(", %.2f img/s, ETA %s", now / secs,
                    eta((total - done - failed) / (now / secs))) : "";
            out.printf("\r\033[K[%s%s] %d/%d images%s%s", "#".repeat(filled), ".".repeat(width - filled), done, total,
                    failed > 0 ? ", " + failed + " failed" : "", rate);
            out.flush();
        }

        static String eta(double seconds) {
            long s = Math.round(seconds);
            return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                    : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
        }

        synchronized void done() {
            draw();
            out.println();
            out.flush();
        }
    }
}
