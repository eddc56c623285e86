package dev.hart.runtime.stage;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link BatchProcessor} made of one input: zero or more output records, or the error that failed it
 * (the input then goes to the dead-letter topic).
 */
public final class ProcessResult<O> {
    private final List<OutputRecord<O>> outputs;
    private final Throwable failure;

    private ProcessResult(List<OutputRecord<O>> outputs, Throwable failure) {
        this.outputs = outputs;
        this.failure = failure;
    }

    public static <O> ProcessResult<O> success(List<OutputRecord<O>> outputs) {
        return new ProcessResult<>(List.copyOf(Objects.requireNonNull(outputs, "outputs")), null);
    }

    @SafeVarargs
    public static <O> ProcessResult<O> success(OutputRecord<O>... outputs) {
        return success(List.of(outputs));
    }

    public static <O> ProcessResult<O> failure(Throwable error) {
        return new ProcessResult<>(List.of(), Objects.requireNonNull(error, "error"));
    }

    public boolean isSuccess() {
        return failure == null;
    }

    public List<OutputRecord<O>> outputs() {
        return outputs;
    }

    /** The error, or null on success. */
    public Throwable failure() {
        return failure;
    }
}
