package dev.hart.model.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hart.model.pipeline.SamplingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint committed at checkpoints/demo loads with the project's loaders and draws through the inference path. */
class CommittedDemoCheckpointTest {

    @Test
    void committedCheckpointGeneratesImages() {
        Path dir = Path.of("..", DemoCheckpoint.DEFAULT_DIR);
        assertTrue(Files.isRegularFile(dir.resolve("llm/model.safetensors")), "demo checkpoint missing at " + dir.toAbsolutePath());
        try (DemoGenerator gen = DemoGenerator.load(dir)) {
            List<RgbImage> images = gen.generate(List.of("a blue square on a yellow background"), SamplingParams.defaults(), true);
            assertEquals(1, images.size());
            assertEquals(DemoDataset.DEFAULT_SIDE, images.get(0).side());
            // a trained checkpoint draws something, not a constant image
            float[] px = images.get(0).toArray();
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : px) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertTrue(max - min > 0.2f, "image range " + min + ".." + max);
        }
    }
}
