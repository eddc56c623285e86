package dev.hart.schemas.serde;

import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.registry.MockSchemaRegistryClient;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenericAvroDeserializerTest {

    private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();

    @Test
    void readsAnyRecordWithItsWriterSchema() {
        byte[] bytes = new SpecificAvroSerializer<DeadLetter>(registry).serialize("hart.dlq", SampleRecords.deadLetter());
        GenericRecord record = new GenericAvroDeserializer(registry).deserialize("hart.dlq", bytes);
        assertThat(record.getSchema().getFullName()).isEqualTo("dev.hart.schemas.avro.DeadLetter");
        assertThat(record.get("sourceTopic").toString()).isEqualTo("hart.requests");
        assertThat(record.get("sourceOffset")).isEqualTo(12345L);
        assertThat(record.get("originalKey")).isEqualTo(ByteBuffer.wrap(new byte[] {'k'}));
        assertThat(record.get("originalValue")).isNull();
    }

    @Test
    void corruptInputIsASerializationException() {
        GenericAvroDeserializer deserializer = new GenericAvroDeserializer(registry);
        byte[] bytes = new SpecificAvroSerializer<DeadLetter>(registry).serialize("hart.dlq", SampleRecords.deadLetter());
        assertThatThrownBy(() -> deserializer.deserialize("hart.dlq", Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> deserializer.deserialize("hart.dlq", new byte[] {0, 0, 0, 0, 42}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown schema id 42");
        assertThatThrownBy(() -> deserializer.deserialize("hart.dlq", new byte[] {1}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("shorter");
        assertThat(deserializer.deserialize("hart.dlq", null)).isNull();
    }
}
