package dev.hart.ingest;

/** A prompt file that cannot be read at all (unreadable, or a CSV header that names unknown fields). */
public final class PromptFileException extends RuntimeException {
    public PromptFileException(String message) {
        super(message);
    }

    public PromptFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
