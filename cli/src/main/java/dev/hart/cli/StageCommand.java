package dev.hart.cli;

import dev.hart.cli.generate.StageModels;
import dev.hart.runtime.kafka.KafkaClientProps;
import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.runtime.stage.StageConfig;
import dev.hart.runtime.stage.StageRunner;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.ArProcessor;
import dev.hart.stage.ar.ArStage;
import dev.hart.stage.ar.StageTopology;
import dev.hart.stage.decoder.DecoderProcessor;
import dev.hart.stage.decoder.DecoderStage;
import dev.hart.stage.decoder.DirectorySink;
import dev.hart.stage.decoder.ImageSink;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.decoder.WebDatasetSink;
import dev.hart.stage.common.ArOutputCodec;
import dev.hart.stage.diffusion.DiffusionStage;
import dev.hart.stage.common.ResidualModel;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code hart stage ar|diffusion|decoder}: one model stage against an external cluster, in the foreground, with
 * /metrics and /health on an HTTP port. Stops cleanly on SIGTERM (the current batch finishes or is dropped
 * uncommitted).
 */
@Command(name = "stage", mixinStandardHelpOptions = true,
        description = "Run one pipeline stage (ar, diffusion or decoder) against a Kafka cluster.")
public final class StageCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ar|diffusion|decoder", description = "which stage to run")
    String stage;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ModelOptions model;

    @Option(names = "--topology", paramLabel = "split|fused", defaultValue = "split",
            description = "ar stage only: split emits hart.ar-output, fused runs the residual diffusion too and emits hart.latents (default split)")
    String topology;

    @Option(names = "--wire-dtype", paramLabel = "f32|f16", defaultValue = "f32",
            description = "ar stage, split topology: float type of the ar-output tensors (default f32)")
    String wireDtype;

    @Option(names = "--batch-size", defaultValue = "8", description = "most records per model call (default 8)")
    int batchSize;

    @Option(names = "--batch-max-wait-ms", defaultValue = "200", description = "longest wait for a batch to fill (default 200)")
    long batchMaxWaitMs;

    @Option(names = "--group", description = "consumer group (default hart-<stage>)")
    String group;

    @Option(names = "--instance-id", description = "stable instance id, e.g. the pod name (default random)")
    String instanceId;

    @Option(names = "--http-port", defaultValue = "0", description = "port of /metrics and /health; 0 = any free port, announced on the STAGE-READY line (so several stages share a host), -1 = off (default 0)")
    int httpPort;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "hart-out", description = "decoder stage: image folder (default ./hart-out)")
    Path out;

    @Option(names = "--sink", paramLabel = "dir|webdataset", defaultValue = "dir", description = "decoder stage: image sink (default dir)")
    String sink;

    @Option(names = "--shard-size", defaultValue = "1000", description = "decoder stage, webdataset sink: images per shard (default 1000)")
    int shardSize;

    @Option(names = "--create-topics", description = "create the pipeline topics if missing (partitions from --partitions)")
    boolean createTopics;

    @Option(names = "--partitions", defaultValue = "6", description = "partitions for --create-topics (default 6)")
    int partitions;

    @Override
    public Integer call() throws Exception {
        String name = stage.trim().toLowerCase();
        if (!Set.of("ar", "diffusion", "decoder").contains(name)) {
            throw new IllegalArgumentException("stage must be ar, diffusion or decoder, got '" + stage + "'");
        }
        model.selectDevice();   // a GPU that is not there is a start-up error, before any broker is contacted
        Map<String, Object> client = cluster.clientConfig();
        String bootstrap = cluster.bootstrapServers();
        if (createTopics) {
            Map<String, Object> admin = new HashMap<>(kafkaOnly(client));
            admin.put("bootstrap.servers", bootstrap);
            try (Admin a = Admin.create(admin)) {
                TopicDefinitions.createAll(a, partitions, java.util.Optional.empty());
            }
        }
        PipelineSerdes serdes = new PipelineSerdes(client);
        StageModels models = model.resolve();
        System.out.println("Stage " + name + ": " + models.describe());
        List<AutoCloseable> owned = new ArrayList<>();
        StageRunner<?, ?> runner;
        try {
            runner = switch (name) {
                case "ar" -> {
                    ArModel ar = own(owned, models.loadAr());
                    ArProcessor p = StageTopology.parse(topology) == StageTopology.FUSED
                            ? ArProcessor.fused(ar, own(owned, models.loadResidual()))
                            : ArProcessor.split(ar, new ArOutputCodec(GenerateCommand.wireType(wireDtype)));
                    yield ArStage.runner(config(ArStage.config(), bootstrap, client), serdes, p);
                }
                case "diffusion" -> DiffusionStage.runner(config(DiffusionStage.config(), bootstrap, client), serdes,
                        own(owned, models.loadResidual()));
                default -> {
                    LatentDecoder d = own(owned, models.loadDecoder());
                    ImageSink s = "webdataset".equalsIgnoreCase(sink) ? new WebDatasetSink(out, shardSize)
                            : new DirectorySink(out);
                    yield DecoderStage.runner(config(DecoderStage.config(), bootstrap, client), serdes,
                            own(owned, new DecoderProcessor(d, s, false)));
                }
            };
            StageRunner<?, ?> r = runner;
            // one hook, in order: let the batch finish (or drop it uncommitted), then free the models
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                r.close();
                closeAll(owned);
                // SIGTERM after a clean close is a normal end: exit 0 (the JVM's default would be 143)
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(r.failure() == null ? 0 : 1);
            }, "stage-shutdown"));
            new Thread(() -> {
                // announce once the HTTP port is known (tests and scripts wait for this line)
                for (int i = 0; i < 600 && r.httpPort() < 0 && httpPort >= 0; i++) {
                    sleep(50);
                }
                System.out.println("STAGE-READY " + name + " http-port=" + r.httpPort());
                System.out.flush();
            }, "stage-ready").start();
            runner.run();
            return runner.failure() == null ? 0 : 1;
        } finally {
            closeAll(owned);
        }
    }

    private StageConfig config(StageConfig.Builder b, String bootstrap, Map<String, Object> client) {
        Map<String, Object> kafka = kafkaOnly(client);
        b.bootstrapServers(bootstrap).batchSize(batchSize).batchMaxWait(Duration.ofMillis(batchMaxWaitMs))
                .httpPort(httpPort).consumerProps(KafkaClientProps.fastFailoverClassicGroup());
        // the properties file's client settings (security etc.) go to both clients; consumer-only keys to the consumer
        kafka.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                b.consumerProp(k, v);
            }
            if (org.apache.kafka.clients.producer.ProducerConfig.configNames().contains(k)) {
                b.producerProp(k, v);
            }
        });
        if (group != null) {
            b.groupId(group);
        }
        if (instanceId != null) {
            b.instanceId(instanceId);
        }
        return b.build();
    }

    /** Client properties minus the registry's and the bootstrap (set separately). */
    private static Map<String, Object> kafkaOnly(Map<String, Object> client) {
        Map<String, Object> m = new HashMap<>(client);
        m.keySet().removeIf(k -> k.startsWith("schema.registry") || k.startsWith("basic.auth") || k.equals("bootstrap.servers")
                || k.startsWith("specific.avro") || k.equals("auto.register.schemas") || k.endsWith("subject.name.strategy"));
        return m;
    }

    private static <T extends AutoCloseable> T own(List<AutoCloseable> owned, T t) {
        owned.add(t);
        return t;
    }

    private static synchronized void closeAll(List<AutoCloseable> owned) {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                System.err.println("closing " + owned.get(i) + ": " + e);
            }
        }
        owned.clear();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
