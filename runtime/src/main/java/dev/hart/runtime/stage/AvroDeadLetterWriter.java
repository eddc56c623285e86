package dev.hart.runtime.stage;

import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.registry.SchemaRegistryClient;
import dev.hart.schemas.serde.SpecificAvroSerializer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes dead letters as Avro {@link DeadLetter} records in the Confluent wire format (the pipeline's {@code hart.dlq}
 * schema). The key stays the original key bytes; the request id is the key when it is UTF-8 text.
 */
public final class AvroDeadLetterWriter implements DeadLetterWriter {
    private final Serializer<DeadLetter> serializer;

    /** @param serializer a configured Avro serializer for {@link DeadLetter} values */
    public AvroDeadLetterWriter(Serializer<DeadLetter> serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    /** Registers/looks up the DeadLetter schema through the given registry client. */
    public static AvroDeadLetterWriter withRegistry(SchemaRegistryClient client) {
        return new AvroDeadLetterWriter(new SpecificAvroSerializer<>(Objects.requireNonNull(client, "client")));
    }

    @Override
    public ProducerRecord<byte[], byte[]> toRecord(String dlqTopic, DeadLetterInfo d) {
        DeadLetter value = DeadLetter.newBuilder()
                .setOriginalKey(d.key() == null ? null : ByteBuffer.wrap(d.key()))
                .setOriginalValue(d.value() == null ? null : ByteBuffer.wrap(d.value()))
                .setSourceTopic(d.sourceTopic())
                .setSourcePartition(d.sourcePartition())
                .setSourceOffset(d.sourceOffset())
                .setStage(d.stage())
                .setErrorClass(d.errorClass())
                .setErrorMessage(d.errorMessage())
                .setAttemptCount(d.attempt())
                .setTimestampMs(d.timestamp())
                .setRequestId(utf8OrNull(d.key()))
                .setJobId(null)
                .setStackTrace(d.stackTrace())
                .setFailureClass(d.failureClass().wireName())
                .setOriginalValueSize(d.valueSize())
                .setOriginalValueSha256(d.valueSha256())
                .setOriginalValueTruncated(d.valueTruncated())
                .build();
        return new ProducerRecord<>(dlqTopic, d.key(), serializer.serialize(dlqTopic, value));
    }

    private static String utf8OrNull(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
