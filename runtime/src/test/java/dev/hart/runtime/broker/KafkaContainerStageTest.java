package dev.hart.runtime.broker;

import dev.hart.runtime.KafkaTestIO;
import dev.hart.runtime.stage.StageConfig;
import dev.hart.runtime.stage.StageRunner;
import dev.hart.runtime.stage.StrictUtf8Deserializer;
import dev.hart.runtime.stage.UpperCaseProcessor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.hart.runtime.KafkaTestIO.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The exactly-once stage check against a real apache/kafka container, for machines with Docker (skipped here). */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(300)
class KafkaContainerStageTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0")
            .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");

    @Test
    void stageProcessesEachRecordExactlyOnceOnAContainerBroker() throws Exception {
        String bootstrap = KAFKA.getBootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("in", 3, (short) 1), new NewTopic("out", 3, (short) 1),
                    new NewTopic("dlq", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        KafkaTestIO.produceStrings(bootstrap, "in", "v", 0, 300);
        StageConfig cfg = StageConfig.builder().stageName("upper").bootstrapServers(bootstrap)
                .groupId("container-group").inputTopic("in").dlqTopic("dlq").batchSize(25).build();
        try (var runner = new StageRunner<>(cfg, new UpperCaseProcessor("out", 0), new StrictUtf8Deserializer(),
                new StringSerializer())) {
            runner.start();
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(bootstrap, "out",
                    r -> r.size() >= 300, Duration.ofSeconds(120), Duration.ofSeconds(1));
            assertThat(outputs).extracting(r -> text(r.value())).hasSize(300).doesNotHaveDuplicates();
        }
    }
}
