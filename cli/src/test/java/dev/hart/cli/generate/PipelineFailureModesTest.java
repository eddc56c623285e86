package dev.hart.cli.generate;

import dev.hart.schemas.Topics;
import dev.hart.runtime.stage.StageRunner;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.schemas.tensor.Tensors;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.ArProcessor;
import dev.hart.stage.ar.ArStage;
import dev.hart.stage.ar.StageTopology;
import dev.hart.stage.decoder.DecoderProcessor;
import dev.hart.stage.decoder.DecoderStage;
import dev.hart.stage.decoder.DirectorySink;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.common.ResidualModel;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(240)
class PipelineFailureModesTest {

    /** Requests for another checkpoint are refused with a clear reason at the ar-stage; the others still get images. */
    @Test
    void checkpointMismatchGoesToTheDlq(@TempDir Path out) throws Exception {
        StageModels models = CheckpointModels.directory(PipelineHarness.tinyCheckpoint());
        try (PipelineHarness h = new PipelineHarness(2)) {
            List<RequestInfo> good = RequestPublisher.requests("good", PipelineHarness.prompts(4), 1, models.checkpointId());
            List<RequestInfo> bad = RequestPublisher.requests("bad", PipelineHarness.prompts(3), 1, "hart-0.7b-1024px");
            List<RequestInfo> all = new ArrayList<>(good);
            all.addAll(bad);
            Set<String> ids = all.stream().map(RequestInfo::getRequestId).collect(Collectors.toSet());
            ImageCollector.Result result;
            try (DirectorySink sink = new DirectorySink(out);
                 PipelineStages stages = PipelineStages.start(h.bootstrap(), h.serdes, models, StageTopology.FUSED,
                         TensorDType.F32, 8, sink)) {
                RequestPublisher.publish(h.bootstrap(), Map.of(), h.serdes, all);
                result = ImageCollector.collect(h.bootstrap(), Map.of(), h.serdes, ids, Duration.ofSeconds(120),
                        Duration.ofSeconds(1), null);
            }
            assertThat(result.images().keySet()).containsExactlyInAnyOrderElementsOf(
                    good.stream().map(RequestInfo::getRequestId).toList());
            assertThat(result.failed().keySet()).containsExactlyInAnyOrderElementsOf(
                    bad.stream().map(RequestInfo::getRequestId).toList());
            for (DeadLetter d : result.failed().values()) {
                assertThat(d.getStage()).isEqualTo("ar");
                assertThat(d.getErrorClass()).endsWith("CheckpointMismatchException");
                assertThat(d.getErrorMessage()).contains("hart-0.7b-1024px").contains("'tiny-a'");
                assertThat(d.getRequestId()).startsWith("bad-");
                assertThat(d.getSourceTopic()).isEqualTo(Topics.REQUESTS);
            }
            assertThat(out.resolve("bad")).doesNotExist();
        }
    }

    /** The decoder checks too: a latent made with other weights is refused, not decoded. */
    @Test
    void decoderRefusesLatentOfAnotherCheckpoint(@TempDir Path out) throws Exception {
        StageModels models = CheckpointModels.directory(PipelineHarness.tinyCheckpoint());
        try (PipelineHarness h = new PipelineHarness(1);
             LatentDecoder decoder = models.loadDecoder();
             DirectorySink sink = new DirectorySink(out)) {
            DecoderProcessor dp = new DecoderProcessor(decoder, sink, false);
            StageRunner<Latent, ?> runner = DecoderStage.runner(PipelineStages.common(DecoderStage.config(), h.bootstrap())
                    .build(), h.serdes, dp).start();
            try {
                RequestInfo r = RequestPublisher.requests("j", List.of("x"), 1, "other-ckpt").get(0);
                Latent latent = Latent.newBuilder().setRequest(r).setCheckpointId("other-ckpt")
                        .setFHat(Tensors.ofFloats(new float[8 * 8 * 8], 8, 8, 8)).build();
                ImageCollector.Result res = sendLatent(h, r, latent);
                DeadLetter d = res.failed().get(r.getRequestId());
                assertThat(d).isNotNull();
                assertThat(d.getStage()).isEqualTo("decoder");
                assertThat(d.getErrorClass()).endsWith("CheckpointMismatchException");
                assertThat(d.getErrorMessage()).contains("other-ckpt");
                assertThat(res.images()).isEmpty();
            } finally {
                runner.close();
            }
        }
    }

