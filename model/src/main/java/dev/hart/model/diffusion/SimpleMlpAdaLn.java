package dev.hart.model.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.ParamLoader;
import dev.hart.model.config.HartConfig;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.Activations;
import dev.hart.model.nn.Linear;
import dev.hart.model.nn.ScopedOps;

import java.util.ArrayList;
import java.util.List;

/**
 * The residual-diffusion denoiser {@code SimpleMLPAdaLN} (spec 5.1): in = Cvae, width W, out = 2·Cvae
 * (ε prediction, then the variance interpolation value), condition = C. Loads {@code diffloss.net.*}.
 */
public final class SimpleMlpAdaLn implements AutoCloseable {

    public static final String PREFIX = "diffloss.net.";
    static final int FREQ_DIM = 256;
    private static final double LN_EPS = 1e-6;

    private record ResBlock(NDArray lnWeight, NDArray lnBias, Linear fc1, Linear fc2, Linear ada) {
    }

    private final NDManager weights;
    private final int inChannels;
    private final int width;
    private final int condDim;
    private final Linear timeFc1;
    private final Linear timeFc2;
    private final Linear condEmbed;
    private final Linear inputProj;
    private final List<ResBlock> blocks;
    private final Linear finalAda;
    private final Linear finalLinear;
    private final NDArray ones;
    private final NDArray zeros;

    private SimpleMlpAdaLn(NDManager weights, int inChannels, int width, int condDim, int depth, ParamLoader p) {
        this.weights = weights;
        this.inChannels = inChannels;
        this.width = width;
        this.condDim = condDim;
        timeFc1 = linear(p.child("time_embed.mlp.0"), FREQ_DIM, width);
        timeFc2 = linear(p.child("time_embed.mlp.2"), width, width);
        condEmbed = linear(p.child("cond_embed"), condDim, width);
        inputProj = linear(p.child("input_proj"), inChannels, width);
        List<ResBlock> list = new ArrayList<>();
        for (int j = 0; j < depth; j++) {
            ParamLoader b = p.child("res_blocks." + j);
            list.add(new ResBlock(b.get("in_ln.weight", width), b.get("in_ln.bias", width),
                    linear(b.child("mlp.0"), width, width), linear(b.child("mlp.2"), width, width),
                    linear(b.child("adaLN_modulation.1"), width, 3 * width)));
        }
        blocks = List.copyOf(list);
        finalAda = linear(p.child("final_layer.adaLN_modulation.1"), width, 2 * width);
        finalLinear = linear(p.child("final_layer.linear"), width, 2 * inChannels);
        ones = weights.ones(new Shape(width));
        zeros = weights.zeros(new Shape(width));
        NDScope.unregister(ones, zeros);
    }

    /** A Linear from {@code <p>.weight} [out, in] and {@code <p>.bias} [out], transposed once for the forward matmul. */
    private static Linear linear(ParamLoader p, int in, int out) {
        NDArray wT = Linear.transposeContiguous(p.get("weight", out, in));
        NDScope.unregister(wT);
        return new Linear(wT, p.get("bias", out));
    }

    /**
     * Loads the denoiser from the transformer checkpoint ({@code diffloss.net.*}) into a sub-manager of
     * {@code parent}. Shapes come from the configs: W = diff_width, depth = diff_depth, C = embed_dim,
     * Cvae = the tokenizer's z_channels.
     */
    public static SimpleMlpAdaLn load(WeightSource llmWeights, HartConfig config, int cvae, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            return new SimpleMlpAdaLn(m, cvae, config.diffWidth(), config.embedDim(), config.diffDepth(),
                    new ParamLoader(llmWeights, m).child("diffloss.net"));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public int inChannels() {
        return inChannels;
    }

    public int width() {
        return width;
    }

    public int condDim() {
        return condDim;
    }

    /**
     * The frequencies {@code exp(−ln(10⁴)·i/128)} in float32. The reference's CPU torch evaluates this exp
     * with SLEEF's {@code expf_u10}, which is not correctly rounded; at t ≈ 1000 a one-ulp difference in a
     * frequency moves sin/cos by 3e-5, so the same algorithm is reproduced here (verified bit-exact against
     * the parity vectors' t_freq, where both correctly rounded and libtorch 2.7 values miss).
     */
    private static final float[] FREQS = frequencies();

    private static float[] frequencies() {
        int half = FREQ_DIM / 2;
        float scale = (float) -Math.log(10000);
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            f[i] = sleefExpU10(scale * (float) i / half);
        }
        return f;
    }

