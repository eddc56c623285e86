package dev.hart.runtime.pipeline;

import dev.hart.runtime.stage.DeadLetterInfo;
import dev.hart.runtime.stage.DeadLetterWriter;
import dev.hart.schemas.avro.RequestInfo;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * Writes dead letters as Avro {@code DeadLetter} records (the {@code hart.dlq} schema), with the request and job id
 * when the original value can still be read, so job progress can count the failure.
 */
public final class AvroDeadLetterWriter implements DeadLetterWriter {
    private final Serializer<dev.hart.schemas.avro.DeadLetter> serializer;
    private final Function<byte[], RequestInfo> requestReader;

    /**
     * @param serializer    Avro serializer for DeadLetter
     * @param requestReader reads the RequestInfo out of an original value; may throw or return null when it cannot
     */
    public AvroDeadLetterWriter(Serializer<dev.hart.schemas.avro.DeadLetter> serializer,
                                Function<byte[], RequestInfo> requestReader) {
        this.serializer = serializer;
        this.requestReader = requestReader;
    }

    @Override
    public ProducerRecord<byte[], byte[]> toRecord(String dlqTopic, DeadLetterInfo d) {
        RequestInfo info = null;
        if (d.value() != null && requestReader != null) {
            try {
                info = requestReader.apply(d.value());
            } catch (RuntimeException unreadable) {
                // the record is on the DLQ because it may be unreadable; ids stay null then
            }
        }
        dev.hart.schemas.avro.DeadLetter value = dev.hart.schemas.avro.DeadLetter.newBuilder()
                .setOriginalKey(d.key() == null ? null : ByteBuffer.wrap(d.key()))
                .setOriginalValue(d.value() == null ? null : ByteBuffer.wrap(d.value()))
                .setSourceTopic(d.sourceTopic())
                .setSourcePartition(d.sourcePartition())
                .setSourceOffset(d.sourceOffset())
                .setStage(d.stage())
                .setErrorClass(category(d.errorClass()))
                .setErrorMessage(d.errorMessage())
                .setAttemptCount(d.attempt())
                .setTimestampMs(d.timestamp())
                .setRequestId(info == null ? null : info.getRequestId())
                .setJobId(info == null ? null : info.getJobId())
                .build();
        return new ProducerRecord<>(dlqTopic, null, null, d.key(), serializer.serialize(dlqTopic, value));
    }

    /** Rejection categories get their short name (schema doc: e.g. CheckpointMismatch); other errors keep the class. */
    private static String category(String errorClass) {
        return CheckpointMismatchException.class.getName().equals(errorClass) ? "CheckpointMismatch" : errorClass;
    }
}
