package dev.hart.runtime.stage;

/** Thrown by a processor for a failure that may pass if the record is tried again later (see {@link FailureClass}). */
public class RetriableStageException extends RuntimeException {
    public RetriableStageException(String message, Throwable cause) {
        super(message, cause);
    }

    public RetriableStageException(String message) {
        super(message);
    }
}
