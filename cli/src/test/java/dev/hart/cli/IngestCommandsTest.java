package dev.hart.cli;

import dev.hart.ingest.IngestConfig;
import dev.hart.ingest.PromptIngestApp;
import dev.hart.ingest.PromptRules;
import dev.hart.runtime.broker.EmbeddedKafka;
import dev.hart.runtime.registry.EmbeddedSchemaRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.serde.SpecificAvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hart topics create}, {@code hart ingest} and {@code hart status} against a real embedded broker + registry. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IngestCommandsTest {
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

    record Run(int code, String out, String err) {
    }

    private static Run hart(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new HartCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void createTopicsIngestAFileAndWatchTheJob(@TempDir Path dir) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Run create = hart("topics", "create", "--bootstrap", bootstrap, "--partitions", "2");
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out()).contains("created  hart.ar-output (2 partitions)", "created  hart.job-progress");
        Run again = hart("topics", "create", "--bootstrap", bootstrap);
        assertThat(again.out()).contains("exists   hart.requests");

        Path prompts = dir.resolve("prompts.csv");
        Files.writeString(prompts, "prompt,numImages,seed\na red circle,2,5\n,1,\na blue square,1,notanumber\n");
        Run ingest = hart("ingest", prompts.toString(), "--job", "cli-job", "--bootstrap", bootstrap,
                "--registry", registry.url());
        assertThat(ingest.code()).as(ingest.out() + ingest.err()).isEqualTo(2);
        assertThat(ingest.out()).contains("sent 2 prompts to hart.prompt-events (job cli-job); 1 line skipped with errors");
        assertThat(ingest.err()).contains("skipped line 4: field 'seed': expected an integer, got 'notanumber'");

        Run unknown = hart("status", "cli-job", "--bootstrap", bootstrap, "--registry", registry.url(), "--timeout", "10");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown job 'cli-job'");

        try (PromptIngestApp app = new PromptIngestApp(IngestConfig.builder(bootstrap, registry.url())
                .rules(PromptRules.defaults()).httpPort(0).build()).start()) {
            // the red circle becomes 2 requests, the empty prompt is rejected
            Run status = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                status = hart("status", "cli-job", "--url", app.httpUrl());
                if (status.code() == 0 && status.out().contains("0/2 done") && status.out().contains("rejected 1")) {
                    break;
                }
                Thread.sleep(300);
            }
            assertThat(status.out()).contains("job cli-job [", "0/2 done (0%)", "generated 0, failed 0, rejected 1",
                    "recent reject/failure reasons:", ": empty prompt");

            // two images finish: --watch prints until the job is complete, then exits 0
            SpecificAvroSerializer<GeneratedImage> images = new SpecificAvroSerializer<>();
            images.configure(Map.of("schema.registry.url", registry.url()), false);
            try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                    new StringSerializer(), images)) {
                for (int i = 0; i < 2; i++) {
                    RequestInfo info = RequestInfo.newBuilder().setRequestId("r-" + i).setJobId("cli-job").setPrompt("p")
                            .setSeed(i).setCheckpointId(PromptRules.DEFAULT_CHECKPOINT_ID).setSubmittedAtMs(1L).build();
                    producer.send(new ProducerRecord<>("hart.images", "r-" + i, GeneratedImage.newBuilder().setRequest(info)
                            .setCheckpointId(info.getCheckpointId()).setWidth(8).setHeight(8).setSha256("00").build()));
                }
                producer.flush();
            }
            Run watch = hart("status", "cli-job", "--url", app.httpUrl(), "--watch", "--interval", "0.2");
            assertThat(watch.code()).as(watch.err()).isZero();
            assertThat(watch.out()).contains("2/2 done (100%)  generated 2, failed 0, rejected 1");

            // the same from the job-progress topic
            Run fromTopic = null;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                fromTopic = hart("status", "cli-job", "--bootstrap", bootstrap, "--registry", registry.url());
                if (fromTopic.out().contains("2/2 done")) {
                    break;
                }
                Thread.sleep(300);
            }
            assertThat(fromTopic.out()).contains("2/2 done (100%)");
        }
    }
}
