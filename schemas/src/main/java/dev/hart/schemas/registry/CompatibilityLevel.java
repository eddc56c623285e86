package dev.hart.schemas.registry;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Confluent registry's compatibility levels, applied to a new schema and a subject's existing versions. */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE;

    /** Parses a level name as the registry spells it (case-insensitive). */
    public static CompatibilityLevel parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown compatibility level '" + name + "'; expected one of "
                    + java.util.Arrays.toString(values()), e);
        }
    }

    /**
     * Checks {@code candidate} against a subject's existing schemas, oldest first. Non-transitive
     * levels look at the latest only.
     */
    public CompatibilityResult check(Schema candidate, List<Schema> existingOldestFirst) {
        if (this == NONE || existingOldestFirst.isEmpty()) {
            return CompatibilityResult.ok();
        }
        List<Schema> against = name().endsWith("_TRANSITIVE")
                ? existingOldestFirst
                : List.of(existingOldestFirst.get(existingOldestFirst.size() - 1));
        boolean backward = this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
        boolean forward = this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
        List<String> messages = new ArrayList<>();
        for (Schema existing : against) {
            if (backward) {
                messages.addAll(BackwardCompatibility.canRead(candidate, existing, "new schema cannot read old data: ").messages());
            }
            if (forward) {
                messages.addAll(BackwardCompatibility.canRead(existing, candidate, "old schema cannot read new data: ").messages());
            }
        }
        return new CompatibilityResult(messages.isEmpty(), messages);
    }
}
