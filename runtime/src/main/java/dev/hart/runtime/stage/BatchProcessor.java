package dev.hart.runtime.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The model call of a stage: turns a batch of inputs into one result per input, in the same order.
 *
 * <p>Runs on the stage's worker thread (one batch at a time). Throwing fails the whole batch; the runner then retries
 * the inputs one by one so that a single bad input cannot sink its neighbours.
 */
@FunctionalInterface
public interface BatchProcessor<I, O> extends AutoCloseable {

    List<ProcessResult<O>> process(List<StageInput<I>> batch) throws Exception;

    @Override
    default void close() throws Exception {
    }

    /** A processor that handles each input on its own; an exception fails only that input. */
    static <I, O> BatchProcessor<I, O> perRecord(Function<StageInput<I>, List<OutputRecord<O>>> fn) {
        return batch -> {
            List<ProcessResult<O>> results = new ArrayList<>(batch.size());
            for (StageInput<I> input : batch) {
                try {
                    results.add(ProcessResult.success(fn.apply(input)));
                } catch (RuntimeException e) {
                    results.add(ProcessResult.failure(e));
                }
            }
            return results;
        };
    }
}
