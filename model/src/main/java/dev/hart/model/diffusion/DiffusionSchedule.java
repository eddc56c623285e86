package dev.hart.model.diffusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The iDDPM cosine noise schedule of the residual diffusion, respaced to the sampling steps (spec 5.2),
 * computed in float64 exactly as the reference's numpy code ({@code GaussianDiffusion},
 * {@code SpacedDiffusion}, {@code space_timesteps}). Tables are indexed by the respaced step k; the
 * network sees {@link #timestep(int) timestep(k)} from the base process.
 */
public final class DiffusionSchedule {

    public static final int BASE_STEPS = 1000;
    private static final double MAX_BETA = 0.999;

    private final int[] timestepMap;
    private final double[] betas;
    private final double[] alphasCumprod;
    private final double[] alphasCumprodPrev;
    private final double[] sqrtRecipAlphasCumprod;
    private final double[] sqrtRecipm1AlphasCumprod;
    private final double[] posteriorVariance;
    private final double[] posteriorLogVarianceClipped;
    private final double[] posteriorMeanCoef1;
    private final double[] posteriorMeanCoef2;
    private final double[] logBetas;

    private DiffusionSchedule(int[] timestepMap, double[] betas) {
        this.timestepMap = timestepMap;
        this.betas = betas;
        int n = betas.length;
        alphasCumprod = new double[n];
        alphasCumprodPrev = new double[n];
        sqrtRecipAlphasCumprod = new double[n];
        sqrtRecipm1AlphasCumprod = new double[n];
        posteriorVariance = new double[n];
        posteriorLogVarianceClipped = new double[n];
        posteriorMeanCoef1 = new double[n];
        posteriorMeanCoef2 = new double[n];
        logBetas = new double[n];
        double prod = 1.0;
        for (int i = 0; i < n; i++) {
            prod *= 1.0 - betas[i];
            alphasCumprod[i] = prod;
        }
        for (int i = 0; i < n; i++) {
            double ac = alphasCumprod[i];
            double acPrev = i == 0 ? 1.0 : alphasCumprod[i - 1];
            alphasCumprodPrev[i] = acPrev;
            sqrtRecipAlphasCumprod[i] = Math.sqrt(1.0 / ac);
            sqrtRecipm1AlphasCumprod[i] = Math.sqrt(1.0 / ac - 1);
            posteriorVariance[i] = betas[i] * (1.0 - acPrev) / (1.0 - ac);
            posteriorMeanCoef1[i] = betas[i] * Math.sqrt(acPrev) / (1.0 - ac);
            posteriorMeanCoef2[i] = (1.0 - acPrev) * Math.sqrt(1.0 - betas[i]) / (1.0 - ac);
            logBetas[i] = Math.log(betas[i]);
        }
        // the posterior variance is 0 at the first step: its log is clipped to the second step's
        for (int i = 0; i < n; i++) {
            posteriorLogVarianceClipped[i] = n > 1 ? Math.log(posteriorVariance[i == 0 ? 1 : i]) : Double.NaN;
        }
    }

    /** The cosine schedule respaced by {@code respacing} (e.g. "8", "10,20", "ddim25"; "" = all 1000 steps). */
    public static DiffusionSchedule cosine(String respacing) {
        double[] base = cosineBetas(BASE_STEPS);
        double[] baseCumprod = new double[BASE_STEPS];
        double prod = 1.0;
        for (int i = 0; i < BASE_STEPS; i++) {
            prod *= 1.0 - base[i];
            baseCumprod[i] = prod;
        }
        TreeSet<Integer> use = spaceTimesteps(BASE_STEPS, respacing);
        List<Integer> map = new ArrayList<>();
        List<Double> newBetas = new ArrayList<>();
        double last = 1.0;
        for (int i = 0; i < BASE_STEPS; i++) {
            if (use.contains(i)) {
                newBetas.add(1 - baseCumprod[i] / last);
                last = baseCumprod[i];
                map.add(i);
            }
        }
        return new DiffusionSchedule(map.stream().mapToInt(Integer::intValue).toArray(),
                newBetas.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** {@code betas_for_alpha_bar} with {@code ᾱ(u) = cos(((u + 0.008)/1.008)·π/2)²}. */
    static double[] cosineBetas(int steps) {
        double[] b = new double[steps];
        for (int i = 0; i < steps; i++) {
            double t1 = (double) i / steps;
            double t2 = (double) (i + 1) / steps;
            b[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), MAX_BETA);
        }
        return b;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** The reference's {@code space_timesteps}: evenly strided steps per section, Python rounding (half to even). */
    static TreeSet<Integer> spaceTimesteps(int numTimesteps, String sectionCounts) {
        String spec = sectionCounts == null ? "" : sectionCounts.trim();
        if (spec.isEmpty()) {
            spec = Integer.toString(numTimesteps);
        }
        TreeSet<Integer> steps = new TreeSet<>();
        if (spec.startsWith("ddim")) {
            int desired = Integer.parseInt(spec.substring(4));
            for (int stride = 1; stride < numTimesteps; stride++) {
                if ((numTimesteps + stride - 1) / stride == desired) {
                    for (int t = 0; t < numTimesteps; t += stride) {
                        steps.add(t);
                    }
                    return steps;
                }
            }
            throw new IllegalArgumentException("cannot create exactly " + numTimesteps + " steps with an integer stride");
        }
        int[] counts = Arrays.stream(spec.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        int sizePer = numTimesteps / counts.length;
        int extra = numTimesteps % counts.length;
        int start = 0;
        for (int i = 0; i < counts.length; i++) {
            int size = sizePer + (i < extra ? 1 : 0);
            if (size < counts[i]) {
                throw new IllegalArgumentException("cannot divide section of " + size + " steps into " + counts[i]);
            }
            double stride = counts[i] <= 1 ? 1 : (double) (size - 1) / (counts[i] - 1);
            double cur = 0.0;
            for (int k = 0; k < counts[i]; k++) {
                steps.add(start + (int) Math.rint(cur));
                cur += stride;
            }
            start += size;
        }
        return steps;
    }

    /** Number of respaced steps. */
    public int steps() {
        return betas.length;
    }

    /** The base-process timestep the network sees at respaced step k. */
    public int timestep(int k) {
        return timestepMap[k];
    }

    public int[] timestepMap() {
        return timestepMap.clone();
    }

    public double[] betas() {
        return betas.clone();
    }

    public double[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    public double[] alphasCumprodPrev() {
        return alphasCumprodPrev.clone();
    }

    public double[] sqrtRecipAlphasCumprod() {
        return sqrtRecipAlphasCumprod.clone();
    }

    public double[] sqrtRecipm1AlphasCumprod() {
        return sqrtRecipm1AlphasCumprod.clone();
    }

    public double[] posteriorVariance() {
        return posteriorVariance.clone();
    }

    public double[] posteriorLogVarianceClipped() {
        return posteriorLogVarianceClipped.clone();
    }

    public double[] posteriorMeanCoef1() {
        return posteriorMeanCoef1.clone();
    }

    public double[] posteriorMeanCoef2() {
        return posteriorMeanCoef2.clone();
    }

    // float32 views as the reference uses them (_extract_into_tensor(...).float())

    float betaLogF(int k) {
        return (float) logBetas[k];
    }

    float posteriorLogVarianceClippedF(int k) {
        return (float) posteriorLogVarianceClipped[k];
    }

    float sqrtRecipF(int k) {
        return (float) sqrtRecipAlphasCumprod[k];
    }

    float sqrtRecipm1F(int k) {
        return (float) sqrtRecipm1AlphasCumprod[k];
    }

    float coef1F(int k) {
        return (float) posteriorMeanCoef1[k];
    }

    float coef2F(int k) {
        return (float) posteriorMeanCoef2[k];
    }
}
