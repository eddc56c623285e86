package dev.hart.cli.bench;

import ai.djl.ndarray.NDArray;
import dev.hart.model.Trace;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times each scale of the AR loop from the trace events ArGenerator emits: scale si ends when its sampled
 * indices are recorded ({@code stage<si>.idx}); the final diffusion condition ({@code final.z}) is counted to the
 * last scale. Scale si > 0 therefore also holds the previous scale's next-input computation (phi convolution,
 * word embedding). The CPU engine runs ops synchronously, so host timestamps are op boundaries.
 */
final class ScaleTimer implements Trace {
    private static final Pattern STAGE_IDX = Pattern.compile("^stage(\\d+)\\.idx$");

    private final long[] ends;
    private long start;
    private long finalEnd;

    ScaleTimer(int scales) {
        this.ends = new long[scales];
    }

    void start() {
        Arrays.fill(ends, 0);
        finalEnd = 0;
        start = System.nanoTime();
    }

    @Override
    public void record(String name, NDArray value) {
        Matcher m = STAGE_IDX.matcher(name);
        if (m.matches()) {
            int si = Integer.parseInt(m.group(1));
            if (si < ends.length) {
                ends[si] = System.nanoTime();
            }
        } else if (name.equals("final.z")) {
            finalEnd = System.nanoTime();
        }
    }

    /** Milliseconds per scale of the last run; throws if a scale did not report (the model's trace names changed). */
    double[] scaleMillis() {
        double[] ms = new double[ends.length];
        long prev = start;
        for (int si = 0; si < ends.length; si++) {
            if (ends[si] == 0) {
                throw new IllegalStateException("scale " + si + " reported no 'stage" + si + ".idx' trace event");
            }
            long end = si == ends.length - 1 && finalEnd > ends[si] ? finalEnd : ends[si];
            ms[si] = (end - prev) / 1e6;
            prev = ends[si];
        }
        return ms;
    }
}
