package dev.hart.schemas.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * BACKWARD compatibility as the Confluent registry defines it: consumers using the new schema can
 * read data written with the earlier schema(s). Checked with Avro's own schema-resolution rules
 * ({@link SchemaCompatibility}), the new schema being the reader. Public so the embedded registry
 * server can apply the same rule as {@link MockSchemaRegistryClient}.
 */
public final class BackwardCompatibility {
    private BackwardCompatibility() {
    }

    /** Can a reader using {@code newer} read data written with {@code older}? */
    public static CompatibilityResult check(Schema newer, Schema older) {
        return canRead(newer, older, "");
    }

    /** BACKWARD_TRANSITIVE: {@code newer} must read data written with every one of {@code olders}. */
    public static CompatibilityResult checkAll(Schema newer, List<Schema> olders) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < olders.size(); i++) {
            CompatibilityResult r = canRead(newer, olders.get(i), olders.size() > 1 ? "earlier schema #" + (i + 1) + ": " : "");
            messages.addAll(r.messages());
        }
        return new CompatibilityResult(messages.isEmpty(), messages);
    }

    /**
     * Reader/writer check: can {@code reader} read what {@code writer} wrote? FORWARD checks simply swap
     * the arguments. Each message names the incompatibility type, where it is, and what is wrong.
     */
    public static CompatibilityResult canRead(Schema reader, Schema writer, String messagePrefix) {
        Objects.requireNonNull(reader, "reader schema");
        Objects.requireNonNull(writer, "writer schema");
        SchemaPairCompatibility pair = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return CompatibilityResult.ok();
        }
        List<String> messages = new ArrayList<>();
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            messages.add(messagePrefix + incompatibility.getType() + " at '" + incompatibility.getLocation() + "': "
                    + explain(incompatibility));
        }
        if (messages.isEmpty()) {
            messages.add(messagePrefix + pair.getDescription());
        }
        return new CompatibilityResult(false, messages);
    }

    private static String explain(Incompatibility incompatibility) {
        switch (incompatibility.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE:
                return "new field '" + incompatibility.getMessage()
                        + "' has no default, so records written with the earlier schema cannot be read";
            case MISSING_ENUM_SYMBOLS:
                return "enum symbols removed: " + incompatibility.getMessage();
            case MISSING_UNION_BRANCH:
                return "union branch removed: " + incompatibility.getMessage();
            default:
                return incompatibility.getMessage();
        }
    }
}
