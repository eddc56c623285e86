package dev.hart.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.RandomSource;
import dev.hart.model.SeededRandomSource;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.inference.ArGenerator;
import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.ImageDecoder;
import dev.hart.model.inference.ResidualSampler;
import dev.hart.model.inference.SamplingParams;
import dev.hart.model.inference.TensorData;
import dev.hart.model.sampling.InverseCdfTokenSampler;
import dev.hart.model.sampling.PerRequestRandomness;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Model-only timings of one model: the AR transformer (per scale), the residual diffusion and the decoder (+ PNG),
 * each on its own over a batch-size sweep, with synthetic inputs of the right shapes (timings do not depend on
 * the values). Analytic MACs come from {@link ModelMacs}.
 */
final class ModelBench {

    private final BenchModel model;
    private final TimingLoop loop;
    private final double peakGflops;
    private final Consumer<String> log;

    ModelBench(BenchModel model, TimingLoop loop, double peakGflops, Consumer<String> log) {
        this.model = model;
        this.loop = loop;
        this.peakGflops = peakGflops;
        this.log = log;
    }

    /**
     * @param batches the AR batch sweep
     * @param stageBatches the diffusion and decoder sweep (their stages batch more, so it may go further)
     */
    void run(List<Integer> batches, List<Integer> stageBatches, BenchResults out) {
        HartConfig c = model.llmConfig();
        TokenizerConfig t = model.tokenizerConfig();
        JniUtils.setGradMode(false);
        try (NDManager root = dev.hart.model.nn.ComputeDevice.newRootManager()) {
            log.accept("  loading " + model.description() + " ...");
            long t0 = System.nanoTime();
            try (ArGenerator ar = ArGenerator.load(model.llmWeights(), c, model.vaeWeights(), t, root)) {
                log.accept(String.format("  transformer loaded in %.1f s", (System.nanoTime() - t0) / 1e9));
                for (int b : batches) {
                    benchAr(ar, b, out);
                }
            }
            try (ResidualSampler diffusion = ResidualSampler.load(model.llmWeights(), c, t.zChannels(), root)) {
                for (int b : stageBatches) {
                    benchDiffusion(diffusion, b, out);
                }
            }
            try (ImageDecoder decoder = ImageDecoder.load(model.vaeWeights(), t, root)) {
                for (int b : stageBatches) {
                    benchDecoder(decoder, b, out);
                }
            }
        }
    }

