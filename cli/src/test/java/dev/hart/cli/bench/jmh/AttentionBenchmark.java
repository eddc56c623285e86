package dev.hart.cli.bench.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.NamedConfigs;
import dev.hart.model.transformer.KvCache;
import dev.hart.model.transformer.LlamaAttention;
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
 * One transformer block's attention (the model's {@link LlamaAttention}: fused qkv, rotary, scores against the KV
 * cache, output projection) at the last scale of a config, both CFG halves, with the cache holding every earlier
 * scale (filled outside the measurement).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class AttentionBenchmark {

    @Param({"hart-0.7b-256px"})
    public String config;

    private NDManager root;
    private LlamaAttention attention;
    private NDArray prefixX;
    private NDArray prefixCos;
    private NDArray prefixSin;
    private NDArray x;
    private NDArray cos;
    private NDArray sin;
    private KvCache cache;

    @Setup(Level.Trial)
    public void load() {
        root = HotSpotState.start();
        var named = NamedConfigs.get(config);
        HartConfig c = named.llm();
        attention = LlamaAttention.load(HotSpotState.llm(named), root, "blocks.0.attn.", c.embedDim(), c.numHeads());
        int last = c.lastPatch() * c.lastPatch();
        int prefix = c.contextToken();
        for (int si = 1; si < c.numScales() - 1; si++) {
            prefix += c.patchNum(si) * c.patchNum(si);
        }
        int hd = c.headDim();
        prefixX = HotSpotState.randn(root, 2, prefix, c.embedDim());
        prefixCos = root.ones(new ai.djl.ndarray.types.Shape(2, prefix, hd));
        prefixSin = root.zeros(new ai.djl.ndarray.types.Shape(2, prefix, hd));
        x = HotSpotState.randn(root, 2, last, c.embedDim());
        cos = root.ones(new ai.djl.ndarray.types.Shape(2, last, hd));
        sin = root.zeros(new ai.djl.ndarray.types.Shape(2, last, hd));
    }

    @Setup(Level.Invocation)
    public void fillCache() {
        cache = new KvCache();
        try (NDScope ignored = new NDScope()) {
            attention.forward(prefixX, prefixCos, prefixSin, cache);
        }
    }

    @Benchmark
    public long lastScale() {
        try (NDScope ignored = new NDScope()) {
            return attention.forward(x, cos, sin, cache).getShape().size();
        }
    }

    @TearDown(Level.Invocation)
    public void dropCache() {
        cache.keys().close();
        cache.values().close();
    }

    @TearDown(Level.Trial)
    public void close() {
        root.close();
    }
}
