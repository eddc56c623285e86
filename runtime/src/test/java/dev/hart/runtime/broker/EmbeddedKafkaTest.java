package dev.hart.runtime.broker;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class EmbeddedKafkaTest {

    @Test
    void startsProducesConsumesAndStopsOnATemporaryLogDir() throws Exception {
        Path logDir;
        try (EmbeddedKafka kafka = new EmbeddedKafka().start()) {
            logDir = kafka.logDir();
            System.out.println("embedded broker start-up: " + kafka.startupMillis() + " ms");
            kafka.createTopics(2, "roundtrip");
            produce(kafka, "roundtrip", 0, 10);
            assertThat(consume(kafka, "roundtrip", "g1", 10)).hasSize(10).contains("v0", "v9");
        }
        assertThat(Files.exists(logDir)).as("temporary log dir removed").isFalse();
    }

    @Test
    void restartsOnAGivenLogDirWithItsData(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("kafka");
        try (EmbeddedKafka kafka = new EmbeddedKafka(logDir, Map.of()).start()) {
            kafka.createTopics(1, "durable");
            produce(kafka, "durable", 0, 5);
        }
        assertThat(logDir.resolve("meta.properties")).exists();
        try (EmbeddedKafka kafka = new EmbeddedKafka(logDir, Map.of()).start()) {
            System.out.println("embedded broker restart on existing log dir: " + kafka.startupMillis() + " ms");
            produce(kafka, "durable", 5, 8);
            assertThat(consume(kafka, "durable", "g2", 8)).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7");
        }
    }

    private static void produce(EmbeddedKafka kafka, String topic, int from, int to) throws Exception {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

    private static List<String> consume(EmbeddedKafka kafka, String topic, String group, int expected) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
