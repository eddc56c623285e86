package dev.hart.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.RandomSource;
import dev.hart.model.Trace;
import dev.hart.model.config.HartConfig;
import dev.hart.model.io.WeightSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HART's residual diffusion ({@code DiffLoss.sample}, spec 5.3): iDDPM ancestral sampling over the
 * respaced cosine schedule with learned-range variance and the reference's CFG wrapper, result scaled
 * by {@link #VAE_SCALE}.
 */
public final class ResidualDiffusion implements AutoCloseable {

    /** The reference multiplies the sampled latent by this ({@code DiffLoss.vae_scale}). */
    public static final float VAE_SCALE = 0.6f;

    /** The reference respaces its 1000-step schedule; more sampling steps than that cannot be respaced. */
    public static final int MAX_STEPS = DiffusionSchedule.BASE_STEPS;

    private final SimpleMlpAdaLn net;
    private final DiffusionSchedule schedule;
    /** Respaced schedules by step count, built on first use (a few microseconds; cached as requests repeat them). */
    private final Map<Integer, DiffusionSchedule> respaced = new ConcurrentHashMap<>();

    public ResidualDiffusion(SimpleMlpAdaLn net, DiffusionSchedule schedule) {
        this.net = net;
        this.schedule = schedule;
        respaced.put(schedule.steps(), schedule);
    }

    /** Loads only {@code diffloss.net.*} from the transformer weights; the schedule follows num_sampling_steps. */
    public static ResidualDiffusion load(WeightSource llmWeights, HartConfig config, int cvae, NDManager parent) {
        return new ResidualDiffusion(SimpleMlpAdaLn.load(llmWeights, config, cvae, parent),
                DiffusionSchedule.cosine(config.numSamplingSteps()));
    }

    public SimpleMlpAdaLn net() {
        return net;
    }

    /** The checkpoint's schedule ({@code num_sampling_steps}). */
    public DiffusionSchedule schedule() {
        return schedule;
    }

    /**
     * The cosine schedule respaced to {@code steps} sampling steps, as the reference builds it for any
     * {@code num_sampling_steps} ({@code space_timesteps(1000, str(steps))}).
     */
    public DiffusionSchedule schedule(int steps) {
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("diffusion steps must be in [1, " + MAX_STEPS + "], got " + steps);
        }
        return respaced.computeIfAbsent(steps, k -> DiffusionSchedule.cosine(Integer.toString(k)));
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
        return sample(z, temperature, new double[] {cfg}, List.of(random), schedule, trace);
    }

    /**
     * Samples a batch of independent requests, each with its own random source, so a request's result
     * does not depend on its batch neighbours. With B = {@code perRequest.size()} requests of R rows each,
     * z is laid out as the reference lays out a CFG batch: guided, {@code [cond rows of request 0 … B−1;
     * uncond rows of request 0 … B−1]} (N = 2·B·R); unguided, request after request (N = B·R). Request b
     * draws its initial noise [R, Cvae] (guided) or [R, Cvae] (unguided) and then one [2R, Cvae] (guided:
     * its cond rows then its uncond rows) or [R, Cvae] draw per step — for B = 1 exactly the reference's
     * draws.
     */
    public NDArray sample(NDArray z, double temperature, double cfg, List<RandomSource> perRequest, Trace trace) {
        double[] each = new double[perRequest.size()];
        java.util.Arrays.fill(each, cfg);
        return sample(z, temperature, each, perRequest, schedule, trace);
    }

    /**
     * {@link #sample(NDArray, double, double, List, Trace)} with a guidance weight per request and a given schedule:
     * the requests of one call are either all guided ({@code cfg != 1.0}) or all unguided, since the two lay out
     * their rows differently.
     */
    public NDArray sample(NDArray z, double temperature, double[] cfgPerRequest, List<RandomSource> perRequest,
                          DiffusionSchedule schedule, Trace trace) {
        long n = z.getShape().get(0);
        int cvae = net.inChannels();
        int requests = perRequest.size();
        if (cfgPerRequest.length != requests) {
            throw new IllegalArgumentException(requests + " requests but " + cfgPerRequest.length + " guidance weights");
        }
        boolean guided = requests > 0 && cfgPerRequest[0] != 1.0;
        for (double c : cfgPerRequest) {
            if ((c != 1.0) != guided) {
                throw new IllegalArgumentException("guided (cfg != 1) and unguided requests cannot be sampled in one call");
            }
        }
        if (z.getShape().dimension() != 2 || z.getShape().get(1) != net.condDim()) {
            throw new IllegalArgumentException("diffusion condition must be [N, " + net.condDim() + "], got " + z.getShape());
        }
        long groups = guided ? 2L * requests : requests;
        if (requests == 0 || n % groups != 0) {
            throw new IllegalArgumentException("diffusion condition has " + n + " rows, not a multiple of "
                    + groups + (guided ? " (cond and uncond rows for each of " + requests + " requests)" : " requests"));
        }
        long rows = n / groups;
        NDManager m = z.getManager();
        NDArray result;
        try (NDScope ignored = new NDScope()) {
            NDArray x;
            if (guided) {
                NDArray e0 = drawRows(m, perRequest, rows, cvae, false);
                x = e0.concat(e0, 0);
            } else {
                x = drawRows(m, perRequest, rows, cvae, false);
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
                NDArray out = guided ? net.forwardWithCfgEmbedded(x, y, cfgPerRequest) : net.forwardEmbedded(x, y);
                NDArray eps = out.get(":, 0:" + cvae);
                NDArray v = out.get(":, " + cvae + ":");
                NDArray frac = v.add(1).div(2);
                NDArray logVar = frac.mul(schedule.betaLogF(k))
                        .add(frac.neg().add(1).mul(schedule.posteriorLogVarianceClippedF(k)));
                NDArray x0 = x.mul(schedule.sqrtRecipF(k)).sub(eps.mul(schedule.sqrtRecipm1F(k))).clip(-1, 1);
                NDArray mean = x0.mul(schedule.coef1F(k)).add(x.mul(schedule.coef2F(k)));
                NDArray noise = drawRows(m, perRequest, rows, cvae, guided);
                // the reference multiplies by a zero mask at the last step rather than skipping the noise
                float mask = k != 0 ? 1f : 0f;
                NDArray next = mean.add(logVar.mul(0.5f).exp().mul(mask).mul(noise).mul((float) temperature));
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

    /**
     * One normal draw per request, assembled in batch row order: unguided (or the initial guided noise)
     * request after request; a guided step draw takes each request's [2R] rows and puts its first R rows
     * in the cond half and its last R rows in the uncond half.
     */
    private static NDArray drawRows(NDManager m, List<RandomSource> perRequest, long rows, int cvae, boolean bothHalves) {
        if (perRequest.size() == 1) {
            return perRequest.get(0).randn(m, new Shape(bothHalves ? 2 * rows : rows, cvae));
        }
        NDList draws = new NDList();
        for (RandomSource r : perRequest) {
            draws.add(r.randn(m, new Shape(bothHalves ? 2 * rows : rows, cvae)));
        }
        if (!bothHalves) {
            return NDArrays.concat(draws, 0);
        }
        NDList ordered = new NDList();
        for (NDArray d : draws) {
            ordered.add(d.get("0:" + rows));
        }
        for (NDArray d : draws) {
            ordered.add(d.get(rows + ":"));
        }
        return NDArrays.concat(ordered, 0);
    }

    @Override
    public void close() {
        net.close();
    }
}
