package dev.hart.model.pipeline;

import ai.djl.ndarray.NDArray;
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
import java.util.List;

/**
 * The residual-diffusion stage: from an {@link ArResult} to the final latent
 * {@code f_hat + (h + residual)ᵀ} [Cvae, P, P] (spec 4.5; no phi, no interpolation at the last stage).
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

    private ResidualSampler(ResidualDiffusion diffusion, int cvae) {
        this.diffusion = diffusion;
        this.cvae = cvae;
    }

    public static ResidualSampler load(HartCheckpointDir checkpoint, NDManager parent) {
        return load(checkpoint.llmWeights(), checkpoint.llmConfig(), checkpoint.tokenizerConfig().zChannels(), parent);
    }

    /** @param cvae the tokenizer's latent channels (the diffusion's data width) */
    public static ResidualSampler load(WeightSource llmWeights, HartConfig config, int cvae, NDManager parent) {
        return new ResidualSampler(ResidualDiffusion.load(llmWeights, config, cvae, parent), cvae);
    }

    /** The diffusion noise generator of a request. */
    public static RandomSource diffusionRandom(long seed) {
        return new SeededRandomSource(seed ^ DIFFUSION_STREAM);
    }

    /**
     * The final latent of one request.
     *
     * @param r the AR stage's result
     * @param p the request's settings ({@code seed} drives the noise)
     */
    public TensorData finalLatent(ArResult r, SamplingParams p) {
        if (r == null || p == null) {
            throw new IllegalArgumentException("an ArResult and its SamplingParams are required");
        }
        int side = r.latentSide();
        long p2 = (long) side * side;
        if (r.latentChannels() != cvae) {
            throw new IllegalArgumentException("ArResult has " + r.latentChannels() + " latent channels, the diffusion model " + cvae);
        }
        r.finalTokens().requireShape("finalTokens", p2, cvae);
        r.diffusionCondition().requireShape("diffusionCondition", 2 * p2, -1);
        JniUtils.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = r.diffusionCondition().toNDArray(m);
            NDArray res = diffusion.sample(z, 1.0, r.diffusionCfg(), diffusionRandom(p.seed()), Trace.NONE)
                    .get("0:" + p2);                                                 // conditional half
            NDArray tokens = r.finalTokens().toNDArray(m).add(res);                  // [P², Cvae]
            NDArray fHat = r.fHat().toNDArray(m).add(tokens.transpose().reshape(cvae, side, side));
            return TensorData.of(fHat);
        }
    }

    /** {@link #finalLatent} for several requests (each with its own noise). */
    public List<TensorData> finalLatents(List<ArResult> results, List<SamplingParams> params) {
        if (results.size() != params.size()) {
            throw new IllegalArgumentException(results.size() + " results but " + params.size() + " sampling settings");
        }
        List<TensorData> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            out.add(finalLatent(results.get(i), params.get(i)));
        }
        return out;
    }

    @Override
    public void close() {
        diffusion.close();
    }
}
