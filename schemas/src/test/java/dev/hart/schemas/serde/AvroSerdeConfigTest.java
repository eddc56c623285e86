package dev.hart.schemas.serde;

import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.registry.HttpSchemaRegistryClient;
import dev.hart.schemas.registry.MockSchemaRegistryClient;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeConfigTest {

    @AfterEach
    void dropScopes() {
        MockSchemaRegistryClient.dropScope("config-test");
    }

    @Test
    void mockUrlsShareOneInMemoryRegistryPerScope() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://config-test",
                AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, JobProgress.class.getName());
        SpecificAvroSerializer<JobProgress> serializer = new SpecificAvroSerializer<>();
        serializer.configure(config, false);
        SpecificAvroDeserializer<JobProgress> deserializer = new SpecificAvroDeserializer<>();
        deserializer.configure(config, false);

        byte[] bytes = serializer.serialize("hart.job-progress", SampleRecords.jobProgress());
        assertThat(deserializer.deserialize("hart.job-progress", bytes)).isEqualTo(SampleRecords.jobProgress());
        assertThat(MockSchemaRegistryClient.forScope("config-test").getAllSubjects()).containsExactly("hart.job-progress-value");
        assertThat(AvroSerdeConfig.parse(config).createClient()).isSameAs(MockSchemaRegistryClient.forScope("config-test"));
    }

    @Test
    void missingUrlIsAConfigError() {
        assertThatThrownBy(() -> new SpecificAvroSerializer<JobProgress>().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
    }

    @Test
    void specificReaderFalseIsRefused() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://config-test",
                AvroSerdeConfig.SPECIFIC_AVRO_READER, "false");
        assertThatThrownBy(() -> new SpecificAvroDeserializer<JobProgress>().configure(config, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GenericAvroDeserializer");
        new SpecificAvroSerializer<JobProgress>().configure(config, false); // serializers do not care
        new GenericAvroDeserializer().configure(config, false);
    }

    @Test
    void targetTypesMustBeGeneratedClasses() {
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, "java.lang.String")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SpecificRecord");
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE, "no.such.Type")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not found");
        AvroSerdeConfig config = AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE, GenerationRequest.class));
        assertThat(config.recordType(true)).isEqualTo(GenerationRequest.class);
        assertThat(config.recordType(false)).isNull();
    }

    @Test
    void subjectNameStrategiesAcceptConfluentClassNames() {
        AvroSerdeConfig config = AvroSerdeConfig.parse(Map.of(
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "io.confluent.kafka.serializers.subject.RecordNameStrategy",
                AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY, "TopicRecordNameStrategy"));
        assertThat(config.subjectNameStrategy(false).subject("t", false, JobProgress.getClassSchema()))
                .isEqualTo("dev.hart.schemas.avro.JobProgress");
        assertThat(config.subjectNameStrategy(true).subject("t", true, JobProgress.getClassSchema()))
                .isEqualTo("t-dev.hart.schemas.avro.JobProgress");
        assertThat(AvroSerdeConfig.parse(Map.of()).subjectNameStrategy(true).subject("t", true, JobProgress.getClassSchema()))
                .isEqualTo("t-key");
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "Weird")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsClearly() {
        SpecificAvroSerializer<JobProgress> serializer = new SpecificAvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://config-test",
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false), false);
        assertThatThrownBy(() -> serializer.serialize("hart.job-progress", SampleRecords.jobProgress()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot look up schema dev.hart.schemas.avro.JobProgress under subject 'hart.job-progress-value'");

        MockSchemaRegistryClient.forScope("config-test").register("hart.job-progress-value", JobProgress.getClassSchema());
        assertThat(serializer.serialize("hart.job-progress", SampleRecords.jobProgress())).isNotEmpty();
    }

    @Test
    void httpUrlsMakeAnHttpClientAndAuthCanComeFromTheUrl() {
        assertThat(AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://localhost:8081")).createClient())
                .isInstanceOf(HttpSchemaRegistryClient.class);
        assertThat(AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://bob:pw@localhost:8081",
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL")).createClient())
                .isInstanceOf(HttpSchemaRegistryClient.class);
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "localhost:8081")).createClient())
                .isInstanceOf(ConfigException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "yes")))
                .isInstanceOf(ConfigException.class);
    }
}
