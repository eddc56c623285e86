package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.config.HartConfig;
import dev.hart.model.diffusion.SimpleMlpAdaLn;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The diffusion training forward must compute exactly what the inference SimpleMlpAdaLn computes. */
class DiffusionTrainingForwardTest {

    @Test
    void matchesTheInferenceNetwork() {
        Engine.getInstance();
        JniUtils.setGradMode(false);
        HartConfig cfg = DemoCheckpoint.llmConfig();
        int cvae = 16;
        try (NDManager m = NDManager.newBaseManager(); TrainableWeights w = new TrainableWeights(m, 9)) {
            w.recording(true);
            SimpleMlpAdaLn.load(w, cfg, cvae, m).close();
            w.recording(false);
            // the zero-initialised modulations and output layer would hide chunk-order mistakes: randomise everything
            for (String n : new ArrayList<>(w.names())) {
                w.put(n, m.randomNormal(new Shape(w.shape(n))).mul(0.3f));
            }
            w.detached(true);
            NDArray x = m.randomNormal(new Shape(6, cvae));
            NDArray t = m.create(new float[] {0, 143, 285, 571, 856, 999});
            NDArray c = m.randomNormal(new Shape(6, cfg.embedDim()));
            NDArray want = SimpleMlpAdaLn.load(w, cfg, cvae, m).forward(x, t, c);
            NDArray got = new DiffusionTrainingForward(w, m, cfg.diffDepth()).forward(x, t, c);
            float diff = want.sub(got).abs().max().getFloat();
            float scale = want.abs().max().getFloat();
            assertTrue(diff <= 1e-4f * Math.max(1f, scale), "outputs differ by " + diff + " (scale " + scale + ")");
        }
    }
}
