package dev.hart.cli.bench;

import java.util.Arrays;
import java.util.List;

/** Summary of repeated timings of one operation: count, mean, p50, p95, min, max (milliseconds). */
public record LatencyStats(int count, double meanMs, double p50Ms, double p95Ms, double minMs, double maxMs) {

    /** Nearest-rank percentiles over the given samples (milliseconds); at least one sample. */
    public static LatencyStats of(List<Double> samplesMs) {
        if (samplesMs == null || samplesMs.isEmpty()) {
            throw new IllegalArgumentException("no timing samples");
        }
        double[] s = samplesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(s).average().orElseThrow();
        return new LatencyStats(s.length, mean, percentile(s, 50), percentile(s, 95), s[0], s[s.length - 1]);
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least p% of the samples at or below it. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
