package dev.hart.cli.bench.jmh;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.checkpoint.RandomWeights;
import dev.hart.model.config.NamedConfigs;

/** Shared set-up of the JMH benchmarks: the engine, gradients off, seeded random weights of a named config. */
final class HotSpotState {

    private HotSpotState() {
    }

    static NDManager start() {
        System.setProperty("ai.djl.offline", "true");
        Engine.getInstance();           // the native library must be loaded before any JNI call
        JniUtils.setGradMode(false);
        return NDManager.newBaseManager();
    }

    static RandomWeights llm(NamedConfigs.NamedConfig c) {
        return RandomWeights.llm(c.llm(), c.tokenizer(), 1);
    }

    static NDArray randn(NDManager m, long... shape) {
        return m.randomNormal(new Shape(shape));
    }
}
