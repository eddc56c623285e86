package dev.hart.runtime.registry;

import dev.hart.runtime.SharedKafka;
import dev.hart.schemas.registry.HttpSchemaRegistryClient;
import dev.hart.schemas.registry.IncompatibleSchemaException;
import dev.hart.schemas.registry.RegisteredSchema;
import dev.hart.schemas.registry.SchemaNotFoundException;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class EmbeddedSchemaRegistryTest {
    private static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Prompt","namespace":"t","fields":[{"name":"text","type":"string"}]}""");
    private static final Schema V2_WITH_DEFAULT = new Schema.Parser().parse("""
            {"type":"record","name":"Prompt","namespace":"t","fields":[{"name":"text","type":"string"},
             {"name":"seed","type":"long","default":0}]}""");
    private static final Schema V2_NO_DEFAULT = new Schema.Parser().parse("""
            {"type":"record","name":"Prompt","namespace":"t","fields":[{"name":"text","type":"string"},
             {"name":"cfg","type":"double"}]}""");
    private static final Schema OTHER = new Schema.Parser().parse("""
            {"type":"record","name":"Other","namespace":"t","fields":[{"name":"n","type":"int"}]}""");

    @Test
    void registersFetchesAndReRegistersIdempotently() {
        String topic = SharedKafka.uniqueTopic("_schemas");
        try (var registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrap(), topic, 0).start();
             var client = new HttpSchemaRegistryClient(registry.url())) {
            int id = client.register("prompts-value", V1);
            assertThat(client.getSchemaById(id)).isEqualTo(V1);
            assertThat(client.register("prompts-value", V1)).isEqualTo(id);
            assertThat(client.getId("prompts-value", V1)).isEqualTo(id);
            int otherId = client.register("other-value", OTHER);
            assertThat(otherId).isNotEqualTo(id);
            assertThat(client.getAllSubjects()).containsExactlyInAnyOrder("prompts-value", "other-value");
            RegisteredSchema latest = client.getLatestSchema("prompts-value");
            assertThat(latest.version()).isEqualTo(1);
            assertThat(latest.id()).isEqualTo(id);
            assertThatThrownBy(() -> client.getSchemaById(9999)).isInstanceOf(SchemaNotFoundException.class);
            assertThatThrownBy(() -> client.getId("prompts-value", OTHER)).isInstanceOf(SchemaNotFoundException.class);
        }
    }

    @Test
    void enforcesBackwardCompatibility() {
        String topic = SharedKafka.uniqueTopic("_schemas");
        try (var registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrap(), topic, 0).start();
             var client = new HttpSchemaRegistryClient(registry.url())) {
            int v1 = client.register("prompts-value", V1);
            assertThat(client.testCompatibility("prompts-value", V2_NO_DEFAULT).compatible()).isFalse();
            assertThat(client.testCompatibility("prompts-value", V2_WITH_DEFAULT).compatible()).isTrue();
            assertThatThrownBy(() -> client.register("prompts-value", V2_NO_DEFAULT))
                    .isInstanceOf(IncompatibleSchemaException.class)
                    .hasMessageContaining("cfg");
            int v2 = client.register("prompts-value", V2_WITH_DEFAULT);
            assertThat(v2).isNotEqualTo(v1);
            assertThat(client.getAllVersions("prompts-value")).containsExactly(1, 2);
            assertThat(client.getLatestSchema("prompts-value").schema()).isEqualTo(V2_WITH_DEFAULT);
        }
    }

    @Test
    void idsSurviveARegistryRestartOnTheSameBroker() {
        String topic = SharedKafka.uniqueTopic("_schemas");
        int id1;
        int id2;
        try (var registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrap(), topic, 0).start();
             var client = new HttpSchemaRegistryClient(registry.url())) {
            id1 = client.register("prompts-value", V1);
            id2 = client.register("other-value", OTHER);
        }
        try (var registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrap(), topic, 0).start();
             var client = new HttpSchemaRegistryClient(registry.url())) {
            assertThat(client.getSchemaById(id1)).isEqualTo(V1);
            assertThat(client.getSchemaById(id2)).isEqualTo(OTHER);
            assertThat(client.register("prompts-value", V1)).isEqualTo(id1);
            int id3 = client.register("prompts-value", V2_WITH_DEFAULT);
            assertThat(id3).isNotIn(id1, id2);
            assertThat(client.getAllVersions("prompts-value")).containsExactly(1, 2);
        }
    }

    @Test
    void answersErrorsInConfluentShape() throws Exception {
        String topic = SharedKafka.uniqueTopic("_schemas");
        try (var registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrap(), topic, 0).start()) {
            HttpClient http = HttpClient.newHttpClient();
            var missingId = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/42")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missingId.statusCode()).isEqualTo(404);
            assertThat(missingId.body()).contains("\"error_code\":40403");

            var missingSubject = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/nope"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"\\\"string\\\"\"}"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missingSubject.statusCode()).isEqualTo(404);
            assertThat(missingSubject.body()).contains("\"error_code\":40401");

            var invalid = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/x/versions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"recordd\\\"}\"}"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(invalid.statusCode()).isEqualTo(422);
            assertThat(invalid.body()).contains("\"error_code\":42201").contains("message");
        }
    }
}
