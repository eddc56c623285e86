package dev.hart.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Everything one {@code hart bench} run measured; written as JSON and printed as tables. */
public final class BenchResults {

    /** Where and how the numbers were taken. */
    public record Machine(int cpus, String ompWaitPolicy, String javaVersion, String os, double loadAverage, String note) {
    }

    /**
     * One model part at one batch size.
     *
     * @param macsPerCall analytic multiply-accumulates of one call (the whole batch)
     * @param gflops achieved, 2·MACs / p50
     * @param peakFraction gflops / the measured matmul peak
     */
    public record PartTiming(String config, String part, int batch, int warmup, LatencyStats latency, double imagesPerSecond,
                             double macsPerCall, double gflops, double peakFraction, String note) {
    }

    /** One scale of the AR loop (batch 1 unless stated): time, share of the AR total, analytic MACs. */
    public record ScaleTiming(String config, int batch, int scale, int patchNum, int queryTokens, double millis,
                              double shareOfAr, double macs, double gflops) {
    }

    /** End-to-end run of N requests through one path (direct in-process or the Kafka pipeline in a topology). */
    public record PipelineRun(String config, String path, int requests, int batchSize, double wallSeconds,
                              double imagesPerSecond, LatencyStats requestLatency, Map<String, Double> stageModelSeconds,
                              String note) {
    }

    /** Peak memory at the end of a phase (the peaks are process-wide and only grow). */
    public record MemoryMark(String phase, long heapPeakBytes, long rssPeakBytes) {
    }

    public Machine machine;
    /** Measured before the models (the reference for "% peak") and again at the end, to show drift under load. */
    public MatmulPeak.Result matmulPeak;
    public MatmulPeak.Result matmulPeakEnd;
    public final List<PartTiming> parts = new ArrayList<>();
    public final List<ScaleTiming> scales = new ArrayList<>();
    public final List<PipelineRun> pipeline = new ArrayList<>();
    public final List<MemoryMark> memory = new ArrayList<>();
    public final List<String> skipped = new ArrayList<>();
    public double totalSeconds;
}
