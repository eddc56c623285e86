package dev.hart.model.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.checkpoint.RandomWeights;
import dev.hart.model.config.NamedConfigs;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Measures per-image generation time with seeded random weights of a named config (see
 * {@link NamedConfigs}), per stage: AR transformer, residual diffusion, VAE decode.
 *
 * <pre>GenerationTiming &lt;config&gt; [images=2] [batch=1] [warmup=1]</pre>
 *
 * Text contexts are random hidden states with half of the T tokens real (the text encoder is not timed).
 */
public final class GenerationTiming {

    private GenerationTiming() {
    }

    /** CPU time of the whole process (all threads incl. native ones): less sensitive to a busy machine than wall time. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        if (args.length < 1) {
            System.err.println("usage: GenerationTiming <config: " + NamedConfigs.names() + "> [images] [batch] [warmup]");
            System.exit(2);
        }
        String name = args[0];
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        NamedConfigs.NamedConfig cfg = NamedConfigs.get(name);
        long t0 = System.nanoTime();
        try (NDManager m = NDManager.newBaseManager()) {
            JniUtils.setGradMode(false);   // after the engine is up
            RandomWeights llm = RandomWeights.llm(cfg.llm(), cfg.tokenizer(), 1);
            RandomWeights vae = RandomWeights.vae(cfg.tokenizer(), 2);
            ArGenerator ar = ArGenerator.load(llm, cfg.llm(), vae, cfg.tokenizer(), m);
            ResidualSampler res = ResidualSampler.load(llm, cfg.llm(), cfg.tokenizer().zChannels(), m);
            ImageDecoder dec = ImageDecoder.load(vae, cfg.tokenizer(), m);
            System.out.printf(Locale.ROOT, "%s: loaded random weights in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);

            int t = cfg.llm().contextToken();
            int dim = cfg.llm().contextDim();
            int runs = warmup + Math.max(1, images / batch);
            double arS = 0;
            double resS = 0;
            double decS = 0;
            int timed = 0;
            List<Double> perImage = new ArrayList<>();
            double cpuS = 0;
            for (int run = 0; run < runs; run++) {
                Random rnd = new Random(run);
                float[] ctx = new float[batch * t * dim];
                for (int i = 0; i < ctx.length; i++) {
                    ctx[i] = (float) rnd.nextGaussian();
                }
                long[] mask = new long[batch * t];
                long[] pos = new long[batch * t];
                for (int b = 0; b < batch; b++) {
                    long p = -1;
                    for (int i = 0; i < t; i++) {
                        mask[b * t + i] = i < (t + 1) / 2 ? 1 : 0;
                        p += mask[b * t + i];
                        pos[b * t + i] = p;
                    }
                }
                List<SamplingParams> params = new ArrayList<>(Collections.nCopies(batch, SamplingParams.defaults()));
                for (int b = 0; b < batch; b++) {
                    params.set(b, SamplingParams.defaults().withSeed(run * 1000L + b));
                }
                long cpu0 = processCpuNanos();
                long a = System.nanoTime();
                List<ArResult> out = ar.generate(new TensorData(new long[] {batch, t, dim}, ctx), mask, pos, params);
                long r = System.nanoTime();
                List<TensorData> latents = res.finalLatents(out, params);
                long d = System.nanoTime();
                dec.decodePixelsBatch(latents);
                long e = System.nanoTime();
                long cpu1 = processCpuNanos();
                boolean measured = run >= warmup;
                System.out.printf(Locale.ROOT, "%s batch %d: ar %.3f s, diffusion %.3f s, decode %.3f s, process cpu %.3f s%s%n",
                        measured ? "run" : "warmup", batch, (r - a) / 1e9, (d - r) / 1e9, (e - d) / 1e9, (cpu1 - cpu0) / 1e9,
                        measured ? "" : " (not counted)");
                if (measured) {
                    arS += (r - a) / 1e9;
                    resS += (d - r) / 1e9;
                    decS += (e - d) / 1e9;
                    timed += batch;
                    perImage.add((e - a) / 1e9 / batch);
                    cpuS += (cpu1 - cpu0) / 1e9;
                }
            }
            int side = cfg.llm().lastPatch() * cfg.tokenizer().downsample();
            System.out.printf(Locale.ROOT, "%s (%d px, batch %d): per image %.3f s = ar %.3f + diffusion %.3f + decode %.3f (%d images)%n",
                    name, side, batch, (arS + resS + decS) / timed, arS / timed, resS / timed, decS / timed, timed);
            Collections.sort(perImage);
            System.out.printf(Locale.ROOT, "%s: median per image %.3f s over %d timed runs; process cpu per image %.3f s%n", name,
                    perImage.get(perImage.size() / 2), perImage.size(), cpuS / timed);
            dec.close();
            res.close();
            ar.close();
        }
    }
}
