package dev.hart.model.tokenizer;

/**
 * Which phi convolution a scale uses: the reference's {@code quant_resi[si / (SN − 1)]} lookup, i.e. the
 * tick nearest to the scale's position in [0, 1] (first on ties), with ticks
 * {@code linspace(1/(3K), 1 − 1/(3K), K)} for K = 4 and {@code linspace(1/(2K), 1 − 1/(2K), K)} otherwise,
 * computed in float64 the way numpy does so that ties break identically.
 */
public final class PhiSelector {

    private final double[] ticks;

    public PhiSelector(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("phi count must be positive, found " + count);
        }
        ticks = count == 4 ? linspace(1.0 / 3 / count, 1 - 1.0 / 3 / count, count)
                : linspace(1.0 / 2 / count, 1 - 1.0 / 2 / count, count);
    }

    /** numpy.linspace: {@code start + i·step} with the last element set to {@code stop}. */
    private static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    public int count() {
        return ticks.length;
    }

    /** Index of the phi used at scale {@code si} of {@code numScales}. */
    public int index(int si, int numScales) {
        if (ticks.length == 1) {
            return 0;
        }
        double at = numScales > 1 ? (double) si / (numScales - 1) : 0.0;
        int best = 0;
        double bestDist = Math.abs(ticks[0] - at);
        for (int k = 1; k < ticks.length; k++) {
            double d = Math.abs(ticks[k] - at);
            if (d < bestDist) {
                best = k;
                bestDist = d;
            }
        }
        return best;
    }
}
