package dev.hart.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.Trace;
import dev.hart.model.text.Qwen2Config;
import dev.hart.model.text.Qwen2Model;
import dev.hart.model.text.RandomQwen2Weights;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The text encoder HART uses (Qwen2-VL-1.5B's language model) with seeded random weights, on B prompts of
 * {@link #REAL_TOKENS} tokens (a real prompt's length: what {@code --max-token-length 40} encodes) and of HART's 300
 * (the reference's default, which encodes every padded position because HART reads their hidden states). Runs the model directly on token ids (tokenization is microseconds and needs the real
 * tokenizer files). Two reductions keep it small, both reported: the vocabulary is cut (the embedding is a
 * lookup, not compute) and with {@code layers} below 28 only that many decoder layers run and the time is scaled
 * linearly to 28 (every layer does the same work).
 */
final class TextEncoderBench {
    static final int TOKENS = 300;
    /** A typical prompt's token count; the part is named {@code text-encoder-40}. */
    static final int REAL_TOKENS = 40;
    private static final int BENCH_VOCAB = 8192;

    private final int layers;
    private final TimingLoop loop;
    private final double peakGflops;
    private final Consumer<String> log;

    TextEncoderBench(int layers, TimingLoop loop, double peakGflops, Consumer<String> log) {
        this.layers = layers;
        this.loop = loop;
        this.peakGflops = peakGflops;
        this.log = log;
    }

    void run(List<Integer> batches, BenchResults out) {
        Qwen2Config full = Qwen2Config.qwen2Vl1_5B();
        int ran = Math.min(layers, full.numHiddenLayers());
        Qwen2Config c = new Qwen2Config(full.hiddenSize(), ran, full.numAttentionHeads(), full.numKeyValueHeads(),
                full.headDim(), full.intermediateSize(), BENCH_VOCAB, full.ropeTheta(), full.rmsNormEps(),
                full.tieWordEmbeddings());
        double scale = (double) full.numHiddenLayers() / ran;
        String note = ran < full.numHiddenLayers()
                ? String.format("%d of %d layers run, time scaled x%.1f; vocab cut to %d", ran, full.numHiddenLayers(), scale, BENCH_VOCAB)
                : "vocab cut to " + BENCH_VOCAB;
        JniUtils.setGradMode(false);
        try (NDManager root = dev.hart.model.nn.ComputeDevice.newRootManager();
             Qwen2Model model = Qwen2Model.load(c, new RandomQwen2Weights(c, BenchModel.SEED), root)) {
            for (int tokens : new int[] {REAL_TOKENS, TOKENS}) {
                for (int b : batches) {
                    long[] ids = new long[b * tokens];
                    long[] mask = new long[b * tokens];
                    Random rnd = new Random(b);
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = rnd.nextInt(BENCH_VOCAB);
                        mask[i] = 1;
                    }
                    List<Double> ms = loop.run(() -> {
                        try (NDManager m = root.newSubManager()) {
                            NDArray hidden = model.forward(m.create(ids, new Shape(b, tokens)), m.create(mask, new Shape(b, tokens)),
                                    Trace.NONE);
                            hidden.toFloatArray(); // the stage copies the context out
                        }
                    }).stream().map(x -> x * scale).toList();
                    LatencyStats s = LatencyStats.of(ms);
                    double macs = ModelMacs.textEncoder(full, b, tokens);
                    String part = "text-encoder-" + tokens;
                    double gflops = 2 * macs / (s.p50Ms() * 1e6);
                    var timing = new BenchResults.PartTiming("qwen2-1.5b", part, b, loop.warmup(), s, b * 1000.0 / s.meanMs(),
                            macs, gflops, peakGflops > 0 ? gflops / peakGflops : 0, note);
                    out.parts.add(timing);
                    log.accept(String.format("  %-18s %-16s b=%-3d p50 %9.1f ms  p95 %9.1f ms  %8.2f img/s  %6.1f GFLOP/s (n=%d; %s)",
                            "qwen2-1.5b", part, b, s.p50Ms(), s.p95Ms(), timing.imagesPerSecond(), gflops, s.count(), note));
                }
            }
        }
    }
}
