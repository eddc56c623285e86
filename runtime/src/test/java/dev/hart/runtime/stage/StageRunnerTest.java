package dev.hart.runtime.stage;

import dev.hart.runtime.KafkaTestIO;
import dev.hart.runtime.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.hart.runtime.KafkaTestIO.text;
import static dev.hart.runtime.KafkaTestIO.utf8;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class StageRunnerTest {

    private static StageConfig.Builder config(String in, String dlq) {
        return StageConfig.builder()
                .stageName("upper")
                .bootstrapServers(SharedKafka.bootstrap())
                .groupId(SharedKafka.uniqueTopic("group"))
                .inputTopic(in)
                .dlqTopic(dlq);
    }

    @Test
    void thousandRecordsGiveExactlyThousandCommittedOutputs() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        SharedKafka.get().createTopics(3, in, out, dlq);
        KafkaTestIO.produceStrings(SharedKafka.bootstrap(), in, "v", 0, 1000);

        UpperCaseProcessor processor = new UpperCaseProcessor(out, 0);
        StageConfig cfg = config(in, dlq).batchSize(50).batchMaxWait(Duration.ofMillis(50)).httpPort(0).build();
        try (StageRunner<String, String> runner = new StageRunner<>(cfg, processor,
                new StrictUtf8Deserializer(), new StringSerializer())) {
            runner.start();
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= 1000, Duration.ofSeconds(60), Duration.ofSeconds(1));

            assertThat(outputs).hasSize(1000);
            Set<String> values = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : outputs) {
                values.add(text(r.value()));
                assertThat(text(r.value())).isEqualTo(text(r.key()).replace("k-", "V-"));
            }
            assertThat(values).hasSize(1000).contains("V-0", "V-999");

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + runner.httpPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            waitFor(() -> runner.metrics().recordsIn() >= 1000);
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + runner.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("hart_stage_records_in_total{stage=\"upper\"} 1000.0")
                    .contains("hart_stage_records_out_total{stage=\"upper\"} 1000.0")
                    .contains("hart_stage_batch_size")
                    .contains("hart_stage_model_time_seconds")
                    .contains("hart_stage_latency_seconds");
            assertThat(runner.isRunning()).isTrue();
        }
        assertThat(processor.processed.get()).isEqualTo(1000);
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWhileGoodRecordsFlow() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        SharedKafka.get().createTopics(1, in, out, dlq);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(new ProducerRecord<>(in, utf8("k-" + i), utf8("good-" + i)));
            if (i == 5) {
                records.add(new ProducerRecord<>(in, utf8("garbage"), new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF}));
            }
            if (i == 12) {
                records.add(new ProducerRecord<>(in, utf8("fails"), utf8("fail-on-purpose")));
            }
            if (i == 20) {
                records.add(new ProducerRecord<>(in, utf8("explodes"), utf8("boom")));
            }
        }
        KafkaTestIO.produce(SharedKafka.bootstrap(), records);

        StageConfig cfg = config(in, dlq).batchSize(8).batchMaxWait(Duration.ofMillis(50)).build();
        try (StageRunner<String, String> runner = new StageRunner<>(cfg, new UpperCaseProcessor(out, 0),
                new StrictUtf8Deserializer(), new StringSerializer())) {
            runner.start();
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= 30, Duration.ofSeconds(60), Duration.ofMillis(500));
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), dlq,
                    r -> r.size() >= 3, Duration.ofSeconds(30), Duration.ofMillis(500));

            assertThat(outputs).extracting(r -> text(r.value())).hasSize(30).doesNotHaveDuplicates()
                    .allMatch(v -> v.startsWith("GOOD-"));
            assertThat(dead).hasSize(3);
            Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
            dead.forEach(r -> byKey.put(text(r.key()), r));

            var garbage = byKey.get("garbage");
            assertThat(garbage.value()).containsExactly((byte) 0xC3, (byte) 0x28, (byte) 0xFF);
            assertThat(header(garbage, HeaderDeadLetterWriter.ERROR_CLASS))
                    .isEqualTo("org.apache.kafka.common.errors.SerializationException");
            assertThat(header(garbage, HeaderDeadLetterWriter.ERROR_MESSAGE)).contains("not valid UTF-8");
            assertThat(header(garbage, HeaderDeadLetterWriter.SOURCE_TOPIC)).isEqualTo(in);
            assertThat(header(garbage, HeaderDeadLetterWriter.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(garbage, HeaderDeadLetterWriter.SOURCE_OFFSET)).isEqualTo("6");
            assertThat(header(garbage, HeaderDeadLetterWriter.STAGE)).isEqualTo("upper");
            assertThat(header(garbage, HeaderDeadLetterWriter.ATTEMPT)).isEqualTo("1");

            var fails = byKey.get("fails");
            assertThat(text(fails.value())).isEqualTo("fail-on-purpose");
            assertThat(header(fails, HeaderDeadLetterWriter.ERROR_CLASS)).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(header(fails, HeaderDeadLetterWriter.ATTEMPT)).isEqualTo("1");

            // the whole batch threw; the runner retried its inputs one by one and only "boom" failed again
            var boom = byKey.get("explodes");
            assertThat(header(boom, HeaderDeadLetterWriter.ERROR_MESSAGE)).contains("blew up");
            assertThat(header(boom, HeaderDeadLetterWriter.ATTEMPT)).isEqualTo("2");

            waitFor(() -> runner.metrics().deadLetters() >= 3);
            assertThat(runner.metrics().deadLetters()).isEqualTo(3.0);
            assertThat(runner.isRunning()).isTrue();
        }
    }

    @Test
    void aModelCallLongerThanMaxPollIntervalDoesNotEvictTheConsumer() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        SharedKafka.get().createTopics(1, in, out, dlq);
        KafkaTestIO.produceStrings(SharedKafka.bootstrap(), in, "slow", 0, 10);
        UpperCaseProcessor slow = new UpperCaseProcessor(out, 4000); // each batch takes longer than the interval
        StageConfig cfg = config(in, dlq).batchSize(5).batchMaxWait(Duration.ofMillis(500))
                .consumerProp("max.poll.interval.ms", 2500).build();
        try (StageRunner<String, String> runner = new StageRunner<>(cfg, slow, new StrictUtf8Deserializer(),
                new StringSerializer())) {
            runner.start();
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= 10, Duration.ofSeconds(60), Duration.ofMillis(500));
            assertThat(outputs).extracting(r -> text(r.value())).hasSize(10).doesNotHaveDuplicates();
            waitFor(() -> runner.metrics().recordsIn() >= 10);
            assertThat(runner.metrics().batchesAborted()).as("no batch lost to an eviction").isZero();
            assertThat(slow.batches.get()).as("each input processed once").isEqualTo(2);
            assertThat(runner.failure()).isNull();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return HeaderDeadLetterWriter.header(r.headers(), name);
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