    /** SLEEF's single-precision {@code xexpf} (u10) with fused multiply-adds, as built for AVX2. */
    static float sleefExpU10(float d) {
        int q = (int) Math.rint(d * 1.442695040888963407359924681001892137426645954152985934135449406931f);
        float s = Math.fma((float) q, -0.693145751953125f, d);
        s = Math.fma((float) q, -1.428606765330187045e-06f, s);
        float u = 0.000198527617612853646278381f;
        u = Math.fma(u, s, 0.00139304355252534151077271f);
        u = Math.fma(u, s, 0.00833336077630519866943359f);
        u = Math.fma(u, s, 0.0416664853692054748535156f);
        u = Math.fma(u, s, 0.166666671633720397949219f);
        u = Math.fma(u, s, 0.5f);
        u = 1.0f + Math.fma(s * s, u, s);
        return Math.scalb(u, q);
    }

    /**
     * Sinusoidal features {@code [cos(t·f), sin(t·f)]}, f_i = exp(−ln(10⁴)·i/128): [N] → [N, 256] in t's
     * manager. The argument is rounded to float32 as in torch; sin/cos are evaluated in Java (correctly
     * rounded, as the reference's) because libtorch's vectorised versions drift by ~3e-5 at t ≈ 1000.
     */
    public static NDArray timestepFeatures(NDArray t) {
        float[] ts = t.toType(DataType.FLOAT32, false).toFloatArray();
        return t.getManager().create(timestepFeatures(ts), new Shape(ts.length, FREQ_DIM));
    }

    static float[] timestepFeatures(float[] ts) {
        int half = FREQ_DIM / 2;
        float[] out = new float[ts.length * FREQ_DIM];
        for (int r = 0; r < ts.length; r++) {
            for (int i = 0; i < half; i++) {
                float arg = ts[r] * FREQS[i];
                out[r * FREQ_DIM + i] = (float) Math.cos(arg);
                out[r * FREQ_DIM + half + i] = (float) Math.sin(arg);
            }
        }
        return out;
    }

    /** The timestep embedding {@code mlp(features(t))} [N, W]. */
    public NDArray timeEmbed(NDArray t, Trace trace) {
        return ScopedOps.run(() -> {
            NDArray f = timestepFeatures(t);
            trace.record("t_freq", f);
            NDArray e = timeFc2.forward(Activations.silu(timeFc1.forward(f)));
            trace.record("t_emb", e);
            return e;
        });
    }

    /** {@code cond_embed(c)} [N, W]; constant across the sampling steps, so samplers compute it once. */
    public NDArray condEmbed(NDArray c) {
        return condEmbed.forward(c);
    }

    /** {@code net(x, t, c)}: x [N, Cvae], t [N] original timesteps, c [N, C] → [N, 2·Cvae]. */
    public NDArray forward(NDArray x, NDArray t, NDArray c) {
        return forward(x, t, c, Trace.NONE);
    }

    public NDArray forward(NDArray x, NDArray t, NDArray c, Trace trace) {
        return ScopedOps.run(() -> forwardEmbedded(x, timeEmbed(t, trace).add(condEmbed(c))));
    }

