package dev.hart.cli.bench.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.config.NamedConfigs;
import dev.hart.model.diffusion.SimpleMlpAdaLn;
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
 * One denoising step of the residual diffusion MLP for one image: the net on 2·P² rows (conditional and
 * unconditional halves) with classifier-free guidance, as each of the 8 sampling steps runs it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DiffusionStepBenchmark {

    @Param({"hart-0.7b-256px"})
    public String config;

    private NDManager root;
    private SimpleMlpAdaLn net;
    private NDArray x;
    private NDArray t;
    private NDArray c;

    @Setup(Level.Trial)
    public void load() {
        root = HotSpotState.start();
        var named = NamedConfigs.get(config);
        int cvae = named.tokenizer().zChannels();
        net = SimpleMlpAdaLn.load(HotSpotState.llm(named), named.llm(), cvae, root);
        long rows = 2L * named.llm().lastPatch() * named.llm().lastPatch();
        x = HotSpotState.randn(root, rows, cvae);
        t = root.full(new Shape(rows), 500f);
        c = HotSpotState.randn(root, rows, named.llm().embedDim());
    }

    @Benchmark
    public long stepWithCfg() {
        try (NDScope ignored = new NDScope()) {
            return net.forwardWithCfg(x, t, c, 4.5).getShape().size();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        net.close();
        root.close();
    }
}
