package dev.hart.stage.ar;

import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.schemas.Topics;
import dev.hart.runtime.stage.StageConfig;
import dev.hart.runtime.stage.StageRunner;
import dev.hart.schemas.avro.GenerationRequest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.avro.specific.SpecificRecord;

/** Wires the ar-stage: {@code hart.requests} -> transformer -> {@code hart.ar-output} (split) or {@code hart.latents} (fused). */
public final class ArStage {
    private ArStage() {
    }

    /** Stage settings with this stage's name and input topic; the caller adds bootstrap, batch size etc. */
    public static StageConfig.Builder config() {
        return StageConfig.builder().stageName(ArProcessor.STAGE).inputTopic(Topics.REQUESTS)
                .dlqTopic(Topics.DLQ);
    }

    /** A runner (not started); the caller closes the runner, then the models. */
    public static StageRunner<GenerationRequest, SpecificRecord> runner(StageConfig config, PipelineSerdes serdes,
                                                                       ArProcessor processor) {
        return new StageRunner<>(config, processor, serdes.deserializer(GenerationRequest.class), serdes.serializer(),
                serdes.deadLetterWriter(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }
}
