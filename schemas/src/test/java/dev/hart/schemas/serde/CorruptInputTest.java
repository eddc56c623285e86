package dev.hart.schemas.serde;

import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.registry.MockSchemaRegistryClient;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad bytes never escape as anything but a SerializationException that says what is wrong. */
class CorruptInputTest {

    private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();
    private final SpecificAvroSerializer<JobProgress> serializer = new SpecificAvroSerializer<>(registry);
    private final SpecificAvroDeserializer<JobProgress> deserializer = new SpecificAvroDeserializer<>(registry, JobProgress.class);

    private byte[] valid() {
        return serializer.serialize("hart.job-progress", SampleRecords.jobProgress());
    }

    @Test
    void wrongMagicByte() {
        byte[] bytes = valid();
        bytes[0] = 0x7B; // '{' — e.g. a JSON producer on the topic
        assertThatThrownBy(() -> deserializer.deserialize("hart.job-progress", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic 'hart.job-progress'")
                .hasMessageContaining("unknown magic byte 0x7b (expected 0x00");
    }

    @Test
    void unknownSchemaId() {
        byte[] bytes = valid();
        bytes[4] = 99;
        assertThatThrownBy(() -> deserializer.deserialize("hart.job-progress", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown schema id 99");
    }

    @Test
    void emptyAndShortArrays() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[0]))
                .isInstanceOf(SerializationException.class).hasMessageContaining("0 bytes is shorter than the 5-byte");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("3 bytes is shorter");
    }

    @Test
    void nullIsATombstoneNotAnError() {
        assertThat(deserializer.deserialize("t", null)).isNull();
    }

    @Test
    void everyTruncationIsReported() {
        byte[] bytes = valid();
        for (int length = WireFormat.HEADER_SIZE; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> deserializer.deserialize("hart.job-progress", cut))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("truncated or corrupt Avro body");
        }
    }

    @Test
    void trailingBytesAreReported() {
        byte[] bytes = Arrays.copyOf(valid(), valid().length + 3);
        assertThatThrownBy(() -> deserializer.deserialize("hart.job-progress", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("bytes left over");
    }

    @Test
    void hugeLengthPrefixFailsWithoutAllocatingIt() {
        byte[] header = valid();
        // jobId string length varint = 2^30 (zigzag 2^31): would make Avro allocate 1 GiB
        byte[] bytes = Arrays.copyOf(header, WireFormat.HEADER_SIZE + 5);
        bytes[5] = (byte) 0x80;
        bytes[6] = (byte) 0x80;
        bytes[7] = (byte) 0x80;
        bytes[8] = (byte) 0x80;
        bytes[9] = 0x08;
        assertThatThrownBy(() -> deserializer.deserialize("hart.job-progress", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("string length 1073741824 but the record body has only 5 bytes");
    }

    @Test
    void randomGarbageAfterAValidHeaderOnlyEverRaisesSerializationException() {
        SpecificAvroSerializer<ArOutput> arSerializer = new SpecificAvroSerializer<>(registry);
        byte[] arHeader = Arrays.copyOf(arSerializer.serialize("hart.ar-output", SampleRecords.arOutput()), WireFormat.HEADER_SIZE);
        SpecificAvroDeserializer<ArOutput> arDeserializer = new SpecificAvroDeserializer<>(registry, ArOutput.class);
        byte[] validAr = arSerializer.serialize("hart.ar-output", SampleRecords.arOutput());
        SplittableRandom random = new SplittableRandom(7);
        int failures = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] bytes;
            if (i % 2 == 0) { // random body
                bytes = Arrays.copyOf(arHeader, WireFormat.HEADER_SIZE + random.nextInt(300));
                for (int j = WireFormat.HEADER_SIZE; j < bytes.length; j++) {
                    bytes[j] = (byte) random.nextInt(256);
                }
            } else { // a valid record with a few flipped bytes
                bytes = validAr.clone();
                for (int k = 0; k < 3; k++) {
                    int at = WireFormat.HEADER_SIZE + random.nextInt(bytes.length - WireFormat.HEADER_SIZE);
                    bytes[at] = (byte) random.nextInt(256);
                }
            }
            try {
                assertThat(arDeserializer.deserialize("hart.ar-output", bytes)).isNotNull();
            } catch (SerializationException expected) {
                failures++;
                assertThat(expected.getMessage()).contains("hart.ar-output");
            }
        }
        assertThat(failures).isPositive();
    }

    @Test
    void recordOfAnotherTypeIsRefusedWithBothNames() {
        byte[] latent = new SpecificAvroSerializer<Latent>(registry).serialize("hart.latents", SampleRecords.latent());
        assertThatThrownBy(() -> deserializer.deserialize("hart.latents", latent))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("writer schema dev.hart.schemas.avro.Latent")
                .hasMessageContaining("cannot be read as dev.hart.schemas.avro.JobProgress");
    }

    @Test
    void unconfiguredSerdesSaySo() {
        assertThatThrownBy(() -> new SpecificAvroDeserializer<JobProgress>().deserialize("t", valid()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not configured");
        assertThatThrownBy(() -> new SpecificAvroSerializer<JobProgress>().serialize("t", SampleRecords.jobProgress()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("schema.registry.url");
    }
}
