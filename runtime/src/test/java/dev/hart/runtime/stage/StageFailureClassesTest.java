package dev.hart.runtime.stage;

import dev.hart.runtime.KafkaTestIO;
import dev.hart.runtime.SharedKafka;
import dev.hart.runtime.kafka.KafkaClientProps;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.hart.runtime.KafkaTestIO.text;
import static dev.hart.runtime.KafkaTestIO.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** Retriable failures are retried before the DLQ, permanent ones are not, Errors stay with their record. */
@Timeout(180)
class StageFailureClassesTest {

    @Test
    void retriableFailuresAreRetriedThenDeadLetteredAndErrorsAreContained() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        SharedKafka.get().createTopics(1, in, out, dlq);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String v : List.of("good-1", "flaky-a", "ioerr-b", "fail-c", "oom-d", "good-2", "deep-e", "good-3")) {
            records.add(new ProducerRecord<>(in, utf8(v), utf8(v)));
        }
        KafkaTestIO.produce(SharedKafka.bootstrap(), records);

        UpperCaseProcessor processor = new UpperCaseProcessor(out, 0);
        StageConfig cfg = StageConfig.builder().stageName("upper").bootstrapServers(SharedKafka.bootstrap())
                .groupId(SharedKafka.uniqueTopic("group")).inputTopic(in).dlqTopic(dlq)
                .batchSize(8).batchMaxWait(Duration.ofMillis(300))
                .maxAttempts(3).retryBackoff(Duration.ofMillis(100)).build();
        try (StageRunner<String, String> runner = new StageRunner<>(cfg, processor, new StrictUtf8Deserializer(),
                new StringSerializer())) {
            runner.start();
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= 4, Duration.ofSeconds(60), Duration.ofSeconds(1));
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), dlq,
                    r -> r.size() >= 4, Duration.ofSeconds(30), Duration.ofSeconds(1));

            assertThat(outputs).extracting(r -> text(r.value()))
                    .containsExactlyInAnyOrder("GOOD-1", "GOOD-2", "GOOD-3", "FLAKY-A");
            Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
            dead.forEach(r -> byKey.put(text(r.key()), r));
            assertThat(byKey).containsOnlyKeys("ioerr-b", "fail-c", "oom-d", "deep-e");

            // the batch call threw (an Error) and counts as an attempt; then 3 tries of its own, one by one
            assertThat(header(byKey.get("ioerr-b"), HeaderDeadLetterWriter.FAILURE_CLASS)).isEqualTo("retriable");
            assertThat(header(byKey.get("ioerr-b"), HeaderDeadLetterWriter.ATTEMPT)).isEqualTo("4");
            assertThat(processor.tries.get("ioerr-b").get()).isEqualTo(3);
            assertThat(processor.tries.get("flaky-a").get()).isEqualTo(3);

            assertThat(header(byKey.get("fail-c"), HeaderDeadLetterWriter.FAILURE_CLASS)).isEqualTo("permanent");
            assertThat(header(byKey.get("fail-c"), HeaderDeadLetterWriter.ATTEMPT)).isEqualTo("2");
            assertThat(processor.tries.get("fail-c").get()).as("a permanent failure is not retried").isEqualTo(1);

            assertThat(header(byKey.get("oom-d"), HeaderDeadLetterWriter.ERROR_CLASS))
                    .isEqualTo(OutOfMemoryError.class.getName());
            assertThat(header(byKey.get("oom-d"), HeaderDeadLetterWriter.FAILURE_CLASS)).isEqualTo("permanent");
            assertThat(header(byKey.get("deep-e"), HeaderDeadLetterWriter.ERROR_CLASS))
                    .isEqualTo(StackOverflowError.class.getName());
            assertThat(runner.failure()).isNull();
            assertThat(runner.isRunning()).isTrue();
        }
    }

    @Test
    void aDeadLetterOfARecordNearTheTopicLimitKeepsAPrefixWithSizeAndHashAndFits() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        SharedKafka.get().createTopics(1, in, out, dlq);
        byte[] huge = new byte[KafkaClientProps.MAX_RECORD_BYTES - 512 * 1024];
        new Random(3).nextBytes(huge); // incompressible
        System.arraycopy("fail".getBytes(StandardCharsets.US_ASCII), 0, huge, 0, 4);
        Map<String, Object> props = new HashMap<>(KafkaClientProps.largeRecordProducer());
        props.put("bootstrap.servers", SharedKafka.bootstrap());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(in, utf8("huge"), huge)).get();
            producer.send(new ProducerRecord<>(in, utf8("small"), utf8("fine"))).get();
        }
        BatchProcessor<byte[], byte[]> failBig = BatchProcessor.perRecord(input -> {
            if (input.value().length > 1024) {
                throw new IllegalArgumentException("declared tensor does not fit the checkpoint");
            }
            return List.of(new OutputRecord<>(out, input.key(), input.value()));
        });
        StageConfig cfg = StageConfig.builder().stageName("copy").bootstrapServers(SharedKafka.bootstrap())
                .groupId(SharedKafka.uniqueTopic("group")).inputTopic(in).dlqTopic(dlq)
                .batchSize(2).batchMaxWait(Duration.ofMillis(50)).build();
        try (var runner = new StageRunner<>(cfg, failBig, new ByteArrayDeserializer(), new ByteArraySerializer())) {
            runner.start();
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), dlq,
                    r -> !r.isEmpty(), Duration.ofSeconds(90), Duration.ofMillis(500));
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> !r.isEmpty(), Duration.ofSeconds(30), Duration.ofMillis(500));
            assertThat(outputs).extracting(r -> text(r.key())).containsExactly("small");
            assertThat(dead).hasSize(1);
            ConsumerRecord<byte[], byte[]> d = dead.get(0);
            assertThat(d.value()).hasSize(DeadLetterInfo.TRUNCATED_PREFIX_BYTES)
                    .isEqualTo(Arrays.copyOf(huge, DeadLetterInfo.TRUNCATED_PREFIX_BYTES));
            assertThat(header(d, HeaderDeadLetterWriter.VALUE_TRUNCATED)).isEqualTo("true");
            assertThat(header(d, HeaderDeadLetterWriter.VALUE_SIZE)).isEqualTo(String.valueOf(huge.length));
            assertThat(header(d, HeaderDeadLetterWriter.VALUE_SHA256)).isEqualTo(DeadLetterInfo.sha256(huge));
            assertThat(header(d, HeaderDeadLetterWriter.ERROR_MESSAGE)).contains("does not fit the checkpoint");
            StageRunnerTest.waitFor(() -> runner.metrics().recordsIn() >= 2);
            assertThat(runner.metrics().batchesAborted()).as("the batch committed the first time").isZero();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return HeaderDeadLetterWriter.header(r.headers(), name);
    }
}
