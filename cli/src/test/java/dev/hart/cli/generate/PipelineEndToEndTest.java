package dev.hart.cli.generate;

import dev.hart.model.inference.ArResult;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.avro.TensorDType;
import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.inference.HartInference;
import dev.hart.stage.ar.PromptEncoder;
import dev.hart.stage.ar.Qwen2PromptEncoder;
import dev.hart.stage.ar.PromptContext;
import dev.hart.stage.ar.ArRequest;
import dev.hart.stage.ar.StageTopology;
import dev.hart.stage.decoder.DirectorySink;
import dev.hart.stage.decoder.Pngs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * N prompts end to end on a real embedded broker, split and fused: N PNGs, each the image the in-process fused model
 * ({@link HartInference}) makes for that request alone (so batch composition does not matter).
 */
@Timeout(300)
class PipelineEndToEndTest {
    static final int N = 20;
    static StageModels models;
    static NDManager manager;
    static HartCheckpointDir checkpoint;
    static HartInference reference;
    static PromptEncoder encoder;

    @BeforeAll
    static void loadReference() {
        models = CheckpointModels.directory(PipelineHarness.tinyCheckpoint());
        manager = NDManager.newBaseManager();
        checkpoint = HartCheckpointDir.open(PipelineHarness.tinyCheckpoint());
        reference = HartInference.load(checkpoint, manager);
        // the same Qwen2 text path the ar-stage runs (the test checkpoint carries a tiny text model in text/)
        Path ckpt = PipelineHarness.tinyCheckpoint();
        encoder = new Qwen2PromptEncoder(dev.hart.model.checkpoint.HartCheckpointDir.textModelDir(ckpt).orElseThrow(),
                reference.generator().config(), dev.hart.model.checkpoint.HartCheckpointDir.usesSystemPrompt(ckpt));
    }

    @AfterAll
    static void close() {
        encoder.close();
        reference.close();
        manager.close();
        checkpoint.close();
    }

    /**
     * Transformer and diffusion batches of one: the wire is fp32, so the latents are the in-process ones exactly; the
     * decoder stage still decodes up to 8 latents per call, and a batched convolution rounds differently from a single
     * one, which can move a pixel by one 8-bit level (truncation at a level boundary) - never more.
     */
    @Test
    void splitTopologyF32IsExactWithBatchesOfOne(@TempDir Path out) throws Exception {
        Outcome o = run(StageTopology.SPLIT, TensorDType.F32, 1, out, "split32b1");
        assertThat(o.maxPixelDiff()).as("max pixel difference to the in-process model, fp32, batch 1").isLessThanOrEqualTo(1);
    }

    /** Batches of 8: same tokens as the request alone; pixels equal up to the rounding of batched matmuls. */
    @Test
    void splitTopologyF32BatchedMakesTheInProcessImages(@TempDir Path out) throws Exception {
        Outcome o = run(StageTopology.SPLIT, TensorDType.F32, 8, out, "split32");
        System.out.println("MEASURED split fp32 batch-8 max pixel difference: " + o.maxPixelDiff());
        assertThat(o.tokensCompared()).isEqualTo(N);
        assertThat(o.maxPixelDiff()).isLessThanOrEqualTo(ROUNDING_TOLERANCE);
    }

    @Test
    void fusedTopologyMakesTheInProcessImages(@TempDir Path out) throws Exception {
        Outcome o = run(StageTopology.FUSED, TensorDType.F32, 8, out, "fused");
        System.out.println("MEASURED fused batch-8 max pixel difference: " + o.maxPixelDiff());
        assertThat(o.maxPixelDiff()).isLessThanOrEqualTo(ROUNDING_TOLERANCE);
    }

    /** fp16 on the wire, batches of one so that the wire is the only difference. */
    @Test
    void splitTopologyF16OnTheWire(@TempDir Path out) throws Exception {
        Outcome o = run(StageTopology.SPLIT, TensorDType.F16, 1, out, "split16");
        System.out.println("MEASURED fp16-on-the-wire max pixel difference (batch 1): " + o.maxPixelDiff());
        assertThat(o.tokensCompared()).isEqualTo(N);
        assertThat(o.maxPixelDiff()).as("fp16 max pixel difference").isLessThan(64);
    }

