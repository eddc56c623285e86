package dev.hart.cli.bench.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.config.NamedConfigs;
import dev.hart.model.config.TokenizerConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The decoder's most frequent expensive op: a 3x3, stride 1, padding 1 convolution of the top level (ch·ch_mult[0]
 * channels in and out) at full image resolution, batch 1 — the op the decoder's resnet blocks repeat six times there.
 * Same engine call as the model's {@code VaeOps.conv2d}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DecoderConvBenchmark {

    @Param({"hart-0.7b-256px"})
    public String config;

    private NDManager root;
    private NDArray x;
    private NDArray weight;
    private NDArray bias;

    @Setup(Level.Trial)
    public void load() {
        root = HotSpotState.start();
        var named = NamedConfigs.get(config);
        TokenizerConfig t = named.tokenizer();
        int side = named.llm().lastPatch() * t.downsample();
        int ch = t.channels(0);
        x = HotSpotState.randn(root, 1, ch, side, side);
        weight = HotSpotState.randn(root, ch, ch, 3, 3).mul(1.0 / Math.sqrt(9.0 * ch));
        bias = root.zeros(new Shape(ch));
    }

    @Benchmark
    public long conv3x3FullResolution() {
        try (NDScope ignored = new NDScope()) {
            return x.getNDArrayInternal().convolution(x, weight, bias, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                    .singletonOrThrow().getShape().size();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        root.close();
    }
}
