package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainableWeightsTest {

    private static float loss(TrainableWeights w, NDManager m) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray a = w.load(m, "layer.weight");
            NDArray b = w.load(m, "layer.bias");
            NDArray l = a.sub(3f).square().sum().add(b.add(1f).square().sum());
            gc.backward(l);
            return l.getFloat();
        }
    }

    @Test
    void recordsInitialisesTrainsAndResumes(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); TrainableWeights w = new TrainableWeights(m, 1)) {
            w.recording(true);
            w.load(m, "layer.weight", 4, 3);
            w.load(m, "layer.bias", 4);
            w.load(m, "norm.weight", 4);
            w.recording(false);
            assertThrows(IllegalArgumentException.class, () -> w.load(m, "unknown.weight", 2));
            assertArrayEquals(new float[] {1, 1, 1, 1}, w.param("norm.weight").toFloatArray(), "norm scales start at one");
            assertArrayEquals(new float[4], w.param("layer.bias").toFloatArray(), "biases start at zero");
            assertTrue(w.param("layer.weight").abs().sum().getFloat() > 0, "matrices start random");

            float first = loss(w, m);
            // d/da (a-3)^2 = 2(a-3): the gradient reached the parameter through the loaded copy
            NDArray expected = w.param("layer.weight").stopGradient().sub(3f).mul(2f);
            assertTrue(w.param("layer.weight").getGradient().sub(expected).abs().max().getFloat() < 1e-5f);
            w.zeroGradients(n -> true);
            float last = first;
            for (int i = 0; i < 300; i++) {
                last = loss(w, m);
                assertTrue(w.adamStep(n -> true, 0.05, 0.9, 0.99, 1e-8));
            }
            assertTrue(last < first * 0.01, "Adam should drive the quadratic down: " + first + " -> " + last);

            w.saveState(dir.resolve("state.safetensors"));
            try (TrainableWeights r = new TrainableWeights(m, 2)) {
                r.loadState(dir.resolve("state.safetensors"));
                assertEquals(w.names(), r.names());
                assertArrayEquals(w.param("layer.weight").toFloatArray(), r.param("layer.weight").toFloatArray());
            }
        }
    }

    @Test
    void movingAverageFollowsTheFilteredParametersAndIsSavedWithTheState(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager(); TrainableWeights w = new TrainableWeights(m, 1)) {
            w.put("a.weight", m.create(new float[] {2, 4}));
            w.put("b.weight", m.create(new float[] {1, 1}));
            w.updateAverage(n -> n.startsWith("a."), 0.75);
            assertArrayEquals(new float[] {2, 4}, w.averaged("a.weight").toFloatArray(), "the average starts at the value");
            assertTrue(w.averaged("b.weight") == w.param("b.weight"), "no average kept outside the filter");
            w.put("b.weight", m.create(new float[] {5, 5}));
            w.param("a.weight").stopGradient().set(new ai.djl.ndarray.index.NDIndex(":"), 10f);
            w.updateAverage(n -> n.startsWith("a."), 0.75);
            assertArrayEquals(new float[] {4, 5.5f}, w.averaged("a.weight").toFloatArray(), 1e-6f, "0.75 avg + 0.25 p");
            assertArrayEquals(new float[] {10, 10}, w.load(m, "a.weight").toFloatArray(), "training loads the parameter");
            w.servingAverage(true);
            assertArrayEquals(new float[] {4, 5.5f}, w.load(m, "a.weight").toFloatArray(), "validation can load the average");
            assertArrayEquals(new float[] {5, 5}, w.load(m, "b.weight").toFloatArray());
            w.servingAverage(false);

            w.saveState(dir.resolve("state.safetensors"));
            try (TrainableWeights r = new TrainableWeights(m, 2)) {
                r.loadState(dir.resolve("state.safetensors"));
                assertArrayEquals(new float[] {4, 5.5f}, r.averaged("a.weight").toFloatArray(), 1e-6f);
                assertArrayEquals(new float[] {10, 10}, r.param("a.weight").toFloatArray());
                r.put("a.weight", m.create(new float[] {0, 0}));
                assertArrayEquals(new float[] {0, 0}, r.averaged("a.weight").toFloatArray(), "a replaced parameter drops its average");
            }
        }
    }

    @Test
    void skipsCorruptGradients() {
        try (NDManager m = NDManager.newBaseManager(); TrainableWeights w = new TrainableWeights(m, 1)) {
            w.recording(true);
            w.load(m, "x.weight", 2, 2);
            w.recording(false);
            float[] before = w.param("x.weight").toFloatArray();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(w.load(m, "x.weight").mul(Float.NaN).sum());
            }
            assertFalse(w.adamStep(n -> true, 0.1, 0.9, 0.99, 1e-8));
            assertArrayEquals(before, w.param("x.weight").toFloatArray());
            assertEquals(0f, w.param("x.weight").getGradient().abs().sum().getFloat(), "gradient cleared after the skip");
        }
    }

    @Test
    void weightDecayShrinksMatricesOnly() {
        try (NDManager m = NDManager.newBaseManager(); TrainableWeights w = new TrainableWeights(m, 1)) {
            w.recording(true);
            w.load(m, "layer.weight", 4, 3);
            w.load(m, "layer.bias", 4);
            w.recording(false);
            w.put("layer.bias", m.create(new float[] {1, 2, 3, 4}));
            float[] before = w.param("layer.weight").toFloatArray();
            // a zero gradient: Adam moves nothing, so only the decay acts
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(w.load(m, "layer.weight").sum().mul(0f).add(w.load(m, "layer.bias").sum().mul(0f)));
            }
            assertTrue(w.adamStep(n -> true, 0.1, 0.9, 0.99, 1e-8, 0.5));
            float[] after = w.param("layer.weight").toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i] * 0.95f, after[i], 1e-6f, "decoupled decay: p -= lr * wd * p");
            }
            assertArrayEquals(new float[] {1, 2, 3, 4}, w.param("layer.bias").toFloatArray(), "vectors are not decayed");
        }
    }
}
