package dev.hart.stage.diffusion;

import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.ModelSource;
import dev.hart.model.pipeline.ArResult;
import dev.hart.model.pipeline.ResidualSampler;
import dev.hart.model.pipeline.SamplingParams;
import dev.hart.model.pipeline.TensorData;

import java.util.function.Supplier;

/**
 * The checkpoint's residual diffusion (the {@code diffloss.*} MLP only) via the model's {@link ResidualSampler}. The
 * noise comes from the request's seed, so split and fused topologies give the same latent.
 */
public final class HartResidualModel implements ResidualModel {
    private final String checkpointId;
    private final ModelSource source;
    private final NDManager manager;
    private final ResidualSampler sampler;
    private final int steps;
    private final int latentChannels;
    private final int latentSide;

    private HartResidualModel(String checkpointId, ModelSource source, NDManager manager, ResidualSampler sampler,
                              int steps) {
        this.latentChannels = source.tokenizerConfig().zChannels();
        this.latentSide = source.llmConfig().lastPatch();
        this.checkpointId = checkpointId;
        this.source = source;
        this.manager = manager;
        this.sampler = sampler;
        this.steps = steps;
    }

    /** Loads the diffusion MLP from a freshly opened source, which this model then owns. */
    public static HartResidualModel load(Supplier<ModelSource> opener, String checkpointId) {
        return ModelSource.loadOwned(opener, (src, m) -> new HartResidualModel(checkpointId, src, m,
                ResidualSampler.load(src.llmWeights(), src.llmConfig(), src.tokenizerConfig().zChannels(), m),
                src.llmConfig().diffusionSteps()));
    }

    @Override
    public String checkpointId() {
        return checkpointId;
    }

    @Override
    public int latentChannels() {
        return latentChannels;
    }

    @Override
    public int latentSide() {
        return latentSide;
    }

    @Override
    public int defaultSteps() {
        return steps;
    }

    @Override
    public TensorData finalLatent(ArResult ar, int requestedSteps) {
        if (requestedSteps != steps) {
            throw new IllegalArgumentException("request asks for " + requestedSteps + " diffusion steps; checkpoint '"
                    + checkpointId + "' is sampled with its configured " + steps + " steps only");
        }
        // the sampler reads only the seed (its noise stream) from the settings; cfg travels in the ArResult
        return sampler.finalLatent(ar, SamplingParams.defaults().withSeed(ar.seed()));
    }

    @Override
    public void close() {
        sampler.close();
        manager.close();
        source.close();
    }
}