    private void benchAr(ArGenerator ar, int b, BenchResults out) {
        HartConfig c = model.llmConfig();
        int tokens = c.contextToken();
        float[] ctx = gaussian(new Random(b), (long) b * tokens * c.contextDim());
        long[] mask = new long[b * tokens];
        long[] pos = new long[b * tokens];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < tokens; j++) {
                mask[r * tokens + j] = 1;
                pos[r * tokens + j] = j;
            }
        }
        List<SamplingParams> params = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            params.add(SamplingParams.defaults().withSeed(1000L + r));
        }
        ScaleTimer timer = new ScaleTimer(c.numScales());
        List<double[]> perCall = new ArrayList<>();   // warm-up calls included; only the timed tail is used
        double macs = ModelMacs.arTotal(c, model.tokenizerConfig(), b);
        // warmed up even when long: a first call pays for growing the native heap, which a running stage pays once
        TimingLoop arLoop = loop;
        List<Double> ms = arLoop.run(() -> {
            List<RandomSource> sources = new ArrayList<>();
            for (SamplingParams p : params) {
                sources.add(new SeededRandomSource(p.seed()));
            }
            var settings = new ArGenerator.BatchSettings(params, InverseCdfTokenSampler.INSTANCE, new PerRequestRandomness(sources));
            try (NDManager m = dev.hart.model.nn.ComputeDevice.newRootManager()) {
                NDArray context = m.create(ctx, new Shape(b, tokens, c.contextDim()));
                NDArray maskArr = m.create(mask, new Shape(b, tokens));
                NDArray posArr = m.create(pos, new Shape(b, tokens));
                timer.start();
                ar.run(m, context, maskArr, posArr, settings, timer);
                perCall.add(timer.scaleMillis());
            }
        });
        PartRow row = addPart(out, "ar", b, ms, macs, arLoop.warmup(), "");
        double[] scaleSum = new double[c.numScales()];
        for (double[] call : perCall.subList(perCall.size() - ms.size(), perCall.size())) {
            for (int si = 0; si < call.length; si++) {
                scaleSum[si] += call[si];
            }
        }
        double total = 0;
        for (double s : scaleSum) {
            total += s;
        }
        for (int si = 0; si < scaleSum.length; si++) {
            double msScale = scaleSum[si] / ms.size();
            double m = ModelMacs.arStage(c, model.tokenizerConfig(), b, si);
            out.scales.add(new BenchResults.ScaleTiming(model.name(), b, si, c.patchNum(si), c.tokensPerScale()[si], msScale,
                    scaleSum[si] / total, m, 2 * m / (msScale * 1e6)));
        }
        log.accept(row.line());
    }

    private void benchDiffusion(ResidualSampler diffusion, int b, BenchResults out) {
        HartConfig c = model.llmConfig();
        int cvae = model.tokenizerConfig().zChannels();
        int p = c.lastPatch();
        Random rnd = new Random(7 + b);
        List<ArResult> inputs = new ArrayList<>();
        List<SamplingParams> params = new ArrayList<>();
        double ratio = c.scaleRatio(c.numScales() - 1);
        for (int r = 0; r < b; r++) {
            SamplingParams sp = SamplingParams.defaults().withSeed(2000L + r);
            params.add(sp);
            inputs.add(new ArResult(
                    new TensorData(new long[] {cvae, p, p}, gaussian(rnd, (long) cvae * p * p)),
                    new TensorData(new long[] {(long) p * p, cvae}, gaussian(rnd, (long) p * p * cvae)),
                    new TensorData(new long[] {2L * p * p, c.embedDim()}, gaussian(rnd, 2L * p * p * c.embedDim())),
                    List.of(), sp.cfg() * ratio, sp.seed()));
        }
        double macs = ModelMacs.diffusion(c, model.tokenizerConfig(), b);
        TimingLoop l = loop;
        List<Integer> steps = java.util.Collections.nCopies(b, diffusion.defaultSteps());
        List<Double> ms = l.run(() -> diffusion.finalLatents(inputs, steps));
        log.accept(addPart(out, "diffusion", b, ms, macs, l.warmup(), "one model call per batch").line());
    }

    private void benchDecoder(ImageDecoder decoder, int b, BenchResults out) {
        TokenizerConfig t = model.tokenizerConfig();
        int p = model.llmConfig().lastPatch();
        Random rnd = new Random(11 + b);
        List<TensorData> latents = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            latents.add(new TensorData(new long[] {t.zChannels(), p, p}, gaussian(rnd, (long) t.zChannels() * p * p)));
        }
        double macs = ModelMacs.decoder(t, p, b);
        @SuppressWarnings("unchecked")
        List<TensorData>[] last = new List[1];
        TimingLoop l = loop;
        List<Double> ms = l.run(() -> last[0] = decoder.decodePixelsBatch(latents));
        log.accept(addPart(out, "decoder", b, ms, macs, l.warmup(), "").line());
        List<Double> png = loop.run(() -> {
            for (TensorData px : last[0]) {
                ImageDecoder.png(ImageDecoder.toImage(px));
            }
        });
        log.accept(addPart(out, "png", b, png, 0, loop.warmup(), "8-bit conversion + PNG encoding (Java)").line());
    }

    private record PartRow(BenchResults.PartTiming timing) {
        String line() {
            var x = timing;
            return String.format("  %-18s %-10s b=%-3d p50 %9.1f ms  p95 %9.1f ms  %8.2f img/s  %6.1f GFLOP/s (n=%d)",
                    x.config(), x.part(), x.batch(), x.latency().p50Ms(), x.latency().p95Ms(), x.imagesPerSecond(),
                    x.gflops(), x.latency().count());
        }
    }

    private PartRow addPart(BenchResults out, String part, int b, List<Double> ms, double macs, int warmup, String note) {
        LatencyStats s = LatencyStats.of(ms);
        double gflops = macs > 0 ? 2 * macs / (s.p50Ms() * 1e6) : 0;
        var timing = new BenchResults.PartTiming(model.name(), part, b, warmup,
                s, b * 1000.0 / s.meanMs(), macs, gflops, peakGflops > 0 ? gflops / peakGflops : 0, note);
        out.parts.add(timing);
        return new PartRow(timing);
    }

    static float[] gaussian(Random rnd, long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
