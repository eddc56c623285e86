package dev.hart.model.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.RandomSource;
import dev.hart.model.SeededRandomSource;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;
import dev.hart.model.diffusion.ResidualDiffusion;
import dev.hart.model.io.WeightSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The residual-diffusion stage: from an {@link ArResult} to the final latent
 * {@code f_hat + (h + residual)ᵀ} [Cvae, P, P] (spec 4.5; no phi, no interpolation at the last scale).
 * Loads only the diffusion MLP ({@code diffloss.*}).
 *
 * <p>The noise comes from {@link #diffusionRandom(long)}: a generator derived from the request's seed,
 * independent of the AR stage's generator, so the split topology (another process) and the fused one give
 * the same image.
 */
public final class ResidualSampler implements AutoCloseable {

    /** Mixed into the request seed for the diffusion's own stream. */
    private static final long DIFFUSION_STREAM = 0x6A09E667F3BCC909L;

    private final ResidualDiffusion diffusion;
    private final int cvae;
    private final ai.djl.Device device;   // where the weights live; every call computes there

    private ResidualSampler(ResidualDiffusion diffusion, int cvae, ai.djl.Device device) {
        this.diffusion = diffusion;
        this.cvae = cvae;
        this.device = device;
    }

    public static ResidualSampler load(HartCheckpointDir checkpoint, NDManager parent) {
        return load(checkpoint.llmWeights(), checkpoint.llmConfig(), checkpoint.tokenizerConfig().zChannels(), parent);
    }

    /** @param cvae the tokenizer's latent channels (the diffusion's data width) */
    public static ResidualSampler load(WeightSource llmWeights, HartConfig config, int cvae, NDManager parent) {
        return new ResidualSampler(ResidualDiffusion.load(llmWeights, config, cvae, parent), cvae, parent.getDevice());
    }

    /** The diffusion noise generator of a request. */
    public static RandomSource diffusionRandom(long seed) {
        return new SeededRandomSource(seed ^ DIFFUSION_STREAM);
    }

    /** The checkpoint's number of sampling steps ({@code num_sampling_steps}). */
    public int defaultSteps() {
        return diffusion.schedule().steps();
    }

    /** The final latent of one request with the checkpoint's step count; the noise comes from {@code r.seed()}. */
    public TensorData finalLatent(ArResult r) {
        return finalLatents(List.of(r), List.of(defaultSteps())).get(0);
    }

    /**
     * The final latents of several requests, each from its own seed ({@code ArResult.seed()}) with its own guidance
     * weight and step count (1 to {@link ResidualDiffusion#MAX_STEPS}, the reference's schedule respaced to it).
     * Requests that share a step count and guided-ness are sampled in one model call per step; the result of each is
     * the same whatever its neighbours.
     */
    public List<TensorData> finalLatents(List<ArResult> results, List<Integer> steps) {
        if (results.size() != steps.size()) {
            throw new IllegalArgumentException(results.size() + " results but " + steps.size() + " step counts");
        }
        for (int i = 0; i < results.size(); i++) {
            check(results.get(i));
            diffusion.schedule(steps.get(i));   // range check before any work
        }
        // one call per (step count, guided) group, in first-seen order
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < results.size(); i++) {
            groups.computeIfAbsent(steps.get(i) + "/" + (results.get(i).diffusionCfg() != 1.0), k -> new ArrayList<>()).add(i);
        }
        TensorData[] out = new TensorData[results.size()];
        JniUtils.setGradMode(false);
        for (List<Integer> group : groups.values()) {
            List<TensorData> latents = sampleGroup(group.stream().map(results::get).toList(), steps.get(group.get(0)));
            for (int k = 0; k < group.size(); k++) {
                out[group.get(k)] = latents.get(k);
            }
        }
        return List.of(out);
    }

    private void check(ArResult r) {
        if (r == null) {
            throw new IllegalArgumentException("an ArResult is required");
        }
        long p2 = (long) r.latentSide() * r.latentSide();
        if (r.latentChannels() != cvae) {
            throw new IllegalArgumentException("ArResult has " + r.latentChannels() + " latent channels, the diffusion model " + cvae);
        }
        r.finalTokens().requireShape("finalTokens", p2, cvae);
        r.diffusionCondition().requireShape("diffusionCondition", 2 * p2, -1);
    }

    /** Requests of one step count and guided-ness: conditions laid out as the sampler's batch layout, one call. */
    private List<TensorData> sampleGroup(List<ArResult> group, int steps) {
        int b = group.size();
        int side = group.get(0).latentSide();
        long p2 = (long) side * side;
        for (ArResult r : group) {
            if (r.latentSide() != side) {
                throw new IllegalArgumentException("latents of one batch must have one side, got " + side + " and " + r.latentSide());
            }
        }
        boolean guided = group.get(0).diffusionCfg() != 1.0;
        double[] cfg = new double[b];
        List<RandomSource> noise = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            cfg[i] = group.get(i).diffusionCfg();
            noise.add(diffusionRandom(group.get(i).seed()));
        }
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDList conds = new NDList();
            NDList unconds = new NDList();
            for (ArResult r : group) {
                NDArray z = r.diffusionCondition().toNDArray(m);
                conds.add(guided ? z.get("0:" + p2) : z);
                if (guided) {
                    unconds.add(z.get(p2 + ":"));
                }
            }
            // guided: [cond rows of every request; uncond rows of every request]; unguided: each request's 2P² rows
            // are sampled as they are (the reference then keeps the first half)
            conds.addAll(unconds);
            NDArray z = NDArrays.concat(conds, 0);
            NDArray res = diffusion.sample(z, 1.0, cfg, noise, diffusion.schedule(steps), Trace.NONE);
            List<TensorData> out = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                ArResult r = group.get(i);
                long first = guided ? i * p2 : 2 * i * p2;
                NDArray mine = res.get(first + ":" + (first + p2));                         // its conditional rows
                out.add(latent(r, r.finalTokens().toNDArray(m).add(mine)));
            }
            return out;
        }
    }

    /**
     * The latent of a request without the residual: {@code f_hat + hᵀ}, what HART decodes when the diffusion is
     * skipped (the "discrete-only" image the demo evaluation compares with).
     */
    public static TensorData discreteLatent(ArResult r) {
        try (NDManager m = NDManager.newBaseManager()) {
            return latent(r, r.finalTokens().toNDArray(m));
        }
    }

    /** {@code f_hat + tokensᵀ} with tokens [P², Cvae] → [Cvae, P, P]. */
    private static TensorData latent(ArResult r, NDArray tokens) {
        int side = r.latentSide();
        NDArray fHat = r.fHat().toNDArray(tokens.getManager());
        return TensorData.of(fHat.add(tokens.transpose().reshape(r.latentChannels(), side, side)));
    }

    @Override
    public void close() {
        diffusion.close();
    }
}
