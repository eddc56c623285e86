package dev.hart.runtime.stage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/** The meters every stage reports, tagged with the stage name. */
public final class StageMetrics {
    private final Counter recordsIn;
    private final Counter recordsOut;
    private final Counter deadLetters;
    private final Counter batchesCommitted;
    private final Counter batchesAborted;
    private final DistributionSummary batchSize;
    private final Timer modelTime;
    private final Timer endToEndLatency;

    public StageMetrics(MeterRegistry registry, String stage) {
        recordsIn = Counter.builder("hart.stage.records.in").description("input records committed")
                .tag("stage", stage).register(registry);
        recordsOut = Counter.builder("hart.stage.records.out").description("output records committed")
                .tag("stage", stage).register(registry);
        deadLetters = Counter.builder("hart.stage.dlq").description("inputs sent to the dead-letter topic")
                .tag("stage", stage).register(registry);
        batchesCommitted = Counter.builder("hart.stage.batches.committed").tag("stage", stage).register(registry);
        batchesAborted = Counter.builder("hart.stage.batches.aborted")
                .description("batches dropped (rebalance, fencing, shutdown) and re-read later")
                .tag("stage", stage).register(registry);
        batchSize = DistributionSummary.builder("hart.stage.batch.size").description("records per model call")
                .tag("stage", stage).publishPercentileHistogram().register(registry);
        modelTime = Timer.builder("hart.stage.model.time").description("processor time per batch")
                .tag("stage", stage).publishPercentileHistogram().register(registry);
        endToEndLatency = Timer.builder("hart.stage.latency")
                .description("input record timestamp to commit of its outputs")
                .tag("stage", stage).publishPercentileHistogram().register(registry);
    }

    void batchProcessed(int size, long modelNanos) {
        batchSize.record(size);
        modelTime.record(Duration.ofNanos(modelNanos));
    }

    void committed(int inputs, int outputs, int dlq) {
        recordsIn.increment(inputs);
        recordsOut.increment(outputs);
        deadLetters.increment(dlq);
        batchesCommitted.increment();
    }

    void latency(long millis) {
        if (millis >= 0) {
            endToEndLatency.record(Duration.ofMillis(millis));
        }
    }

    void aborted() {
        batchesAborted.increment();
    }

    public double recordsIn() { return recordsIn.count(); }
    public double recordsOut() { return recordsOut.count(); }
    public double deadLetters() { return deadLetters.count(); }
    public double batchesCommitted() { return batchesCommitted.count(); }
    public double batchesAborted() { return batchesAborted.count(); }
}
