package dev.hart.model.inference;

import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.HartCheckpointDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HartInferenceTest {

    private static NDManager manager;
    private static HartCheckpointDir checkpoint;
    private static HartInference pipeline;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        checkpoint = TinyModels.open("tiny-a");
        pipeline = HartInference.load(checkpoint, manager);
    }

    @AfterAll
    static void close() {
        pipeline.close();
        checkpoint.close();
        manager.close();
    }

    private TinyModels.Batch batch() {
        return TinyModels.contexts(pipeline.generator().config().contextToken(), pipeline.generator().config().contextDim(), 3, 5, 8);
    }

    @Test
    void imagesHaveTheTokenizerResolution() {
        TinyModels.Batch b = batch();
        List<BufferedImage> images = pipeline.generate(b.context(), b.mask(), b.positions(),
                List.of(SamplingParams.defaults().withSeed(1), SamplingParams.defaults().withSeed(2)));
        int side = pipeline.generator().config().lastPatch() * checkpoint.tokenizerConfig().downsample();
        assertThat(images).hasSize(2);
        for (BufferedImage img : images) {
            assertThat(img.getWidth()).isEqualTo(side);
            assertThat(img.getHeight()).isEqualTo(side);
        }
    }

    @Test
    void splitStagesGiveTheFusedResult() {
        TinyModels.Batch one = TinyModels.row(batch(), 0);
        List<SamplingParams> p = List.of(SamplingParams.defaults().withSeed(42));
        TensorData fused = pipeline.generatePixels(one.context(), one.mask(), one.positions(), p).get(0);

        ArResult ar = pipeline.generator().generate(one.context(), one.mask(), one.positions(), p).get(0);
        // what would travel over the topics: plain values only
        ArResult received = new ArResult(ar.fHat(), ar.finalTokens(), ar.diffusionCondition(), ar.indices(), ar.diffusionCfg(), ar.seed());
        TensorData latent = pipeline.residualSampler().finalLatent(received);
        TensorData split = pipeline.decoder().decodePixels(latent);
        assertThat(split).isEqualTo(fused);
    }

    @Test
    void imageDoesNotDependOnItsBatchNeighbours() {
        TinyModels.Batch b = batch();
        List<SamplingParams> params = List.of(SamplingParams.defaults().withSeed(7).withMoreSmooth(false),
                SamplingParams.defaults().withSeed(8).withCfg(1.0));
        List<TensorData> together = pipeline.generatePixels(b.context(), b.mask(), b.positions(), params);
        for (int r = 0; r < params.size(); r++) {
            TinyModels.Batch one = TinyModels.row(b, r);
            TensorData alone = pipeline.generatePixels(one.context(), one.mask(), one.positions(), List.of(params.get(r))).get(0);
            // same indices and noise; only float rounding (amplified by the gumbel softmax when smoothing) differs
            double tol = params.get(r).moreSmooth() ? 1e-2 : 1e-4;
            assertThat(TinyModels.maxAbsDiff(together.get(r), alone)).as("request %d", r).isLessThan(tol);
        }
    }

    @Test
    void batchedDiffusionAndDecoderGiveEachRequestItsOwnResult() {
        TinyModels.Batch b = TinyModels.contexts(pipeline.generator().config().contextToken(),
                pipeline.generator().config().contextDim(), 3, 5, 8, 4);
        List<SamplingParams> params = List.of(SamplingParams.defaults().withSeed(11), SamplingParams.defaults().withSeed(12).withCfg(2.0),
                SamplingParams.defaults().withSeed(13));
        List<ArResult> ar = pipeline.generator().generate(b.context(), b.mask(), b.positions(), params);
        ResidualSampler sampler = pipeline.residualSampler();
        int standard = sampler.defaultSteps();
        List<Integer> steps = List.of(standard, standard, 3);   // two share a model call, the third has its own schedule
        List<TensorData> together = sampler.finalLatents(ar, steps);
        List<TensorData> pixelsTogether = pipeline.decoder().decodePixelsBatch(together);
        for (int r = 0; r < ar.size(); r++) {
            TensorData alone = sampler.finalLatents(List.of(ar.get(r)), List.of(steps.get(r))).get(0);
            assertThat(TinyModels.maxAbsDiff(together.get(r), alone)).as("latent %d", r).isLessThan(1e-5);
            assertThat(TinyModels.maxAbsDiff(pixelsTogether.get(r), pipeline.decoder().decodePixels(alone))).as("pixels %d", r)
                    .isLessThan(1e-5);
        }
        // a respaced schedule is a different sampler: 3 steps do not give the default steps' latent
        TensorData defaultSteps = sampler.finalLatent(ar.get(2));
        assertThat(TinyModels.maxAbsDiff(together.get(2), defaultSteps)).isGreaterThan(1e-3);
        assertThatThrownBy(() -> sampler.finalLatents(List.of(ar.get(0)), List.of(1001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("diffusion steps must be in [1, 1000]");
    }

    @Test
    void pngRoundTrips() throws Exception {
        TinyModels.Batch one = TinyModels.row(batch(), 1);
        BufferedImage img = pipeline.generate(one.context(), one.mask(), one.positions(), List.of(SamplingParams.defaults())).get(0);
        byte[] png = ImageDecoder.png(img);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(back.getRGB(0, 0, back.getWidth(), back.getHeight(), null, 0, back.getWidth()))
                .isEqualTo(img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth()));
    }

    @Test
    void pixelsToImageTruncatesAndClamps() {
        // one pixel per channel value: 0.5 -> 127 (uint8 truncation as the reference), 1.2 -> 255, -0.1 -> 0
        TensorData px = new TensorData(new long[] {3, 1, 1}, new float[] {0.5f, 1.2f, -0.1f});
        int rgb = ImageDecoder.toImage(px).getRGB(0, 0) & 0xFFFFFF;
        assertThat(rgb).isEqualTo((127 << 16) | (255 << 8));
    }

    @Test
    void decoderRejectsWrongLatents() {
        assertThatThrownBy(() -> pipeline.decoder().decodePixels(new TensorData(new long[] {3, 4, 4}, new float[48])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("f_hat has shape");
    }
}
