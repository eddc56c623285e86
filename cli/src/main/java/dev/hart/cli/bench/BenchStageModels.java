package dev.hart.cli.bench;

import dev.hart.cli.generate.StageModels;
import dev.hart.model.checkpoint.ModelSource;
import dev.hart.runtime.pipeline.CheckpointId;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.HartArModel;
import dev.hart.stage.decoder.HartLatentDecoder;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.diffusion.HartResidualModel;
import dev.hart.stage.common.ResidualModel;

/**
 * The stage-facing models of a {@link BenchModel} (random weights or a checkpoint): the stages' own adapters, so the
 * pipeline and the direct path run exactly the stages' model code, over one set of weights the bench model keeps
 * open for all three. The AR stage uses the hashed-word prompt encoder, so pipeline timings leave the text encoder
 * out; it is timed on its own by {@link TextEncoderBench}.
 */
final class BenchStageModels implements StageModels {
    private final BenchModel model;
    private final String checkpointId;

    BenchStageModels(BenchModel model, String checkpointId) {
        this.model = model;
        this.checkpointId = checkpointId;
    }

    static BenchStageModels of(BenchModel model) {
        return new BenchStageModels(model, CheckpointId.ofRandomWeights("bench-" + model.name()));
    }

    @Override
    public String checkpointId() {
        return checkpointId;
    }

    @Override
    public String describe() {
        return model.description() + ", hashed-word prompt encoder";
    }

    /** The bench model's weights as a stage's model source; closing it leaves them open for the other stages. */
    private ModelSource sharedSource() {
        return ModelSource.borrowed(model.description(), model.llmConfig(), model.tokenizerConfig(), model.llmWeights(),
                model.vaeWeights());
    }

    @Override
    public ArModel loadAr() {
        return HartArModel.loadWithHashedPrompts(this::sharedSource, checkpointId);
    }

    @Override
    public ResidualModel loadResidual() {
        return HartResidualModel.load(this::sharedSource, checkpointId);
    }

    @Override
    public LatentDecoder loadDecoder() {
        return HartLatentDecoder.load(this::sharedSource, checkpointId);
    }
}
