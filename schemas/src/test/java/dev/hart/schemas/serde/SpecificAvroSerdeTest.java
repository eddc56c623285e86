package dev.hart.schemas.serde;

import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.registry.MockSchemaRegistryClient;
import dev.hart.schemas.tensor.Tensors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpecificAvroSerdeTest {

    private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();

    /** JobProgress {"job-1", 3, 1, 2, 0, 1000, null, ["empty prompt"]} in Avro binary, written out by hand. */
    private static byte[] handBuiltJobProgressBody() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x0A); // jobId: length 5, zigzag varint 10
        out.writeBytes("job-1".getBytes(StandardCharsets.UTF_8));
        out.write(0x06); // submitted 3
        out.write(0x02); // rejected 1
        out.write(0x04); // generated 2
        out.write(0x00); // failed 0
        out.write(0x02); // firstEventAtMs: union branch 1 (long)
        out.write(0xD0); // 1000 -> zigzag 2000 -> varint D0 0F
        out.write(0x0F);
        out.write(0x00); // lastEventAtMs: union branch 0 (null)
        out.write(0x02); // recentRejectReasons: one block of 1 item
        out.write(0x18); // string length 12
        out.writeBytes("empty prompt".getBytes(StandardCharsets.UTF_8));
        out.write(0x00); // end of array
        out.write(0x00); // duplicates = 0 (zig-zag varint)
        return out.toByteArray();
    }

    /** Fills ids 1..n-1 so the next schema gets id n, which needs more than one header byte. */
    private void burnIds(int next) {
        registry.setCompatibility("filler", dev.hart.schemas.registry.CompatibilityLevel.NONE);
        for (int i = 1; i < next; i++) {
            Schema s = SchemaBuilder.record("Filler" + i).fields().requiredInt("x").endRecord();
            assertThat(registry.register("filler", s)).isEqualTo(i);
        }
    }

    @Test
    void handBuiltWireFormatBytesDecode() {
        burnIds(300);
        int id = registry.register("hart.job-progress-value", JobProgress.getClassSchema());
        assertThat(id).isEqualTo(300);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(new byte[] {0x00, 0x00, 0x00, 0x01, 0x2C}); // magic 0, id 300 big-endian
        wire.writeBytes(handBuiltJobProgressBody());

        SpecificAvroDeserializer<JobProgress> deserializer = new SpecificAvroDeserializer<>(registry, JobProgress.class);
        JobProgress progress = deserializer.deserialize("hart.job-progress", wire.toByteArray());

        assertThat(progress).isEqualTo(SampleRecords.jobProgress());
        assertThat(progress.getFirstEventAtMs()).isEqualTo(1000L);
        assertThat(progress.getRecentRejectReasons()).containsExactly("empty prompt");
    }

    @Test
    void serializerWritesExactlyTheWireFormat() {
        burnIds(300);
        SpecificAvroSerializer<JobProgress> serializer = new SpecificAvroSerializer<>(registry);
        byte[] bytes = serializer.serialize("hart.job-progress", SampleRecords.jobProgress());

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {0x00, 0x00, 0x00, 0x01, 0x2C});
        expected.writeBytes(handBuiltJobProgressBody());
        assertThat(bytes).containsExactly(expected.toByteArray());
        assertThat(registry.getAllSubjects()).contains("hart.job-progress-value");
    }

    @Test
    void everyTopicRecordRoundTrips() {
        List<SpecificRecord> records = List.of(SampleRecords.promptEvent(), SampleRecords.generationRequest(),
                SampleRecords.arOutput(), SampleRecords.latent(), SampleRecords.generatedImage(),
                SampleRecords.deadLetter(), SampleRecords.jobProgress());
        SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>(registry);
        SpecificAvroDeserializer<SpecificRecord> deserializer = new SpecificAvroDeserializer<>(registry, null);
        for (SpecificRecord record : records) {
            String topic = "topic-" + record.getSchema().getName();
            byte[] bytes = serializer.serialize(topic, record);
            SpecificRecord back = deserializer.deserialize(topic, bytes);
            assertThat(back).as(record.getSchema().getName()).isInstanceOf(record.getClass()).isEqualTo(record);
        }
        assertThat(registry.getAllSubjects()).contains("topic-ArOutput-value", "topic-DeadLetter-value");
    }

    @Test
    void tensorsSurviveTheTopic() {
        SpecificAvroSerde<ArOutput> serde = new SpecificAvroSerde<>(registry, ArOutput.class);
        ArOutput original = SampleRecords.arOutput();
        ArOutput back = serde.deserializer().deserialize("hart.ar-output", serde.serializer().serialize("hart.ar-output", original));
        assertThat(Tensors.toFloats(back.getFHat())).containsExactly(Tensors.toFloats(original.getFHat()));
        assertThat(Tensors.shape(back.getDiffusionCondition())).containsExactly(2, 4, 3);
        assertThat(Tensors.toFloats(back.getDiffusionCondition())).containsExactly(Tensors.toFloats(original.getDiffusionCondition()));
        assertThat(Tensors.toLongs(back.getLastScaleIndices())).containsExactly(1, 2, 3, 4095);
    }

    @Test
    void keysUseTheKeySubject() {
        SpecificAvroSerializer<Latent> serializer = new SpecificAvroSerializer<>(registry);
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://unused"), true);
        serializer.serialize("hart.latents", SampleRecords.latent());
        assertThat(registry.getAllSubjects()).containsExactly("hart.latents-key");
    }

    @Test
    void nullRecordsAreTombstones() {
        SpecificAvroSerde<JobProgress> serde = new SpecificAvroSerde<>(registry, JobProgress.class);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }
}
