package dev.hart.ingest;

import java.util.Map;
import java.util.Optional;

/**
 * Prompt safety check, pluggable: prompt-ingest rejects a prompt for which {@link #check} gives a reason (to the DLQ
 * and job progress); it never rewrites a prompt. Implementations named by {@code hart.ingest.prompt.filter.class}
 * need a public no-argument constructor; {@link #configure} then receives the app's properties.
 */
public interface PromptFilter {

    /** @return the reason to reject {@code prompt} (already trimmed), or empty to let it through */
    Optional<String> check(String prompt);

    /** Called once with the app's {@code hart.ingest.*} properties before the first {@link #check}. */
    default void configure(Map<String, String> properties) {
    }

    /** A filter that lets every prompt through. */
    static PromptFilter allowAll() {
        return prompt -> Optional.empty();
    }
}