    /** A latent declaring a tensor far larger than any image of the checkpoint is refused before allocation. */
    @Test
    void decoderDeadLettersALatentDeclaringAHugeTensorAndKeepsRunning(@TempDir Path out) throws Exception {
        StageModels models = CheckpointModels.directory(PipelineHarness.tinyCheckpoint());
        try (PipelineHarness h = new PipelineHarness(1);
             LatentDecoder decoder = models.loadDecoder();
             DirectorySink sink = new DirectorySink(out)) {
            StageRunner<Latent, ?> runner = DecoderStage.runner(PipelineStages.common(DecoderStage.config(), h.bootstrap())
                    .build(), h.serdes, new DecoderProcessor(decoder, sink, false)).start();
            try {
                RequestInfo r = RequestPublisher.requests("j", List.of("x"), 1, models.checkpointId()).get(0);
                Latent latent = Latent.newBuilder().setRequest(r).setCheckpointId(models.checkpointId())
                        .setFHat(dev.hart.schemas.avro.Tensor.newBuilder().setDtype(dev.hart.schemas.avro.TensorDType.F32)
                                .setShape(List.of(8L, 100_000L, 100_000L)).setData(java.nio.ByteBuffer.allocate(16)).build())
                        .build();
                ImageCollector.Result res = sendLatent(h, r, latent);
                DeadLetter d = res.failed().get(r.getRequestId());
                assertThat(d).isNotNull();
                assertThat(d.getStage()).isEqualTo("decoder");
                assertThat(d.getFailureClass()).isEqualTo("permanent");
                assertThat(d.getErrorMessage()).contains("f_hat has shape [8, 100000, 100000]").contains("P <=");
                assertThat(runner.failure()).isNull();
                assertThat(runner.isRunning()).isTrue();
            } finally {
                runner.close();
            }
        }
    }

    /** Two decoder instances in one group split the latents' partitions; every image exactly once. */
    @Test
    void twoDecoderInstancesShareTheWork(@TempDir Path out) throws Exception {
        StageModels models = CheckpointModels.directory(PipelineHarness.tinyCheckpoint());
        int n = 16;
        try (PipelineHarness h = new PipelineHarness(4);
             ArModel ar = models.loadAr();
             ResidualModel residual = models.loadResidual();
             LatentDecoder d1 = models.loadDecoder();
             LatentDecoder d2 = models.loadDecoder();
             DirectorySink sink1 = new DirectorySink(out);
             DirectorySink sink2 = new DirectorySink(out)) {
            List<StageRunner<?, ?>> runners = new ArrayList<>();
            try {
                StageRunner<?, ?> dec1 = DecoderStage.runner(PipelineStages.common(DecoderStage.config(), h.bootstrap())
                        .batchSize(2).build(), h.serdes, new DecoderProcessor(d1, sink1, false)).start();
                StageRunner<?, ?> dec2 = DecoderStage.runner(PipelineStages.common(DecoderStage.config(), h.bootstrap())
                        .batchSize(2).build(), h.serdes, new DecoderProcessor(d2, sink2, false)).start();
                runners.add(dec1);
                runners.add(dec2);
                // both members joined before any latent exists, so the split is visible in the counts
                long deadline = System.nanoTime() + 60_000_000_000L;
                while ((dec1.assignment().isEmpty() || dec2.assignment().isEmpty()) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(dec1.assignment()).isNotEmpty();
                assertThat(dec2.assignment()).isNotEmpty().doesNotContainAnyElementsOf(dec1.assignment());
                runners.add(ArStage.runner(PipelineStages.common(ArStage.config(), h.bootstrap()).batchSize(4).build(),
                        h.serdes, ArProcessor.fused(ar, residual)).start());
                List<RequestInfo> reqs = RequestPublisher.requests("shared", PipelineHarness.prompts(n), 5,
                        models.checkpointId());
                RequestPublisher.publish(h.bootstrap(), Map.of(), h.serdes, reqs);
                ImageCollector.Result res = ImageCollector.collect(h.bootstrap(), Map.of(), h.serdes,
                        reqs.stream().map(RequestInfo::getRequestId).collect(Collectors.toSet()),
                        Duration.ofSeconds(120), Duration.ofSeconds(2), null);
                assertThat(res.images()).hasSize(n);
                assertThat(res.duplicates()).isZero();
                double in1 = dec1.metrics().recordsIn();
                double in2 = dec2.metrics().recordsIn();
                System.out.println("MEASURED two decoders: " + in1 + " + " + in2 + " latents");
                assertThat(in1).isPositive();
                assertThat(in2).isPositive();
                assertThat(in1 + in2).isEqualTo(n);
                try (var files = Files.list(out.resolve("shared"))) {
                    assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(n);
                }
            } finally {
                for (int i = runners.size() - 1; i >= 0; i--) {
                    runners.get(i).close();
                }
            }
        }
    }

    /** Publishes one latent to the decoder's input and waits for its image or dead letter. */
    private static ImageCollector.Result sendLatent(PipelineHarness h, RequestInfo r, Latent latent) throws Exception {
        try (KafkaProducer<String, Latent> p = new KafkaProducer<>(Map.of("bootstrap.servers", h.bootstrap()),
                new StringSerializer(), h.serdes.<Latent>serializer())) {
            p.send(new ProducerRecord<>(Topics.LATENTS, r.getRequestId(), latent)).get();
        }
        return ImageCollector.collect(h.bootstrap(), Map.of(), h.serdes, Set.of(r.getRequestId()), Duration.ofSeconds(60),
                Duration.ZERO, null);
    }
}
