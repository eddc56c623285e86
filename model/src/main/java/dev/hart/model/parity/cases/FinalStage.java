package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.RandomSource;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;

/** The residual diffusion of the t2i case on the whole batch's condition (tape draws are batch-wide). */
final class FinalStage {

    private FinalStage() {
    }

    /** Diffusion output [2B·P², Cvae] (×0.6 included); records {@code final.diff.*} and {@code final.diff_out}. */
    static NDArray residual(HartCheckpointDir ckpt, HartConfig config, NDManager m, NDArray z, double cfg,
                            RandomSource tape, Trace trace) {
        throw new UnsupportedOperationException("residual diffusion not available yet");
    }
}
