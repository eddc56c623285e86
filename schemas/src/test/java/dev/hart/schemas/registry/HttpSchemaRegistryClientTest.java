package dev.hart.schemas.registry;

import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.serde.AvroSerdeConfig;
import dev.hart.schemas.serde.SpecificAvroSerde;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpSchemaRegistryClientTest {

    private FakeRegistryServer server;
    private HttpSchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeRegistryServer();
        client = new HttpSchemaRegistryClient(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Schema withoutJobId() {
        return new Schema.Parser().parse(JobProgress.getClassSchema().toString()
                .replace("{\"name\":\"jobId\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"},\"doc\":\"The job.\"},", ""));
    }

    @Test
    void registersFetchesAndLooksUpSchemas() {
        int id = client.register("hart.images-value", GeneratedImage.getClassSchema());
        FakeRegistryServer.Request register = server.requests.get(0);
        assertThat(register.method()).isEqualTo("POST");
        assertThat(register.path()).isEqualTo("/subjects/hart.images-value/versions");
        assertThat(register.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(register.body()).startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"");
        assertThat(register.authorization()).isNull();

        HttpSchemaRegistryClient other = new HttpSchemaRegistryClient(server.url());
        assertThat(other.getSchemaById(id)).isEqualTo(GeneratedImage.getClassSchema());
        assertThat(other.getId("hart.images-value", GeneratedImage.getClassSchema())).isEqualTo(id);
        assertThat(other.getLatestSchema("hart.images-value")).isEqualTo(
                new RegisteredSchema("hart.images-value", 1, id, GeneratedImage.getClassSchema()));
        assertThat(other.getAllSubjects()).containsExactly("hart.images-value");
        assertThat(other.getAllVersions("hart.images-value")).containsExactly(1);
    }

    @Test
    void schemasByIdAreCached() {
        int id = server.store.register("s", JobProgress.getClassSchema());
        client.getSchemaById(id);
        client.getSchemaById(id);
        client.getSchemaById(id);
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void incompatibleRegistrationCarriesTheRegistrysReason() {
        client.register("hart.job-progress-value", withoutJobId());
        assertThatThrownBy(() -> client.register("hart.job-progress-value", JobProgress.getClassSchema()))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.subject()).isEqualTo("hart.job-progress-value");
                })
                .hasMessageContaining("Schema is incompatible with an earlier version of subject 'hart.job-progress-value'")
                .hasMessageContaining("'jobId' has no default");
    }

    @Test
    void compatibilityCheck() {
        assertThat(client.testCompatibility("new-subject", JobProgress.getClassSchema()).compatible()).isTrue();
        client.register("hart.job-progress-value", withoutJobId());
        CompatibilityResult result = client.testCompatibility("hart.job-progress-value", JobProgress.getClassSchema());
        assertThat(result.compatible()).isFalse();
        assertThat(result.messages()).anySatisfy(m -> assertThat(m).contains("jobId"));
        assertThat(server.requests.get(server.requests.size() - 1).path())
                .isEqualTo("/compatibility/subjects/hart.job-progress-value/versions/latest");
    }

    @Test
    void unknownIdsAndSubjectsAreNotFound() {
        assertThatThrownBy(() -> client.getSchemaById(77))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40403))
                .hasMessageContaining("HTTP 404 (error_code 40403)");
        assertThatThrownBy(() -> client.getId("nope", JobProgress.getClassSchema()))
                .isInstanceOfSatisfying(SchemaNotFoundException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    }

    @Test
    void subjectsAreUrlEncoded() {
        client.register("odd subject/with slash", JobProgress.getClassSchema());
        assertThat(server.requests.get(0).path()).isEqualTo("/subjects/odd%20subject%2Fwith%20slash/versions");
        assertThat(server.store.getAllSubjects()).containsExactly("odd subject/with slash");
    }

    @Test
    void basicAuthIsSentAndRefusalIsExplained() {
        server.requiredUserInfo.set("alice:s3cret");
        HttpSchemaRegistryClient authed = new HttpSchemaRegistryClient(server.url(), "alice:s3cret", Duration.ofSeconds(5));
        assertThat(authed.register("s", JobProgress.getClassSchema())).isPositive();
        assertThat(server.requests.get(0).authorization()).isEqualTo("Basic YWxpY2U6czNjcmV0");

        assertThatThrownBy(() -> client.register("s", JobProgress.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessageContaining("Unauthorized").hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void unreachableRegistryFailsClearlyAndFallsBackToTheNextUrl() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HttpSchemaRegistryClient dead = new HttpSchemaRegistryClient("http://127.0.0.1:" + closedPort, null, Duration.ofSeconds(5));
        assertThatThrownBy(() -> dead.getSchemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("cannot reach the schema registry at http://127.0.0.1:" + closedPort);

        HttpSchemaRegistryClient failover = new HttpSchemaRegistryClient(
                "http://127.0.0.1:" + closedPort + ", " + server.url() + "/", null, Duration.ofSeconds(5));
        assertThat(failover.register("s", JobProgress.getClassSchema())).isPositive();
    }

    @Test
    void badUrlsAreRefused() {
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpSchemaRegistryClient("ftp://x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(server.url(), "no-colon", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user:password");
    }

    @Test
    void serdeConfiguredByUrlWorksEndToEndOverHttp() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER, "true");
        try (SpecificAvroSerde<JobProgress> producerSide = new SpecificAvroSerde<>();
             SpecificAvroSerde<JobProgress> consumerSide = new SpecificAvroSerde<>()) {
            producerSide.configure(config, false);
            consumerSide.configure(config, false);
            JobProgress progress = JobProgress.newBuilder().setJobId("j").setSubmitted(5).build();
            byte[] bytes = producerSide.serializer().serialize("hart.job-progress", progress);
            assertThat(consumerSide.deserializer().deserialize("hart.job-progress", bytes)).isEqualTo(progress);
            assertThat(server.store.getAllSubjects()).containsExactly("hart.job-progress-value");
        }
    }

    @Test
    void deserializerReportsAnUnreachableRegistryAsSerializationException() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SpecificAvroSerde<JobProgress> serde = new SpecificAvroSerde<>(JobProgress.class);
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + closedPort,
                AvroSerdeConfig.REQUEST_TIMEOUT_MS, "2000"), false);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("fetching schema id 1 failed").hasMessageContaining("cannot reach");
    }
}
