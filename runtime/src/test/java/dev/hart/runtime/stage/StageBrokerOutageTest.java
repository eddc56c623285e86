package dev.hart.runtime.stage;

import dev.hart.runtime.KafkaTestIO;
import dev.hart.runtime.broker.EmbeddedKafka;
import dev.hart.runtime.kafka.FreePorts;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.hart.runtime.KafkaTestIO.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker goes away under a running stage for longer than the producer's {@code max.block.ms} (which used to end
 * the stage) and comes back on the same address and data: the stage waits, reports DEGRADED, and then finishes the
 * job with nothing lost or duplicated.
 */
@Timeout(240)
class StageBrokerOutageTest {
    private static final int RECORDS = 120;

    @Test
    void aBrokerStopLongerThanMaxBlockIsRiddenOutWithNothingLostOrDuplicated(@TempDir Path dir) throws Exception {
        int port = FreePorts.pick();
        int controllerPort = FreePorts.pick();
        Path data = dir.resolve("kafka");
        EmbeddedKafka broker = new EmbeddedKafka(data, Map.of(), port, controllerPort).start();
        String bootstrap = broker.bootstrapServers();
        broker.createTopics(2, "in", "out", "dlq");
        KafkaTestIO.produceStrings(bootstrap, "in", "v", 0, RECORDS);

        UpperCaseProcessor processor = new UpperCaseProcessor("out", 150); // a slow model: work is in flight
        StageConfig cfg = StageConfig.builder().stageName("upper").bootstrapServers(bootstrap).groupId("upper")
                .inputTopic("in").dlqTopic("dlq").batchSize(4).batchMaxWait(Duration.ofMillis(50))
                .instanceId("upper-0").reconnectBackoffMax(Duration.ofSeconds(2))
                .producerProp(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000)
                .producerProp(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000)
                .producerProp(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 6000)
                .build();
        StageRunner<String, String> runner = new StageRunner<>(cfg, processor, new StrictUtf8Deserializer(),
                new StringSerializer());
        try {
            runner.start();
            StageRunnerTest.waitFor(() -> runner.metrics().recordsIn() >= 20);

            broker.close();
            long outageEnd = System.nanoTime() + Duration.ofSeconds(15).toNanos(); // 5x max.block.ms
            boolean sawDegraded = false;
            while (System.nanoTime() < outageEnd) {
                sawDegraded |= runner.health() == StageHttpServer.Health.DEGRADED;
                assertThat(runner.failure()).as("the stage must not stop during the outage").isNull();
                Thread.sleep(200);
            }
            assertThat(sawDegraded).as("/health says DEGRADED while the broker is away").isTrue();

            broker = new EmbeddedKafka(data, Map.of(), port, controllerPort).start();
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(bootstrap, "out",
                    r -> r.size() >= RECORDS, Duration.ofSeconds(150), Duration.ofSeconds(3));
            assertThat(outputs).extracting(r -> text(r.value())).hasSize(RECORDS).doesNotHaveDuplicates();
            assertThat(KafkaTestIO.readCommitted(bootstrap, "dlq", r -> false, Duration.ofSeconds(1),
                    Duration.ofSeconds(1))).isEmpty();
            assertThat(runner.failure()).isNull();
            StageRunnerTest.waitFor(() -> runner.health() == StageHttpServer.Health.UP);
        } finally {
            runner.close();
            broker.close();
        }
    }
}
