package dev.hart.runtime.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test processor: upper-cases each input into one output. Inputs starting with "fail" fail alone; a batch holding
 * "boom" throws as a whole (so the runner must isolate it). Optionally sleeps per batch to look like a model.
 */
public final class UpperCaseProcessor implements BatchProcessor<String, String> {
    private final String outputTopic;
    private final long sleepMillisPerBatch;
    public final AtomicInteger processed = new AtomicInteger();
    public final AtomicInteger batches = new AtomicInteger();

    public UpperCaseProcessor(String outputTopic, long sleepMillisPerBatch) {
        this.outputTopic = outputTopic;
        this.sleepMillisPerBatch = sleepMillisPerBatch;
    }

    @Override
    public List<ProcessResult<String>> process(List<StageInput<String>> batch) throws Exception {
        batches.incrementAndGet();
        if (sleepMillisPerBatch > 0) {
            Thread.sleep(sleepMillisPerBatch);
        }
        if (batch.stream().anyMatch(in -> in.value().startsWith("boom"))) {
            throw new IllegalStateException("model blew up on a batch holding 'boom'");
        }
        List<ProcessResult<String>> results = new ArrayList<>(batch.size());
        for (StageInput<String> in : batch) {
            if (in.value().startsWith("fail")) {
                results.add(ProcessResult.failure(new IllegalArgumentException("cannot process '" + in.value() + "'")));
            } else {
                results.add(ProcessResult.success(new OutputRecord<>(outputTopic, in.key(),
                        in.value().toUpperCase(Locale.ROOT))));
            }
        }
        processed.addAndGet(batch.size());
        return results;
    }
}
