package dev.hart.stage.diffusion;

import dev.hart.model.pipeline.ArResult;
import dev.hart.model.pipeline.TensorData;

/**
 * Skips the residual diffusion: final {@code f_hat = fHat + tokensToLatent(finalTokens)} (HART's final hybrid step
 * with a zero residual). For checkpoints loaded without the diffusion MLP, and as the fallback while the model module
 * has no residual sampler; images are then the discrete-token images (blurrier than HART's).
 */
public final class DiscreteOnlyResidual implements ResidualModel {
    private final String checkpointId;
    private final int steps;

    public DiscreteOnlyResidual(String checkpointId, int defaultSteps) {
        this.checkpointId = checkpointId;
        this.steps = defaultSteps;
    }

    @Override
    public String checkpointId() {
        return checkpointId;
    }

    @Override
    public int defaultSteps() {
        return steps;
    }

    @Override
    public TensorData finalLatent(ArResult ar, int steps) {
        return addFinalTokens(ar.fHat(), ar.finalTokens());
    }

    /** {@code fHat [C, P, P] + tokens [P*P, C]} laid out as [C, P, P]. */
    public static TensorData addFinalTokens(TensorData fHat, TensorData tokens) {
        int c = (int) fHat.dim(0);
        int p2 = (int) (fHat.dim(1) * fHat.dim(2));
        tokens.requireShape("final tokens", p2, c);
        float[] f = fHat.data();
        float[] t = tokens.data();
        float[] out = new float[f.length];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < p2; i++) {
                out[ch * p2 + i] = f[ch * p2 + i] + t[i * c + ch];
            }
        }
        return new TensorData(fHat.shape(), out);
    }
}
