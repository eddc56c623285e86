package dev.hart.stage.diffusion;

import dev.hart.stage.common.ResidualModel;
import ai.djl.ndarray.NDManager;
import dev.hart.model.checkpoint.ModelSource;
import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.ResidualSampler;
import dev.hart.model.inference.TensorData;

import java.util.List;
import java.util.function.Supplier;

/**
 * The checkpoint's residual diffusion (the {@code diffloss.*} MLP only) via the model's {@link ResidualSampler}: any
 * step count (the reference's schedule respaced to it), one model call per batch. The noise comes from the request's
 * seed, so split and fused topologies give the same latent.
 */
public final class HartResidualModel implements ResidualModel {
    private final String checkpointId;
    private final ModelSource source;
    private final NDManager manager;
    private final ResidualSampler sampler;
    private final int steps;
    private final int latentChannels;
    private final int latentSide;

    private HartResidualModel(String checkpointId, ModelSource source, NDManager manager, ResidualSampler sampler) {
        this.latentChannels = source.tokenizerConfig().zChannels();
        this.latentSide = source.llmConfig().lastPatch();
        this.checkpointId = checkpointId;
        this.source = source;
        this.manager = manager;
        this.sampler = sampler;
        this.steps = sampler.defaultSteps();
    }

    /** Loads the diffusion MLP from a freshly opened source, which this model then owns. */
    public static HartResidualModel load(Supplier<ModelSource> opener, String checkpointId) {
        return ModelSource.loadOwned(opener, (src, m) -> new HartResidualModel(checkpointId, src, m,
                ResidualSampler.load(src.llmWeights(), src.llmConfig(), src.tokenizerConfig().zChannels(), m)));
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
    public List<TensorData> finalLatents(List<ArResult> ars, List<Integer> steps) {
        return sampler.finalLatents(ars, steps);
    }

    @Override
    public void close() {
        sampler.close();
        manager.close();
        source.close();
    }
}
