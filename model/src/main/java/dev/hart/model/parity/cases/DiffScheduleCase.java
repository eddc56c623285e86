package dev.hart.model.parity.cases;

import dev.hart.model.config.HartConfig;
import dev.hart.model.diffusion.DiffusionSchedule;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;

import java.util.Arrays;

/** {@code diff_schedule}: the respaced and base cosine schedule tables (float64). */
public final class DiffScheduleCase implements CaseKind {

    @Override
    public String kind() {
        return "diff_schedule";
    }

    @Override
    public void run(CaseContext ctx) {
        HartConfig cfg = ParityModels.llmConfig(ctx);
        DiffusionSchedule s = DiffusionSchedule.cosine(cfg.numSamplingSteps());
        int n = s.steps();
        long[] shape = {n};
        ctx.put("timestep_map", shape, Arrays.stream(s.timestepMap()).asLongStream().toArray());
        ctx.put("betas", shape, s.betas());
        ctx.put("alphas_cumprod", shape, s.alphasCumprod());
        ctx.put("alphas_cumprod_prev", shape, s.alphasCumprodPrev());
        ctx.put("sqrt_recip_alphas_cumprod", shape, s.sqrtRecipAlphasCumprod());
        ctx.put("sqrt_recipm1_alphas_cumprod", shape, s.sqrtRecipm1AlphasCumprod());
        ctx.put("posterior_variance", shape, s.posteriorVariance());
        ctx.put("posterior_log_variance_clipped", shape, s.posteriorLogVarianceClipped());
        ctx.put("posterior_mean_coef1", shape, s.posteriorMeanCoef1());
        ctx.put("posterior_mean_coef2", shape, s.posteriorMeanCoef2());
        DiffusionSchedule base = DiffusionSchedule.cosine("");
        ctx.put("base1000.betas", new long[] {base.steps()}, base.betas());
        ctx.put("base1000.alphas_cumprod", new long[] {base.steps()}, base.alphasCumprod());
    }
}
