package dev.hart.schemas.registry;

import java.util.List;

/**
 * Registering a schema was refused because it is not compatible with the subject's earlier
 * version(s) under the subject's compatibility level (HTTP 409).
 */
public class IncompatibleSchemaException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public static final int ERROR_CODE = 409;

    private final String subject;
    private final List<String> reasons;

    public IncompatibleSchemaException(String subject, List<String> reasons) {
        super(describe(subject, reasons), 409, ERROR_CODE);
        this.subject = subject;
        this.reasons = List.copyOf(reasons);
    }

    public String subject() {
        return subject;
    }

    /** Why it is incompatible, one entry per problem, as reported by the checker or the registry. */
    public List<String> reasons() {
        return reasons;
    }

    private static String describe(String subject, List<String> reasons) {
        return "Schema is incompatible with an earlier version of subject '" + subject + "'"
                + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons));
    }
}
