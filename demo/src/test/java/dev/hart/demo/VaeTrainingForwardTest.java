package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.hart.model.Trace;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.tokenizer.VaeDecoder;
import dev.hart.model.tokenizer.VaeEncoder;
import org.junit.jupiter.api.Test;

/** The VAE's training forward must compute what the inference encoder and decoder compute, and train. */
class VaeTrainingForwardTest {

    @Test
    void matchesTheInferenceAutoencoderAndBackPropagates() {
        Engine.getInstance();
        TokenizerConfig cfg = DemoCheckpoint.tokenizerConfig();
        try (NDManager m = NDManager.newBaseManager(); TrainableWeights w = new TrainableWeights(m, 5)) {
            JniUtils.setGradMode(false);
            w.recording(true);
            VaeEncoder.load(w, cfg, m).close();
            VaeDecoder.load(w, cfg, m).close();
            w.recording(false);
            NDArray image = m.randomUniform(-1f, 1f, new Shape(2, 3, 32, 32));

            w.detached(true);
            float[] fRef;
            float[] imgRef;
            try (NDManager s = m.newSubManager()) {
                NDArray f = VaeEncoder.load(w, cfg, s).encode(image, Trace.NONE);
                fRef = f.toFloatArray();
                imgRef = VaeDecoder.load(w, cfg, s).decode(f, Trace.NONE).toFloatArray();
            }
            try (NDManager s = m.newSubManager()) {
                VaeTrainingForward tf = new VaeTrainingForward(cfg, w, s);
                NDArray f = tf.encode(image);
                assertArrayEquals(fRef, f.toFloatArray(), 1e-4f, "encoder");
                // inference clips to [-1, 1]; the training decode does not, so that saturated pixels keep a gradient
                assertArrayEquals(imgRef, tf.decode(f).clip(-1, 1).toFloatArray(), 1e-4f, "decoder");
            }
            w.detached(false);

            // the unpadded 3-channel conv_out returned NaN input gradients in about 3 of 100 backward passes
            for (int pass = 0; pass < 10; pass++) {
                w.zeroGradients(DemoCheckpoint::isVae);
                JniUtils.setGradMode(true);
                try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    VaeTrainingForward tf = new VaeTrainingForward(cfg, w, s);
                    NDArray x = s.randomUniform(-1f, 1f, new Shape(4, 3, 32, 32));
                    gc.backward(tf.decode(tf.encode(x)).sub(x).square().mean());
                }
                JniUtils.setGradMode(false);
                double norm = w.gradientNorm(DemoCheckpoint::isVae);
                assertTrue(Double.isFinite(norm) && norm > 0, "gradient norm of pass " + pass + ": " + norm);
            }
            NDArray g = w.param("decoder.conv_out.weight").getGradient();
            assertTrue(g.abs().sum().getFloat() > 0, "conv_out (the padded narrow convolution) gets a gradient");
        }
    }
}
