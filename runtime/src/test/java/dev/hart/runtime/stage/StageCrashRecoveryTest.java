package dev.hart.runtime.stage;

import dev.hart.runtime.KafkaTestIO;
import dev.hart.runtime.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.hart.runtime.KafkaTestIO.text;
import static org.assertj.core.api.Assertions.assertThat;

/** A stage in a child JVM is SIGKILLed mid-batch and restarted: nothing lost, nothing duplicated downstream. */
@Timeout(300)
class StageCrashRecoveryTest {
    private static final int RECORDS = 400;

    @Test
    void killedMidBatchAndRestartedLosesAndDuplicatesNothing() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        String group = SharedKafka.uniqueTopic("group");
        SharedKafka.get().createTopics(2, in, out, dlq);
        KafkaTestIO.produceStrings(SharedKafka.bootstrap(), in, "v", 0, RECORDS);

        List<Process> started = new ArrayList<>();
        try {
            BlockingQueue<String> firstLines = new LinkedBlockingQueue<>();
            Process first = launch(in, out, dlq, group, firstLines);
            started.add(first);
            List<ConsumerRecord<byte[], byte[]>> some = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= 100, Duration.ofSeconds(120), Duration.ZERO);
            assertThat(some.size()).as("outputs before the kill").isBetween(100, RECORDS - 1);
            // kill right after a batch started: the model call (and its transaction) is in flight
            firstLines.clear();
            String line;
            do {
                line = firstLines.poll(30, TimeUnit.SECONDS);
            } while (line != null && !line.startsWith("BATCH-START"));
            assertThat(line).as("a batch in flight").isNotNull();
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            Process second = launch(in, out, dlq, group, new LinkedBlockingQueue<>());
            started.add(second);
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= RECORDS, Duration.ofSeconds(120), Duration.ofSeconds(2));

            Set<String> expected = IntStream.range(0, RECORDS).mapToObj(i -> "V-" + i).collect(Collectors.toSet());
            assertThat(outputs).extracting(r -> text(r.value()))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);

            // SIGTERM: the shutdown hook closes the runner and the JVM exits by itself
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("stage exits on SIGTERM").isTrue();
        } finally {
            for (Process p : started) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A record that kills the whole JVM every time is dead-lettered after a few deaths instead of looping. */
    @Test
    void aRecordThatKillsTheProcessIsDeadLetteredAfterThreeDeaths() throws Exception {
        String in = SharedKafka.uniqueTopic("in");
        String out = SharedKafka.uniqueTopic("out");
        String dlq = SharedKafka.uniqueTopic("dlq");
        String group = SharedKafka.uniqueTopic("group");
        SharedKafka.get().createTopics(1, in, out, dlq);
        List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(new org.apache.kafka.clients.producer.ProducerRecord<>(in, KafkaTestIO.utf8("killer"),
                KafkaTestIO.utf8("halt-the-jvm")));
        for (int i = 0; i < 20; i++) {
            records.add(new org.apache.kafka.clients.producer.ProducerRecord<>(in, KafkaTestIO.utf8("k-" + i),
                    KafkaTestIO.utf8("v-" + i)));
        }
        KafkaTestIO.produce(SharedKafka.bootstrap(), records);

        int launches = 0;
        int deaths = 0;
        List<Process> started = new ArrayList<>();
        try {
            // a supervisor: restart the stage whenever it dies, until the work is done
            while (launches < 8) {
                Process p = launch(in, out, dlq, group, new LinkedBlockingQueue<>(), "10");
                started.add(p);
                launches++;
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    break; // alive and idle: it got past the killer
                }
                assertThat(p.exitValue()).as("the JVM halted on the killer record").isEqualTo(134);
                deaths++;
            }
            List<ConsumerRecord<byte[], byte[]>> outputs = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), out,
                    r -> r.size() >= 20, Duration.ofSeconds(60), Duration.ofSeconds(1));
            assertThat(outputs).extracting(r -> text(r.value())).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).mapToObj(i -> "V-" + i).toList());
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestIO.readCommitted(SharedKafka.bootstrap(), dlq,
                    r -> !r.isEmpty(), Duration.ofSeconds(30), Duration.ofSeconds(1));
            assertThat(dead).hasSize(1);
            assertThat(text(dead.get(0).key())).isEqualTo("killer");
            assertThat(HeaderDeadLetterWriter.header(dead.get(0).headers(), HeaderDeadLetterWriter.ERROR_MESSAGE))
                    .contains("the stage process died 3 times while processing this record");
            assertThat(deaths).isEqualTo(StageRunner.DEATHS_BEFORE_DEAD_LETTER);
        } finally {
            for (Process p : started) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Process launch(String in, String out, String dlq, String group, BlockingQueue<String> lines)
            throws Exception {
        return launch(in, out, dlq, group, lines, "150");
    }

    private static Process launch(String in, String out, String dlq, String group, BlockingQueue<String> lines,
                                  String sleepMillis) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), CrashableStageMain.class.getName(),
                SharedKafka.bootstrap(), in, out, dlq, group, "crash-instance", sleepMillis);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread reader = new Thread(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // child gone
            }
        }, "crash-child-stdout");
        reader.setDaemon(true);
        reader.start();
        return p;
    }
}
