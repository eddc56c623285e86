package dev.hart.stage.diffusion;

import dev.hart.stage.common.ResidualModel;
import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.schemas.Topics;
import dev.hart.runtime.stage.StageConfig;
import dev.hart.runtime.stage.StageRunner;
import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.Latent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Wires the diffusion stage: {@code hart.ar-output} -> residual diffusion -> {@code hart.latents}. */
public final class DiffusionStage {
    private DiffusionStage() {
    }

    /** Stage settings with this stage's name and input topic; the caller adds bootstrap, batch size etc. */
    public static StageConfig.Builder config() {
        return StageConfig.builder().stageName(DiffusionProcessor.STAGE).inputTopic(Topics.AR_OUTPUT)
                .dlqTopic(Topics.DLQ);
    }

    /** A runner (not started) over {@code model}; the caller closes the runner, then the model. */
    public static StageRunner<ArOutput, Latent> runner(StageConfig config, PipelineSerdes serdes, ResidualModel model) {
        return new StageRunner<>(config, new DiffusionProcessor(model), serdes.deserializer(ArOutput.class),
                serdes.serializer(), serdes.deadLetterWriter(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }
}
