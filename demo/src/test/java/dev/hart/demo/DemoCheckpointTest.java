package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.inference.SamplingParams;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint written by the trainer's writer loads with the project's loaders and generates images. */
class DemoCheckpointTest {

    @Test
    void writtenCheckpointLoadsAndGeneratesThroughTheInferencePath(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); TrainableWeights w = new TrainableWeights(m, 2)) {
            DemoTrainer.defineParameters(w, m, DemoCheckpoint.llmConfig(), DemoCheckpoint.tokenizerConfig());
            DemoCheckpoint.writeModel(dir, w, DemoCheckpoint.DEFAULT_EMBED_DIM, DemoCheckpoint.DEFAULT_DEPTH);
        }
        DemoTextModel.write(dir.resolve("text"), 2);
        try (HartCheckpointDir c = HartCheckpointDir.open(dir, false);
             SafeTensors tok = SafeTensors.open(dir.resolve("tokenizer/model.safetensors"))) {
            assertEquals(32, c.tokenizerConfig().ch());
            assertTrue(tok.names().stream().allMatch(n -> n.startsWith("vae.")), "tokenizer keys carry the vae. prefix");
            assertTrue(tok.names().contains("vae.quantize.embedding.weight"));
        }
        try (DemoGenerator gen = DemoGenerator.load(dir)) {
            List<RgbImage> images = gen.generate(List.of("a red circle on a blue background", "a small green square in the top left on a white background"),
                    SamplingParams.defaults().withSeed(5), true);
            assertEquals(2, images.size());
            for (RgbImage img : images) {
                assertEquals(DemoDataset.DEFAULT_SIDE, img.side());
                for (float v : img.toArray()) {
                    assertTrue(v >= 0f && v <= 1f);
                }
            }
            // same seed, same image: generation is reproducible per request
            List<RgbImage> again = gen.generate(List.of("a red circle on a blue background"), SamplingParams.defaults().withSeed(5), true);
            assertEquals(0.0, again.get(0).meanSquaredError(images.get(0)), 1e-8);
        }
    }
}
