package dev.hart.runtime;

import dev.hart.schemas.registry.HttpSchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static dev.hart.runtime.KafkaTestIO.text;
import static dev.hart.runtime.KafkaTestIO.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** The user-facing embedded default: broker in a child JVM, registry on top; the child is gone after close. */
@Timeout(180)
class EmbeddedStackTest {

    @Test
    void childJvmBrokerAndRegistryServeClientsAndStopOnClose() throws Exception {
        EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.BrokerMode.CHILD_JVM, null);
        ProcessHandle child;
        try (stack) {
            System.out.println("embedded broker JVM start-up (launch to ready): " + stack.brokerStartupMillis() + " ms");
            child = ProcessHandle.of(stack.brokerPid()).orElseThrow();
            assertThat(child.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
            assertThat(stack.isBrokerAlive()).isTrue();

            stack.createTopics(2, "stack-topic");
            KafkaTestIO.produce(stack.bootstrapServers(),
                    List.of(new ProducerRecord<>("stack-topic", utf8("k"), utf8("hello"))));
            List<ConsumerRecord<byte[], byte[]>> read = KafkaTestIO.readCommitted(stack.bootstrapServers(),
                    "stack-topic", r -> !r.isEmpty(), Duration.ofSeconds(60), Duration.ZERO);
            assertThat(read).extracting(r -> text(r.value())).containsExactly("hello");

            Schema schema = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}");
            try (var client = new HttpSchemaRegistryClient(stack.schemaRegistryUrl())) {
                int id = client.register("stack-topic-value", schema);
                assertThat(client.getSchemaById(id)).isEqualTo(schema);
            }
        }
        assertThat(stack.isBrokerAlive()).isFalse();
        assertThat(child.isAlive()).as("broker JVM gone after close").isFalse();
    }
}
