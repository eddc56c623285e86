package dev.hart.cli.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Repeats a call: {@code warmup} untimed calls, then timed calls until {@code maxSamples} or the time budget is
 * spent (always at least one timed call). Slow cells therefore get few samples; their p95 equals their max.
 */
record TimingLoop(int warmup, int maxSamples, double budgetSeconds) {

    TimingLoop {
        if (warmup < 0 || maxSamples < 1 || budgetSeconds <= 0) {
            throw new IllegalArgumentException("warmup >= 0, samples >= 1 and a positive budget are required");
        }
    }

    List<Double> run(Runnable call) {
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        List<Double> ms = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (budgetSeconds * 1e9);
        do {
            long t0 = System.nanoTime();
            call.run();
            ms.add((System.nanoTime() - t0) / 1e6);
        } while (ms.size() < maxSamples && System.nanoTime() < deadline);
        return ms;
    }
}
