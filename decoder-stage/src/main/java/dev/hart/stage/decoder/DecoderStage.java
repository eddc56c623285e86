package dev.hart.stage.decoder;

import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.schemas.Topics;
import dev.hart.runtime.stage.StageConfig;
import dev.hart.runtime.stage.StageRunner;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.Latent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Wires the decoder stage: {@code hart.latents} -> decode -> sink -> {@code hart.images}. */
public final class DecoderStage {
    private DecoderStage() {
    }

    /** Stage settings with this stage's name and input topic; the caller adds bootstrap, batch size etc. */
    public static StageConfig.Builder config() {
        return StageConfig.builder().stageName(DecoderProcessor.STAGE).inputTopic(Topics.LATENTS)
                .dlqTopic(Topics.DLQ);
    }

    /** A runner (not started); the caller closes the runner, then the processor (which closes the sink). */
    public static StageRunner<Latent, GeneratedImage> runner(StageConfig config, PipelineSerdes serdes,
                                                            DecoderProcessor processor) {
        return new StageRunner<>(config, processor, serdes.deserializer(Latent.class), serdes.serializer(),
                serdes.deadLetterWriter(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }
}
