package dev.hart.ingest;

/**
 * Why prompt-ingest refused a prompt event. {@code category} becomes the dead letter's error class, {@code reason} its
 * message (and a job progress reject reason).
 */
public record Rejection(String category, String reason) {
    /** Malformed or out-of-range fields. */
    public static final String INVALID = "InvalidPrompt";
    /** The prompt filter refused the prompt. */
    public static final String UNSAFE = "UnsafePrompt";
    /** A request id already accepted. */
    public static final String DUPLICATE = "DuplicateRequest";
    /** The record is not a readable PromptEvent. */
    public static final String UNDECODABLE = "UndecodablePrompt";

    public static Rejection invalid(String reason) {
        return new Rejection(INVALID, reason);
    }
}