    /**
     * Batched float32 matmuls round differently from single ones; HART's gumbel softmax amplifies that (latents differ
     * by up to ~7e-3, see HartArModelBatchTest) and the decoder turns it into a few 8-bit levels.
     */
    static final int ROUNDING_TOLERANCE = 16;

    record Outcome(int maxPixelDiff, int tokensCompared) {
    }

    private Outcome run(StageTopology topology, TensorDType wire, int arBatch, Path out, String job) throws Exception {
        try (PipelineHarness h = new PipelineHarness(2)) {
            List<RequestInfo> requests = RequestPublisher.requests(job, PipelineHarness.prompts(N), 1000,
                    models.checkpointId());
            Set<String> ids = requests.stream().map(RequestInfo::getRequestId).collect(Collectors.toSet());
            ImageCollector.Result result;
            long t0 = System.nanoTime();
            try (DirectorySink sink = new DirectorySink(out);
                 PipelineStages stages = PipelineStages.start(h.bootstrap(), h.serdes, models, topology, wire, arBatch, sink)) {
                RequestPublisher.publish(h.bootstrap(), h.clientProps(), h.serdes, requests);
                result = ImageCollector.collect(h.bootstrap(), h.clientProps(), h.serdes, ids, Duration.ofSeconds(180),
                        Duration.ofSeconds(1), null);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("MEASURED %s %s: %d images in %.1f s (%.2f images/s incl. stage start-up)%n",
                    topology, wire, result.images().size(), secs, result.images().size() / secs);
            assertThat(result.failed()).as("dead letters").isEmpty();
            assertThat(result.images()).hasSize(N);
            assertThat(result.duplicates()).isZero();
            Map<String, long[]> lastTokens = topology == StageTopology.SPLIT ? h.lastScaleTokens(ids) : Map.of();
            int maxDiff = 0;
            int tokensCompared = 0;
            Set<String> hashes = new HashSet<>();
            for (RequestInfo r : requests) {
                GeneratedImage img = result.images().get(r.getRequestId());
                Path png = Path.of(java.net.URI.create(img.getImageUri()));
                assertThat(png).exists().hasFileName(r.getRequestId() + ".png");
                assertThat(png.resolveSibling(r.getRequestId() + ".json")).exists();
                byte[] bytes = Files.readAllBytes(png);
                assertThat(Pngs.sha256(bytes)).isEqualTo(img.getSha256().toString());
                hashes.add(img.getSha256().toString());
                BufferedImage got = PipelineHarness.readPng(png);
                // the fused in-process model on this request alone
                ArRequest ar = ArRequest.of(r);
                PromptContext ctx = encoder.encode(List.of(ar.prompt()), ar.useSystemPrompt());
                BufferedImage want = reference.generate(ctx.context(), ctx.mask(), ctx.positionIds(),
                        List.of(ar.params())).get(0);
                ArResult alone = reference.generator().generate(ctx.context(), ctx.mask(), ctx.positionIds(),
                        List.of(ar.params())).get(0);
                if (lastTokens.containsKey(r.getRequestId())) {
                    assertThat(lastTokens.get(r.getRequestId())).as("last-scale tokens of %s", r.getRequestId())
                            .isEqualTo(alone.indices().get(alone.indices().size() - 1));
                    tokensCompared++;
                }
                maxDiff = Math.max(maxDiff, PipelineHarness.maxPixelDiff(got, want));
                assertThat(img.getStageTimingsMs().keySet().stream().map(Object::toString))
                        .contains("ar", "diffusion", "decoder");
            }
            try (var files = Files.list(out.resolve(job))) {
                assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(N);
            }
            assertThat(hashes).as("different seeds and prompts give different images").hasSizeGreaterThan(N / 2);
            return new Outcome(maxDiff, tokensCompared);
        }
    }
}
