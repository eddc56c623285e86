package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.RandomSource;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;
import dev.hart.model.diffusion.ResidualDiffusion;

/** The residual diffusion of the t2i case on the whole batch's condition (tape draws are batch-wide). */
final class FinalScale {

    private FinalScale() {
    }

    /** Diffusion output [2B·P², Cvae] (×0.6 included); records {@code final.diff.*} and {@code final.diff_out}. */
    static NDArray residual(HartCheckpointDir ckpt, HartConfig config, int cvae, NDManager m, NDArray z, double cfg,
                            RandomSource tape, Trace trace) {
        try (ResidualDiffusion diffusion = ResidualDiffusion.load(ckpt.llmWeights(), config, cvae, m)) {
            NDArray out = diffusion.sample(z, 1.0, cfg, tape, trace.prefixed("final.diff."));
            trace.record("final.diff_out", out);
            return out;
        }
    }
}