    /**
     * The network body given {@code y = t_emb + cond_embed(c)} [N or 1, W] (a single row broadcasts over
     * x's rows, as when every row has the same timestep).
     */
    NDArray forwardEmbedded(NDArray x, NDArray y) {
        return ScopedOps.run(() -> {
            NDArray ys = Activations.silu(y);
            NDArray h = inputProj.forward(x);
            for (ResBlock b : blocks) {
                NDArray hIn = h;
                h = ScopedOps.run(() -> {
                    NDList mod = b.ada().forward(ys).split(3, 1); // shift, scale, gate
                    NDArray n = layerNorm(hIn, b.lnWeight(), b.lnBias());
                    NDArray mlpIn = n.mul(mod.get(1).add(1)).add(mod.get(0));
                    NDArray out = b.fc2().forward(Activations.silu(b.fc1().forward(mlpIn)));
                    return hIn.add(mod.get(2).mul(out));
                });
            }
            NDList mod = finalAda.forward(ys).split(2, 1); // shift, scale
            NDArray n = layerNorm(h, ones, zeros).mul(mod.get(1).add(1)).add(mod.get(0));
            return finalLinear.forward(n);
        });
    }

    /**
     * {@code forward_with_cfg}: runs the net on the first half of x duplicated, mixes ε as
     * {@code (1 + s)·ε_cond − s·ε_uncond} for both halves and keeps the unmixed variance channels.
     */
    public NDArray forwardWithCfg(NDArray x, NDArray t, NDArray c, double cfgScale) {
        return ScopedOps.run(() -> {
            NDArray y = timeEmbed(t, Trace.NONE).add(condEmbed(c));
            return forwardWithCfgEmbedded(x, y, cfgScale);
        });
    }

    NDArray forwardWithCfgEmbedded(NDArray x, NDArray y, double cfgScale) {
        return forwardWithCfgEmbedded(x, y, new double[] {cfgScale});
    }

    /**
     * {@code forward_with_cfg} for a batch of requests with their own guidance: {@code cfgPerRequest[b]} applies to
     * the b-th equal share of the conditional rows (one value: every row).
     */
    NDArray forwardWithCfgEmbedded(NDArray x, NDArray y, double[] cfgPerRequest) {
        long n = x.getShape().get(0);
        if (n % 2 != 0) {
            throw new IllegalArgumentException("classifier-free guidance needs an even batch (cond rows then uncond rows), got " + n);
        }
        long half = n / 2;
        int requests = cfgPerRequest.length;
        if (requests == 0 || half % requests != 0) {
            throw new IllegalArgumentException(half + " conditional rows cannot be shared by " + requests + " requests");
        }
        return ScopedOps.run(() -> {
            NDArray first = x.get("0:" + half);
            NDArray out = forwardEmbedded(first.concat(first, 0), y);
            NDArray eps = out.get(":, 0:" + inChannels);
            NDArray rest = out.get(":, " + inChannels + ":");
            NDArray cond = eps.get("0:" + half);
            NDArray uncond = eps.get(half + ":");
            NDArray mixed;
            if (requests == 1) {
                mixed = cond.mul((float) (1 + cfgPerRequest[0])).sub(uncond.mul((float) cfgPerRequest[0]));
            } else {
                // the same float32 products as the scalar form, one factor per row
                long rows = half / requests;
                float[] onePlus = new float[(int) half];
                float[] scale = new float[(int) half];
                for (int r = 0; r < requests; r++) {
                    java.util.Arrays.fill(onePlus, (int) (r * rows), (int) ((r + 1) * rows), (float) (1 + cfgPerRequest[r]));
                    java.util.Arrays.fill(scale, (int) (r * rows), (int) ((r + 1) * rows), (float) cfgPerRequest[r]);
                }
                NDManager m = x.getManager();
                mixed = cond.mul(m.create(onePlus, new Shape(half, 1))).sub(uncond.mul(m.create(scale, new Shape(half, 1))));
            }
            return NDArrays.concat(new NDList(mixed.concat(mixed, 0), rest), 1);
        });
    }

    private NDArray layerNorm(NDArray x, NDArray w, NDArray b) {
        return JniUtils.layerNorm((PtNDArray) x, new Shape(width), (PtNDArray) w, (PtNDArray) b, LN_EPS);
    }

    @Override
    public void close() {
        weights.close();
    }
}
