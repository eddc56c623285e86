package dev.hart.schemas;

import dev.hart.schemas.registry.BackwardCompatibility;
import dev.hart.schemas.registry.CompatibilityResult;
import dev.hart.schemas.registry.MockSchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules every topic schema keeps: documented, optional fields defaulted, and BACKWARD-readable releases. */
class SchemaContractTest {

    /** Released versions whose data today's classes must still read. Add a directory per release; never edit old ones. */
    private static final String[] BASELINES = {"v1"};

    @Test
    void currentSchemasReadEveryReleasedVersion() throws IOException {
        for (String release : BASELINES) {
            for (Map.Entry<String, Class<? extends SpecificRecord>> topic : Topics.VALUE_TYPES.entrySet()) {
                String name = "/schema-baseline/" + release + "/" + topic.getValue().getSimpleName() + ".avsc";
                Schema released;
                try (InputStream in = getClass().getResourceAsStream(name)) {
                    assertThat(in).as("baseline %s", name).isNotNull();
                    released = new Schema.Parser().parse(in);
                }
                CompatibilityResult result = BackwardCompatibility.check(Topics.schemaOf(topic.getValue()), released);
                assertThat(result.messages()).as("%s vs release %s", topic.getKey(), release).isEmpty();
            }
        }
    }

    @Test
    void everyTypeAndFieldIsDocumentedAndEveryNullableFieldDefaultsToNull() {
        Set<String> seen = new HashSet<>();
        for (Class<? extends SpecificRecord> type : Topics.VALUE_TYPES.values()) {
            check(Topics.schemaOf(type), seen);
        }
        assertThat(seen).contains("dev.hart.schemas.avro.Tensor", "dev.hart.schemas.avro.TensorDType",
                "dev.hart.schemas.avro.RequestInfo");
    }

    private static void check(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD:
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                assertThat(schema.getDoc()).as("doc of %s", schema.getFullName()).isNotBlank();
                for (Schema.Field field : schema.getFields()) {
                    assertThat(field.doc()).as("doc of %s.%s", schema.getName(), field.name()).isNotBlank();
                    if (field.schema().isNullable()) {
                        assertThat(field.schema().getTypes().get(0).getType()).as("null first in %s.%s", schema.getName(), field.name())
                                .isEqualTo(Schema.Type.NULL);
                        assertThat(field.hasDefaultValue()).as("default of %s.%s", schema.getName(), field.name()).isTrue();
                    }
                    check(field.schema(), seen);
                }
                break;
            case ENUM:
                seen.add(schema.getFullName());
                assertThat(schema.getDoc()).as("doc of %s", schema.getFullName()).isNotBlank();
                break;
            case UNION:
                schema.getTypes().forEach(s -> check(s, seen));
                break;
            case ARRAY:
                check(schema.getElementType(), seen);
                break;
            case MAP:
                check(schema.getValueType(), seen);
                break;
            default:
                break;
        }
    }

    @Test
    void registerAllRegistersOneValueSubjectPerTopic() {
        MockSchemaRegistryClient registry = new MockSchemaRegistryClient();
        Map<String, Integer> ids = Topics.registerAll(registry);
        assertThat(ids).hasSize(7);
        assertThat(new HashSet<>(ids.values())).hasSize(7);
        assertThat(registry.getAllSubjects()).containsExactly("hart.prompt-events-value", "hart.requests-value",
                "hart.ar-output-value", "hart.latents-value", "hart.images-value", "hart.dlq-value", "hart.job-progress-value");
        assertThat(Topics.registerAll(registry)).isEqualTo(ids); // idempotent
    }
}
