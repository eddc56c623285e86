package dev.hart.runtime.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test processor: upper-cases each input into one output. Inputs starting with "fail" fail alone; a batch holding
 * "boom" throws as a whole (so the runner must isolate it); "oom" throws an OutOfMemoryError and "deep" a
 * StackOverflowError from the whole call; "flaky" fails with an IOException on its first two tries, "ioerr" on every
 * try. Optionally sleeps per batch to look like a model.
 */
public final class UpperCaseProcessor implements BatchProcessor<String, String> {
    private final String outputTopic;
    private final long sleepMillisPerBatch;
    public final AtomicInteger processed = new AtomicInteger();
    public final AtomicInteger batches = new AtomicInteger();
    public final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();

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
        if (batch.stream().anyMatch(in -> in.value().startsWith("oom"))) {
            throw new OutOfMemoryError("Java heap space (test)");
        }
        if (batch.stream().anyMatch(in -> in.value().startsWith("deep"))) {
            throw new StackOverflowError();
        }
        List<ProcessResult<String>> results = new ArrayList<>(batch.size());
        for (StageInput<String> in : batch) {
            int tried = tries.computeIfAbsent(in.value(), k -> new AtomicInteger()).incrementAndGet();
            if (in.value().startsWith("ioerr") || (in.value().startsWith("flaky") && tried <= 2)) {
                results.add(ProcessResult.failure(new UncheckedIOException(new IOException("disk briefly unwritable"))));
            } else if (in.value().startsWith("fail")) {
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
