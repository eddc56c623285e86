package dev.hart.cli.generate;

import dev.hart.stage.ar.ArModel;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.common.ResidualModel;

/** Where the stages get their weights from; each method loads only that stage's part. */
public interface StageModels {

    /** The checkpoint id every loaded part reports. */
    String checkpointId();

    /** The guidance scale for prompts that set none: the checkpoint's {@code default_cfg}, else the reference's 4.5. */
    default double defaultCfg() {
        return dev.hart.model.inference.SamplingParams.DEFAULT_CFG;
    }

    /** One line for the user: what is loaded from where. */
    String describe();

    ArModel loadAr();

    ResidualModel loadResidual();

    LatentDecoder loadDecoder();
}
