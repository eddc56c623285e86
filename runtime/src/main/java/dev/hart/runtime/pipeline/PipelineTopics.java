package dev.hart.runtime.pipeline;

/**
 * Names of the topics the model stages read and write (design.md, "Topics and records"). Creating them, with their
 * retention and record-size settings, is {@code dev.hart.ingest.TopicDefinitions}' job.
 */
public final class PipelineTopics {
    public static final String REQUESTS = "hart.requests";
    public static final String AR_OUTPUT = "hart.ar-output";
    public static final String LATENTS = "hart.latents";
    public static final String IMAGES = "hart.images";
    public static final String DLQ = "hart.dlq";

    private PipelineTopics() {
    }
}
