package dev.hart.runtime.stage;

import dev.hart.runtime.KafkaTestIO;
import dev.hart.runtime.SharedKafka;
import dev.hart.runtime.registry.EmbeddedSchemaRegistry;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.registry.HttpSchemaRegistryClient;
import dev.hart.schemas.serde.SpecificAvroDeserializer;
import dev.hart.schemas.serde.SpecificAvroSerializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.hart.runtime.KafkaTestIO.text;
import static dev.hart.runtime.KafkaTestIO.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** Avro inputs through the real serde and registry; poison records become Avro DeadLetter records. */
@Timeout(120)
class StageAvroDeadLetterTest {

    @Test
    void unknownSchemaIdAndGarbageGoToTheDlqAsAvroDeadLetters() throws Exception {
        String in = SharedKafka.uniqueTopic("prompts");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        SharedKafka.get().createTopics(1, in, out, dlq);
        try (var registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrap(), SharedKafka.uniqueTopic("_schemas"), 0).start();
             var client = new HttpSchemaRegistryClient(registry.url())) {
            var serializer = new SpecificAvroSerializer<PromptEvent>(client);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                PromptEvent e = PromptEvent.newBuilder().setPrompt("a red circle " + i).build();
                records.add(new ProducerRecord<>(in, utf8("req-" + i), serializer.serialize(in, e)));
                if (i == 3) {
                    // Confluent framing with a schema id the registry never issued
                    byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987654).putInt(42).array();
                    records.add(new ProducerRecord<>(in, utf8("req-unknown-id"), unknownId));
                }
                if (i == 7) {
                    records.add(new ProducerRecord<>(in, utf8("req-garbage"), utf8("not avro at all")));
                }
            }
            KafkaTestIO.produce(SharedKafka.bootstrap(), records);

            BatchProcessor<PromptEvent, String> processor = BatchProcessor.perRecord(input -> List.of(
                    new OutputRecord<>(out, input.key(), input.value().getPrompt().toUpperCase(Locale.ROOT))));
            StageConfig cfg = StageConfig.builder().stageName("avro-upper").bootstrapServers(SharedKafka.bootstrap())
                    .groupId(SharedKafka.uniqueTopic("group")).inputTopic(in).dlqTopic(dlq)
                    .batchSize(4).batchMaxWait(Duration.ofMillis(50)).build();
            try (var runner = new StageRunner<>(cfg, processor,
                    new SpecificAvroDeserializer<>(client, PromptEvent.class), new StringSerializer(),
                    AvroDeadLetterWriter.withRegistry(client),
                    new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))) {
                runner.start();
                List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                        r -> r.size() >= 10, Duration.ofSeconds(60), Duration.ofMillis(300));
                List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), dlq,
                        r -> r.size() >= 2, Duration.ofSeconds(30), Duration.ofMillis(300));

                assertThat(outputs).extracting(r -> text(r.value())).hasSize(10).doesNotHaveDuplicates()
                        .allMatch(v -> v.startsWith("A RED CIRCLE "));
                assertThat(dead).hasSize(2);
                var dlqReader = new SpecificAvroDeserializer<>(client, DeadLetter.class);
                Map<String, DeadLetter> byKey = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : dead) {
                    byKey.put(text(r.key()), dlqReader.deserialize(dlq, r.value()));
                }
                DeadLetter unknown = byKey.get("req-unknown-id");
                assertThat(unknown.getErrorMessage()).contains("987654");
                assertThat(unknown.getErrorClass()).endsWith("SerializationException");
                assertThat(unknown.getSourceTopic()).isEqualTo(in);
                assertThat(unknown.getSourceOffset()).isEqualTo(4L);
                assertThat(unknown.getStage()).isEqualTo("avro-upper");
                assertThat(unknown.getAttemptCount()).isEqualTo(1);
                assertThat(unknown.getRequestId()).isEqualTo("req-unknown-id");
                assertThat(unknown.getOriginalValue().remaining()).isEqualTo(9);

                DeadLetter garbage = byKey.get("req-garbage");
                assertThat(garbage.getErrorClass()).endsWith("SerializationException");
                assertThat(text(toArray(garbage.getOriginalValue()))).isEqualTo("not avro at all");
                assertThat(garbage.getStackTrace()).isNotBlank();
            }
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
