package dev.hart.cli.generate;

import dev.hart.runtime.kafka.KafkaClientProps;
import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.runtime.stage.StageConfig;
import dev.hart.runtime.stage.StageRunner;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.stage.ar.ArModel;
import dev.hart.stage.ar.ArProcessor;
import dev.hart.stage.ar.ArStage;
import dev.hart.stage.ar.StageTopology;
import dev.hart.stage.decoder.DecoderProcessor;
import dev.hart.stage.decoder.DecoderStage;
import dev.hart.stage.decoder.ImageSink;
import dev.hart.stage.decoder.LatentDecoder;
import dev.hart.stage.common.ArOutputCodec;
import dev.hart.stage.diffusion.DiffusionStage;
import dev.hart.stage.common.ResidualModel;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * All model stages of one topology running in this JVM against a cluster: ar (+ diffusion in split topology) +
 * decoder, each a {@link StageRunner}. Closing stops the runners, then frees the models and the sink.
 */
public final class PipelineStages implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineStages.class);

    private final List<StageRunner<?, ?>> runners = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    /**
     * @param arBatch most requests per transformer batch
     * @param wireType F32 or F16 for the ar-output tensors (split topology)
     */
    public static PipelineStages start(String bootstrap, PipelineSerdes serdes, StageModels models, StageTopology topology,
                                       TensorDType wireType, int arBatch, ImageSink sink) {
        return start(bootstrap, serdes, models, topology, wireType, arBatch, sink, null);
    }

    /**
     * @param instanceId a stable id for a job that is restarted on the same broker ({@code hart generate --job}): each
     *                   stage's transactional id and static group membership, so a restart after {@code kill -9}
     *                   fences the dead run's producers (aborting their open transactions at once instead of after
     *                   the transaction timeout) and takes over its partitions without waiting for the session
     *                   timeout; null = random (a fresh dynamic member)
     */
    public static PipelineStages start(String bootstrap, PipelineSerdes serdes, StageModels models, StageTopology topology,
                                       TensorDType wireType, int arBatch, ImageSink sink, String instanceId) {
        PipelineStages s = new PipelineStages();
        try {
            ArModel ar = s.own(models.loadAr());
            ResidualModel residual = s.own(models.loadResidual());
            LatentDecoder decoder = s.own(models.loadDecoder());
            ArProcessor arProcessor = topology == StageTopology.FUSED ? ArProcessor.fused(ar, residual)
                    : ArProcessor.split(ar, new ArOutputCodec(wireType));
            s.run(ArStage.runner(common(ArStage.config(), bootstrap, instanceId, "ar").batchSize(arBatch).build(),
                    serdes, arProcessor));
            if (topology == StageTopology.SPLIT) {
                s.run(DiffusionStage.runner(common(DiffusionStage.config(), bootstrap, instanceId, "diffusion")
                        .batchSize(arBatch).build(), serdes, residual));
            }
            DecoderProcessor dp = s.own(new DecoderProcessor(decoder, sink, false));
            s.run(DecoderStage.runner(common(DecoderStage.config(), bootstrap, instanceId, "decoder").batchSize(8).build(),
                    serdes, dp));
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Settings shared by the embedded stages: short batch waits, fast group fail-over. */
    static StageConfig.Builder common(StageConfig.Builder b, String bootstrap) {
        return common(b, bootstrap, null, null);
    }

    static StageConfig.Builder common(StageConfig.Builder b, String bootstrap, String instanceId, String stage) {
        b.bootstrapServers(bootstrap).batchMaxWait(Duration.ofMillis(50))
                .consumerProps(KafkaClientProps.fastFailoverClassicGroup());
        if (instanceId != null) {
            b.instanceId(instanceId).consumerProp(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, stage + "-" + instanceId);
        }
        return b;
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    private void run(StageRunner<?, ?> runner) {
        runners.add(runner);
        runner.start();
    }

    public List<StageRunner<?, ?>> runners() {
        return Collections.unmodifiableList(runners);
    }

    @Override
    public void close() {
        for (StageRunner<?, ?> r : runners) {
            r.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("closing {}", resources.get(i), e);
            }
        }
        resources.clear();
    }
}
