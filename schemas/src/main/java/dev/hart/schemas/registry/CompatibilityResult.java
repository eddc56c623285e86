package dev.hart.schemas.registry;

import java.util.List;

/** Outcome of a compatibility check: compatible, or not with the reasons. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    public static CompatibilityResult ok() {
        return new CompatibilityResult(true, List.of());
    }
}
