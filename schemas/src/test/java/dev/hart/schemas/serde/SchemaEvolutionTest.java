package dev.hart.schemas.serde;

import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.registry.IncompatibleSchemaException;
import dev.hart.schemas.registry.MockSchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Records written with an earlier schema version are read by today's generated classes (BACKWARD). */
class SchemaEvolutionTest {

    private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();

    static Schema resource(String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }

    static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(WireFormat.header(id));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void v1JobProgressIsReadByTheCurrentClassWithDefaults() throws IOException {
        Schema v1 = resource("JobProgress-v1.avsc");
        int v1Id = registry.register("hart.job-progress-value", v1);
        GenericRecord old = new GenericData.Record(v1);
        old.put("jobId", "job-7");
        old.put("submitted", 10L);
        old.put("rejected", 2L);
        old.put("generated", 8L);
        old.put("firstEventAtMs", 5L);
        old.put("lastEventAtMs", 9L);

        // the producer upgrades: the current schema is accepted as version 2 of the subject
        int v2Id = registry.register("hart.job-progress-value", JobProgress.getClassSchema());
        assertThat(v2Id).isNotEqualTo(v1Id);
        assertThat(registry.getAllVersions("hart.job-progress-value")).containsExactly(1, 2);

        SpecificAvroDeserializer<JobProgress> deserializer = new SpecificAvroDeserializer<>(registry, JobProgress.class);
        JobProgress read = deserializer.deserialize("hart.job-progress", wire(v1Id, v1, old));
        assertThat(read.getJobId()).isEqualTo("job-7");
        assertThat(read.getSubmitted()).isEqualTo(10L);
        assertThat(read.getGenerated()).isEqualTo(8L);
        assertThat(read.getFailed()).isZero(); // default of the added field
        assertThat(read.getRecentRejectReasons()).isEmpty(); // default of the added field
        assertThat(read.getLastEventAtMs()).isEqualTo(9L);
    }

    @Test
    void v1GenerationRequestWithNestedRequestInfoIsReadWithDefaults() throws IOException {
        Schema v1 = resource("GenerationRequest-v1.avsc");
        int id = registry.register("hart.requests-value", v1);
        Schema infoV1 = v1.getField("request").schema();
        GenericRecord info = new GenericData.Record(infoV1);
        info.put("requestId", "r-1");
        info.put("jobId", "j-1");
        info.put("prompt", "a blue triangle");
        info.put("seed", 7L);
        info.put("cfg", 4.5f);
        info.put("topK", null);
        info.put("topP", 0f);
        info.put("moreSmooth", false);
        info.put("useSystemPrompt", true);
        info.put("checkpointId", "ckpt");
        info.put("metadata", Map.of("k", "v"));
        info.put("submittedAtMs", 1L);
        GenericRecord old = new GenericData.Record(v1);
        old.put("request", info);

        assertThat(registry.testCompatibility("hart.requests-value", GenerationRequest.getClassSchema()).compatible()).isTrue();
        GenerationRequest read = new SpecificAvroDeserializer<>(registry, GenerationRequest.class)
                .deserialize("hart.requests", wire(id, v1, old));
        assertThat(read.getRequest().getPrompt()).isEqualTo("a blue triangle");
        assertThat(read.getRequest().getMoreSmooth()).isFalse();
        assertThat(read.getRequest().getMetadata()).containsEntry("k", "v");
        assertThat(read.getRequest().getImageIndex()).isZero();
        assertThat(read.getRequest().getNumImages()).isEqualTo(1);
        assertThat(read.getRequest().getNumDiffusionSteps()).isNull();
        assertThat(read.getRequest().getStageTimingsMs()).isEmpty();
        assertThat(read.getAcceptedAtMs()).isZero();
    }

    @Test
    void addingAFieldWithoutDefaultIsRefusedWithTheReason() {
        registry.register("hart.job-progress-value", JobProgress.getClassSchema());
        Schema withoutDefault = new Schema.Parser().parse(JobProgress.getClassSchema().toString()
                .replace("{\"name\":\"jobId\"", "{\"name\":\"cancelled\",\"type\":\"long\"},{\"name\":\"jobId\""));

        assertThat(registry.testCompatibility("hart.job-progress-value", withoutDefault).compatible()).isFalse();
        assertThatThrownBy(() -> registry.register("hart.job-progress-value", withoutDefault))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("incompatible with an earlier version of subject 'hart.job-progress-value'")
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
                .hasMessageContaining("'cancelled' has no default");
        assertThat(registry.getAllVersions("hart.job-progress-value")).containsExactly(1);
    }

    @Test
    void changingAFieldTypeIsRefused() {
        registry.register("s", JobProgress.getClassSchema());
        Schema retyped = new Schema.Parser().parse(JobProgress.getClassSchema().toString()
                .replace("{\"name\":\"jobId\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"}",
                        "{\"name\":\"jobId\",\"type\":\"int\""));
        assertThat(retyped.getField("jobId").schema().getType()).isEqualTo(Schema.Type.INT);
        assertThatThrownBy(() -> registry.register("s", retyped))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("TYPE_MISMATCH").hasMessageContaining("/fields/0");
    }

    @Test
    void incompatibleRegistrationFailsTheSerializerWithTheReason() {
        // an earlier version without jobId: today's class requires jobId (no default), so it cannot read that data
        Schema withoutJobId = new Schema.Parser().parse(JobProgress.getClassSchema().toString()
                .replace("{\"name\":\"jobId\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"},\"doc\":\"The job.\"},", ""));
        assertThat(withoutJobId.getField("jobId")).isNull();
        registry.register("hart.job-progress-value", withoutJobId);

        SpecificAvroSerializer<JobProgress> serializer = new SpecificAvroSerializer<>(registry);
        assertThatThrownBy(() -> serializer.serialize("hart.job-progress", SampleRecords.jobProgress()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot register schema dev.hart.schemas.avro.JobProgress under subject 'hart.job-progress-value'")
                .hasMessageContaining("incompatible with an earlier version")
                .hasMessageContaining("'jobId' has no default");
    }
}
