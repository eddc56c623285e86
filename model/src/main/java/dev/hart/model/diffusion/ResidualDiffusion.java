package dev.hart.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.RandomSource;
import dev.hart.model.Trace;
import dev.hart.model.config.HartConfig;
import dev.hart.model.io.WeightSource;

/**
 * HART's residual diffusion ({@code DiffLoss.sample}, spec 5.3): iDDPM ancestral sampling over the
 * respaced cosine schedule with learned-range variance and the reference's CFG wrapper, result scaled
 * by {@link #VAE_SCALE}.
 */
public final class ResidualDiffusion implements AutoCloseable {

    /** The reference multiplies the sampled latent by this ({@code DiffLoss.vae_scale}). */
    public static final float VAE_SCALE = 0.6f;

    private final SimpleMlpAdaLn net;
    private final DiffusionSchedule schedule;

    public ResidualDiffusion(SimpleMlpAdaLn net, DiffusionSchedule schedule) {
        this.net = net;
        this.schedule = schedule;
    }

    /** Loads only {@code diffloss.net.*} from the transformer weights; the schedule follows num_sampling_steps. */
    public static ResidualDiffusion load(WeightSource llmWeights, HartConfig config, int cvae, NDManager parent) {
        return new ResidualDiffusion(SimpleMlpAdaLn.load(llmWeights, config, cvae, parent),
                DiffusionSchedule.cosine(config.numSamplingSteps()));
    }

    public SimpleMlpAdaLn net() {
        return net;
    }

    public DiffusionSchedule schedule() {
        return schedule;
    }

    /**
     * Samples the residual for conditions {@code z} [N, C]: returns [N, Cvae] (×0.6) in z's manager.
     *
     * <p>With {@code cfg != 1.0} (exactly), z holds N/2 conditional rows then N/2 unconditional rows; the
     * initial noise is drawn for N/2 rows and duplicated, ε is guided, and only the first N/2 result rows
     * are meaningful (the caller keeps them). Random draws, in the reference's order: the initial noise,
     * then one [N, Cvae] normal draw per step (also at the last step, where it is multiplied by 0).
     * Traces {@code step<k>.{x_in,t,mean,log_variance,pred_xstart,sample}} (k = call index, t = respaced
     * step) and {@code sample}.
     */
    public NDArray sample(NDArray z, double temperature, double cfg, RandomSource random, Trace trace) {
        long n = z.getShape().get(0);
        int cvae = net.inChannels();
        boolean guided = cfg != 1.0;
        if (z.getShape().dimension() != 2 || z.getShape().get(1) != net.condDim()) {
            throw new IllegalArgumentException("diffusion condition must be [N, " + net.condDim() + "], got " + z.getShape());
        }
        if (guided && n % 2 != 0) {
            throw new IllegalArgumentException("guided diffusion needs an even number of rows, got " + n);
        }
        NDManager m = z.getManager();
        NDArray result;
        try (NDScope ignored = new NDScope()) {
            NDArray x;
            if (guided) {
                NDArray e0 = random.randn(m, new Shape(n / 2, cvae));
                x = e0.concat(e0, 0);
            } else {
                x = random.randn(m, new Shape(n, cvae));
            }
            NDArray cond = net.condEmbed(z);
            int steps = schedule.steps();
            for (int call = 0; call < steps; call++) {
                int k = steps - 1 - call;
                Trace st = trace.prefixed("step" + call + ".");
                st.record("x_in", x);
                if (st.enabled()) {
                    NDArray tk = m.full(new Shape(n), (long) k);
                    st.record("t", tk);
                }
                NDArray tOrig = m.create(new float[] {schedule.timestep(k)}, new Shape(1));
                NDArray y = net.timeEmbed(tOrig, Trace.NONE).add(cond);
                NDArray out = guided ? net.forwardWithCfgEmbedded(x, y, cfg) : net.forwardEmbedded(x, y);
                NDArray eps = out.get(":, 0:" + cvae);
                NDArray v = out.get(":, " + cvae + ":");
                NDArray frac = v.add(1).div(2);
                NDArray logVar = frac.mul(schedule.betaLogF(k))
                        .add(frac.neg().add(1).mul(schedule.posteriorLogVarianceClippedF(k)));
                NDArray x0 = x.mul(schedule.sqrtRecipF(k)).sub(eps.mul(schedule.sqrtRecipm1F(k))).clip(-1, 1);
                NDArray mean = x0.mul(schedule.coef1F(k)).add(x.mul(schedule.coef2F(k)));
                NDArray noise = random.randn(m, new Shape(n, cvae));
                NDArray next = k != 0
                        ? mean.add(logVar.mul(0.5f).exp().mul(noise).mul((float) temperature))
                        : mean.add(logVar.mul(0.5f).exp().mul(0f).mul(noise).mul((float) temperature));
                st.record("mean", mean);
                st.record("log_variance", logVar);
                st.record("pred_xstart", x0);
                st.record("sample", next);
                x = next;
            }
            result = x.mul(VAE_SCALE);
            NDScope.unregister(result);
        }
        trace.record("sample", result);
        return result;
    }

    @Override
    public void close() {
        net.close();
    }
}
