package dev.hart.cli.bench;

import java.io.PrintStream;
import java.util.List;

/** End-to-end modes: direct in-process generation vs the Kafka pipeline (fused and split). */
final class PipelineModes {

    private PipelineModes() {
    }

    static void run(BenchCommand cmd, List<String> models, BenchResults results, PrintStream out) {
        results.skipped.add("pipeline modes: the stages' embedded pipeline is not merged yet");
    }
}
