package dev.hart.schemas.registry;

import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.Latent;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MockSchemaRegistryClientTest {

    private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();

    private static Schema record(String... fieldsWithDefaultLastOnes) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("R").namespace("t").fields();
        for (String f : fieldsWithDefaultLastOnes) {
            fields = f.endsWith("?") ? fields.name(f.substring(0, f.length() - 1)).type().intType().intDefault(0)
                    : fields.name(f).type().intType().noDefault();
        }
        return fields.endRecord();
    }

    @Test
    void idsAreGlobalAndStableAcrossSubjects() {
        int a = registry.register("a-value", JobProgress.getClassSchema());
        int again = registry.register("a-value", JobProgress.getClassSchema());
        int b = registry.register("b-value", JobProgress.getClassSchema());
        registry.setCompatibility("b-value", CompatibilityLevel.NONE); // a different record type is not BACKWARD
        int latent = registry.register("b-value", Latent.getClassSchema());
        assertThat(again).isEqualTo(a);
        assertThat(b).isEqualTo(a);
        assertThat(latent).isEqualTo(a + 1);
        assertThat(registry.getAllVersions("b-value")).containsExactly(1, 2);
        assertThat(registry.getLatestSchema("b-value").schema()).isEqualTo(Latent.getClassSchema());
        assertThat(registry.getSchemaById(a)).isEqualTo(JobProgress.getClassSchema());
    }

    @Test
    void backwardIsTheDefaultAndOnlyChecksTheLatestVersion() {
        registry.register("s", record("x"));
        registry.register("s", record("x", "y?"));
        // dropping x is fine for BACKWARD against the latest (reader ignores writer's extra field)
        assertThat(registry.register("s", record("y?"))).isPositive();
        assertThatThrownBy(() -> registry.register("s", record("y?", "z")))
                .isInstanceOf(IncompatibleSchemaException.class).hasMessageContaining("'z' has no default");
    }

    @Test
    void transitiveAndForwardLevels() {
        registry.setCompatibility("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
        registry.register("s", record("x"));
        registry.register("s", record("x?"));
        assertThat(registry.testCompatibility("s", record("x?", "w?")).compatible()).isTrue();

        registry.setCompatibility("f", CompatibilityLevel.FORWARD);
        registry.register("f", record("x", "y"));
        // old readers need y: removing it without a default on their side breaks FORWARD
        CompatibilityResult forward = registry.testCompatibility("f", record("x"));
        assertThat(forward.compatible()).isFalse();
        assertThat(forward.messages()).anySatisfy(m -> assertThat(m).contains("old schema cannot read new data"));

        registry.setCompatibility("n", CompatibilityLevel.NONE);
        registry.register("n", record("x"));
        assertThat(registry.register("n", record("q"))).isPositive();
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown compatibility level");
    }

    @Test
    void backwardCompatibilityHelperExplainsProblems() {
        CompatibilityResult ok = BackwardCompatibility.check(record("x", "y?"), record("x"));
        assertThat(ok.compatible()).isTrue();
        assertThat(ok.messages()).isEmpty();
        CompatibilityResult bad = BackwardCompatibility.checkAll(record("x", "y"), List.of(record("x"), record("x", "y")));
        assertThat(bad.compatible()).isFalse();
        assertThat(bad.messages()).containsExactly(
                "earlier schema #1: READER_FIELD_MISSING_DEFAULT_VALUE at '/fields/1': new field 'y' has no default, "
                        + "so records written with the earlier schema cannot be read");
    }

    @Test
    void unknownThingsAreNotFound() {
        assertThatThrownBy(() -> registry.getSchemaById(1)).isInstanceOf(SchemaNotFoundException.class);
        assertThatThrownBy(() -> registry.getLatestSchema("x")).isInstanceOf(SchemaNotFoundException.class)
                .hasMessageContaining("Subject 'x' not found");
        registry.register("x", record("a"));
        assertThatThrownBy(() -> registry.getId("x", record("b"))).isInstanceOfSatisfying(SchemaNotFoundException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SchemaNotFoundException.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> registry.getVersion("x", 2)).isInstanceOf(SchemaNotFoundException.class);
        assertThatThrownBy(() -> registry.register(" ", record("a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.register("x", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
