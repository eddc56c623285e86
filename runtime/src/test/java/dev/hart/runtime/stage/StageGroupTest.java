package dev.hart.runtime.stage;

import dev.hart.runtime.KafkaTestIO;
import dev.hart.runtime.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.hart.runtime.KafkaTestIO.text;
import static dev.hart.runtime.stage.StageRunnerTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class StageGroupTest {

    @Test
    void twoInstancesSplitThePartitionsAndOneTakesOverWhenTheOtherStops() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        SharedKafka.get().createTopics(4, in, out, dlq);
        String group = SharedKafka.uniqueTopic("group");
        UpperCaseProcessor pa = new UpperCaseProcessor(out, 20);
        UpperCaseProcessor pb = new UpperCaseProcessor(out, 20);
        StageRunner<String, String> a = runner(in, dlq, group, "a", pa);
        StageRunner<String, String> b = runner(in, dlq, group, "b", pb);
        try (a; b) {
            a.start();
            b.start();
            waitFor(() -> !a.assignment().isEmpty() && !b.assignment().isEmpty()
                    && a.assignment().size() + b.assignment().size() == 4);
            assertThat(a.assignment()).isNotEmpty().doesNotContainAnyElementsOf(b.assignment());
            assertThat(b.assignment()).isNotEmpty();

            KafkaTestIO.produceStrings(SharedKafka.bootstrap(), in, "v", 0, 600);
            waitFor(() -> pa.processed.get() > 0 && pb.processed.get() > 0
                    && pa.processed.get() + pb.processed.get() >= 200);
            assertThat(pa.processed.get()).isPositive();
            assertThat(pb.processed.get()).isPositive();

            a.close(); // graceful: its current batch commits, its partitions move to b
            waitFor(() -> b.assignment().size() == 4);
            assertThat(b.assignment()).hasSize(4);
            KafkaTestIO.produceStrings(SharedKafka.bootstrap(), in, "v", 600, 800);

            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= 800, Duration.ofSeconds(60), Duration.ofSeconds(1));
            Set<String> expected = IntStream.range(0, 800).mapToObj(i -> "V-" + i).collect(Collectors.toSet());
            assertThat(outputs).extracting(r -> text(r.value())).hasSize(800).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(a.failure()).isNull();
            assertThat(b.failure()).isNull();
        }
    }

    private static StageRunner<String, String> runner(String in, String dlq, String group, String id,
                                                      UpperCaseProcessor p) {
        StageConfig cfg = StageConfig.builder().stageName("upper").bootstrapServers(SharedKafka.bootstrap())
                .groupId(group).inputTopic(in).dlqTopic(dlq).instanceId(id)
                .batchSize(10).batchMaxWait(Duration.ofMillis(20)).build();
        return new StageRunner<>(cfg, p, new StrictUtf8Deserializer(), new StringSerializer());
    }
}
