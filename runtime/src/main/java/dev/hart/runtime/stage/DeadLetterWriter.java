package dev.hart.runtime.stage;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a {@link DeadLetterInfo} into the record written to the dead-letter topic. Pluggable so the pipeline can write
 * Avro {@code dev.hart.schemas.avro.DeadLetter} records (see {@link AvroDeadLetterWriter}) while the runtime itself stays format-agnostic.
 */
@FunctionalInterface
public interface DeadLetterWriter {
    ProducerRecord<byte[], byte[]> toRecord(String dlqTopic, DeadLetterInfo deadLetter);
}
