package dev.hart.runtime.stage;

import dev.hart.runtime.KafkaTestIO;
import dev.hart.runtime.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.hart.runtime.KafkaTestIO.text;
import static dev.hart.runtime.KafkaTestIO.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records far over Kafka's 1 MB default (like the ar->diffusion condition tensors) pass through a stage with the
 * {@code KafkaClientProps} large-record settings; one input fans out to two outputs and one to none.
 */
@Timeout(120)
class StageLargeRecordTest {
    private static final int SIZE = 12 * 1024 * 1024;

    @Test
    void twelveMegabyteRecordsFlowAndFanOut() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        SharedKafka.get().createTopics(1, in, out, dlq);
        Random random = new Random(7);
        byte[] a = new byte[SIZE];
        byte[] b = new byte[SIZE];
        random.nextBytes(a); // random bytes: incompressible, like float tensors
        random.nextBytes(b);
        Map<String, Object> producerProps = new HashMap<>(dev.hart.runtime.kafka.KafkaClientProps.largeRecordProducer());
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap());
        try (var producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(in, utf8("a"), a)).get();
            producer.send(new ProducerRecord<>(in, utf8("skip"), new byte[]{1})).get();
            producer.send(new ProducerRecord<>(in, utf8("b"), b)).get();
        }

        BatchProcessor<byte[], byte[]> copy = BatchProcessor.perRecord(input -> "skip".equals(input.key())
                ? List.of()
                : List.of(new OutputRecord<>(out, input.key() + "-1", input.value()),
                          new OutputRecord<>(out, input.key() + "-2", input.value())));
        StageConfig cfg = StageConfig.builder().stageName("copy").bootstrapServers(SharedKafka.bootstrap())
                .groupId(SharedKafka.uniqueTopic("group")).inputTopic(in).dlqTopic(dlq)
                .batchSize(2).batchMaxWait(Duration.ofMillis(50)).build();
        try (var runner = new StageRunner<>(cfg, copy, new ByteArrayDeserializer(), new ByteArraySerializer())) {
            runner.start();
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= 4, Duration.ofSeconds(90), Duration.ofMillis(500));
            assertThat(outputs).extracting(r -> text(r.key())).containsExactlyInAnyOrder("a-1", "a-2", "b-1", "b-2");
            for (ConsumerRecord<byte[], byte[]> r : outputs) {
                byte[] expected = text(r.key()).startsWith("a") ? a : b;
                assertThat(sha256(r.value())).isEqualTo(sha256(expected));
            }
            StageRunnerTest.waitFor(() -> runner.metrics().recordsIn() >= 3);
            assertThat(runner.metrics().recordsIn()).isEqualTo(3.0);
            assertThat(runner.metrics().recordsOut()).isEqualTo(4.0);
            assertThat(runner.metrics().deadLetters()).isZero();
        }
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
