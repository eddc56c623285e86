package dev.hart.cli;

import dev.hart.runtime.broker.EmbeddedKafka;
import dev.hart.runtime.registry.EmbeddedSchemaRegistry;
import dev.hart.runtime.stage.AvroDeadLetterWriter;
import dev.hart.runtime.stage.DeadLetterInfo;
import dev.hart.runtime.stage.StageRecordRef;
import dev.hart.schemas.Topics;
import dev.hart.schemas.registry.HttpSchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hart dlq list} and {@code hart dlq replay} (exactly once across runs) on a real broker + registry. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DlqCommandTest {
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startCluster() {
        kafka = new EmbeddedKafka().start();
        registry = new EmbeddedSchemaRegistry(kafka.bootstrapServers()).start();
    }

    @AfterAll
    static void stopCluster() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String[] hart(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new HartCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--bootstrap", kafka.bootstrapServers(), "--registry", registry.url()));
        int code = cli.execute(all.toArray(String[]::new));
        assertThat(code).as(out + "\n" + err).isZero();
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void listsByClassAndReplaysRetriableOnesExactlyOnce() throws Exception {
        kafka.createTopics(2, Topics.DLQ, Topics.LATENTS, Topics.REQUESTS);
        AvroDeadLetterWriter writer = AvroDeadLetterWriter.withRegistry(new HttpSchemaRegistryClient(registry.url()));
        IOException diskFull = new IOException("No space left on device");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 2; i++) {
                producer.send(writer.toRecord(Topics.DLQ, DeadLetterInfo.of(ref(Topics.LATENTS, i, "latent-" + i), "decoder",
                        new UncheckedIOException("image sink failed", diskFull), 3, 1 << 20))).get();
            }
            // a retriable one whose original was too large to keep: listed, never replayed
            producer.send(writer.toRecord(Topics.DLQ, DeadLetterInfo.of(ref(Topics.LATENTS, 2, "x".repeat(2000)), "decoder",
                    new UncheckedIOException("image sink failed", diskFull), 3, 1000))).get();
            producer.send(writer.toRecord(Topics.DLQ, DeadLetterInfo.of(ref(Topics.REQUESTS, 0, "bad"), "ar",
                    new IllegalArgumentException("cfg out of range"), 1, 1 << 20))).get();
        }

        String list = hart(List.of("dlq", "list"))[0];
        assertThat(list).contains("dead letters: 4")
                .containsPattern("decoder\\s+retriable\\s+java.io.UncheckedIOException\\s+3\\s+3")
                .containsPattern("ar\\s+permanent\\s+java.lang.IllegalArgumentException\\s+1\\s+1")
                .contains("e.g. cfg out of range");
        assertThat(hart(List.of("dlq", "list", "--stage", "ar"))[0]).contains("dead letters: 1 (stage ar)");

        String first = hart(List.of("dlq", "replay", "--reason-class", "retriable"))[0];
        assertThat(first).contains("replayed 2 of 3 dead letter(s) (class retriable): 0 already replayed, 1 not replayable")
                .contains("{hart.latents=2}");
        String second = hart(List.of("dlq", "replay", "--reason-class", "retriable"))[0];
        assertThat(second).contains("replayed 0 of 3 dead letter(s) (class retriable): 2 already replayed, 1 not replayable");

        List<String> replayed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.LATENTS)) {
            replayed.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        assertThat(replayed).containsExactlyInAnyOrder("latent-0", "latent-1");
        assertThat(readAll(Topics.REQUESTS)).as("permanent ones stay put").isEmpty();
    }

    private static StageRecordRef ref(String topic, long offset, String value) {
        return new StageRecordRef(topic, 0, offset, System.currentTimeMillis(), ("key-" + offset).getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
