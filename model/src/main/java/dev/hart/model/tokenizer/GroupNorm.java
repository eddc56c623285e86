package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import dev.hart.model.checkpoint.ParamLoader;
import dev.hart.model.config.TokenizerConfig;

/** GroupNorm(32 groups, eps 1e-6, affine) as every VAE norm. */
final class GroupNorm {

    static final double EPS = 1e-6;

    private final NDArray gamma;
    private final NDArray beta;

    private GroupNorm(NDArray gamma, NDArray beta) {
        this.gamma = gamma;
        this.beta = beta;
    }

    static GroupNorm load(ParamLoader p, int channels) {
        return new GroupNorm(p.get("weight", channels), p.get("bias", channels));
    }

    NDArray forward(NDArray x) {
        return VaeOps.groupNorm(x, TokenizerConfig.NORM_GROUPS, gamma, beta, EPS);
    }
}
