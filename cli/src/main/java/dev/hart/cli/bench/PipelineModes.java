package dev.hart.cli.bench;

import dev.hart.cli.generate.ImageCollector;
import dev.hart.cli.generate.PipelineStages;
import dev.hart.cli.generate.RequestPublisher;
import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.ImageDecoder;
import dev.hart.model.inference.SamplingParams;
import dev.hart.model.inference.TensorData;
import dev.hart.runtime.EmbeddedStack;
import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.ArRequest;
import dev.hart.stage.ar.StageTopology;
import dev.hart.stage.decoder.DirectorySink;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.common.ResidualModel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * End to end: the same N requests generated (1) directly in-process (AR batch, then residual + decode + PNG per
 * image, one thread) and (2) through the Kafka pipeline — an embedded broker and registry in this JVM, the stages
 * as {@link PipelineStages} — in the fused and the split topology. Throughput ratio direct / pipeline is the
 * pipeline's overhead on one machine (serialization, transactions, hand-offs, no overlap gain on 2 cores).
 */
final class PipelineModes {
    private static final int PARTITIONS = 2;
    private static final long SEED = 4242;

    private PipelineModes() {
    }

    /** Runs the demo checkpoint when present, else tiny-b (random weights): the pipeline adds fixed costs per image. */
    static void run(BenchCommand cmd, List<String> models, BenchResults results, PrintStream out) throws Exception {
        String config = models.contains("demo") ? "demo" : models.stream().filter(m -> !m.startsWith(BenchCommand.BIG_PREFIX))
                .findFirst().orElse("tiny-b");
        int n = cmd.requests();
        int batch = cmd.quick() ? 4 : 8;
        List<String> prompts = prompts(n);
        out.println("end to end: " + config + ", " + n + " requests, AR batch " + batch + " ...");
        try (BenchModel src = cmd.source(config)) {
            BenchStageModels stageModels = BenchStageModels.of(src);
            results.pipeline.add(direct(stageModels, config, prompts, batch, out));
            BenchCommand.mark(results, "direct " + config);
            Path sinkRoot = Files.createTempDirectory("hart-bench-images");
            long t0 = System.nanoTime();
            try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.BrokerMode.IN_PROCESS, null)) {
                stack.createPipelineTopics(PARTITIONS);
                out.printf(Locale.ROOT, "  embedded broker + registry up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                PipelineSerdes serdes = PipelineSerdes.forRegistry(stack.schemaRegistryUrl());
                for (StageTopology topology : List.of(StageTopology.FUSED, StageTopology.SPLIT)) {
                    results.pipeline.add(pipeline(stack.bootstrapServers(), serdes, stageModels, topology, config, prompts,
                            batch, sinkRoot, out));
                    BenchCommand.mark(results, "pipeline " + topology.name().toLowerCase(Locale.ROOT) + " " + config);
                }
            } finally {
                deleteTree(sinkRoot);
            }
        }
    }

    private static BenchResults.PipelineRun direct(BenchStageModels models, String config, List<String> prompts, int batch,
                                                   PrintStream out) {
        try (ArModel ar = models.loadAr(); ResidualModel residual = models.loadResidual(); LatentDecoder decoder = models.loadDecoder()) {
            List<ArRequest> all = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                all.add(new ArRequest(prompts.get(i), false, SamplingParams.defaults().withSeed(SEED + i)));
            }
            // warm-up: one small batch through every part
            oneBatch(ar, residual, decoder, all.subList(0, Math.min(2, all.size())), null, null);
            Map<String, Double> stageSeconds = new LinkedHashMap<>();
            List<Double> latencies = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < all.size(); i += batch) {
                oneBatch(ar, residual, decoder, all.subList(i, Math.min(all.size(), i + batch)), stageSeconds,
                        done -> latencies.add((done - start) / 1e6));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            var run = new BenchResults.PipelineRun(config, "direct", prompts.size(), batch, wall, prompts.size() / wall,
                    LatencyStats.of(latencies), stageSeconds, "one thread, no Kafka; latency from the start of the run");
            out.printf(Locale.ROOT, "  direct: %.1f s, %.2f img/s%n", wall, run.imagesPerSecond());
            return run;
        }
    }

    private static void oneBatch(ArModel ar, ResidualModel residual, LatentDecoder decoder, List<ArRequest> batch,
                                 Map<String, Double> stageSeconds, java.util.function.LongConsumer imageDone) {
        long t0 = System.nanoTime();
        List<ArResult> results = ar.generate(batch);
        add(stageSeconds, "ar", t0);
        long t1 = System.nanoTime();
        List<TensorData> latents = residual.finalLatents(results,
                java.util.Collections.nCopies(results.size(), residual.defaultSteps()));
        add(stageSeconds, "diffusion", t1);
        long t2 = System.nanoTime();
        List<TensorData> pixels = decoder.decodePixels(latents);
        add(stageSeconds, "decoder", t2);
        for (TensorData px : pixels) {
            long t3 = System.nanoTime();
            ImageDecoder.png(ImageDecoder.toImage(px));
            add(stageSeconds, "png", t3);
            if (imageDone != null) {
                imageDone.accept(System.nanoTime());
            }
        }
    }

    private static void add(Map<String, Double> m, String stage, long since) {
        if (m != null) {
            m.merge(stage, (System.nanoTime() - since) / 1e9, Double::sum);
        }
    }

    private static BenchResults.PipelineRun pipeline(String bootstrap, PipelineSerdes serdes, BenchStageModels models,
                                                     StageTopology topology, String config, List<String> prompts, int batch,
                                                     Path sinkRoot, PrintStream out) throws IOException {
        String name = topology.name().toLowerCase(Locale.ROOT);
        try (DirectorySink sink = new DirectorySink(sinkRoot.resolve(name));
             PipelineStages stages = PipelineStages.start(bootstrap, serdes, models, topology, TensorDType.F16, batch, sink)) {
            // warm-up job: group joins, producer transactions, schema registration, first model calls
            runJob(bootstrap, serdes, models, "warm-" + name, prompts.subList(0, Math.min(2, prompts.size())));
            long start = System.nanoTime();
            Map<String, GeneratedImage> images = runJob(bootstrap, serdes, models, "bench-" + name, prompts);
            double wall = (System.nanoTime() - start) / 1e9;
            List<Double> latencies = new ArrayList<>();
            Map<String, Double> stageSeconds = new LinkedHashMap<>();
            for (GeneratedImage img : images.values()) {
                latencies.add((double) (img.getCompletedAtMs() - img.getRequest().getSubmittedAtMs()));
                img.getStageTimingsMs().forEach((k, v) -> {
                    String key = k.toString();
                    if (!key.equals("endToEnd")) {
                        stageSeconds.merge(key, v / 1000.0, Double::sum);
                    }
                });
            }
            String note = topology == StageTopology.SPLIT ? "ar-output as fp16 on the wire; " : "";
            var run = new BenchResults.PipelineRun(config, "pipeline-" + name, prompts.size(), batch, wall,
                    prompts.size() / wall, LatencyStats.of(latencies), stageSeconds,
                    note + PARTITIONS + " partitions, 1 instance per stage, stages share the cores");
            out.printf(Locale.ROOT, "  pipeline %s: %.1f s, %.2f img/s%n", name, wall, run.imagesPerSecond());
            return run;
        }
    }

    /** Publishes one job and waits for all its images; a dead letter or a timeout is an error. */
    private static Map<String, GeneratedImage> runJob(String bootstrap, PipelineSerdes serdes, BenchStageModels models,
                                                      String jobId, List<String> prompts) {
        List<RequestInfo> requests = RequestPublisher.requests(jobId, prompts, SEED, models.checkpointId());
        Set<String> ids = new LinkedHashSet<>();
        requests.forEach(r -> ids.add(r.getRequestId()));
        RequestPublisher.publish(bootstrap, Map.of(), serdes, requests);
        ImageCollector.Result r = ImageCollector.collect(bootstrap, Map.of(), serdes, ids, Duration.ofMinutes(30), Duration.ZERO,
                null);
        if (!r.failed().isEmpty()) {
            var first = r.failed().values().iterator().next();
            throw new IllegalStateException(r.failed().size() + " requests of job " + jobId + " were dead-lettered, first: "
                    + first.getErrorClass() + ": " + first.getErrorMessage());
        }
        if (r.images().size() < ids.size()) {
            throw new IllegalStateException("job " + jobId + ": only " + r.images().size() + " of " + ids.size()
                    + " images arrived within the timeout");
        }
        return r.images();
    }

    static List<String> prompts(int n) {
        String[] colours = {"red", "green", "blue", "yellow", "purple", "orange"};
        String[] shapes = {"circle", "square", "triangle", "star"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("a " + colours[i % colours.length] + " " + shapes[(i / 2) % shapes.length] + " on a "
                    + colours[(i + 3) % colours.length] + " background");
        }
        return out;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
