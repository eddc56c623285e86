package dev.hart.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TorchMemoryTest {

    /**
     * The scalar must survive until the backward pass even when Java collects garbage and reuses memory in
     * between (DJL's own {@code mul(Number)} is not safe here: its scalar lives in a freed direct buffer).
     */
    @Test
    void gradientOfAScalarProductSurvivesGarbageCollectionBeforeBackward() {
        System.setProperty("ai.djl.offline", "true");
        for (int round = 0; round < 20; round++) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.ones(new Shape(64));
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = TorchMemory.mul(x, 3f).sum();
                    churnDirectMemory();
                    gc.backward(y);
                }
                float[] g = x.getGradient().toFloatArray();
                for (float v : g) {
                    assertEquals(3f, v, 0f, "round " + round);
                }
            }
        }
    }

    /** Frees and re-allocates small direct buffers filled with NaN, the way DJL allocates scalars. */
    private static void churnDirectMemory() {
        for (int k = 0; k < 3; k++) {
            System.gc();
            List<ByteBuffer> keep = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                b.putFloat(0, Float.NaN);
                keep.add(b);
            }
            keep.clear();
        }
    }
}
