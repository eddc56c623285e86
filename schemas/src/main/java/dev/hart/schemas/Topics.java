package dev.hart.schemas;

import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.Latent;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pipeline's default topic names and the record type each topic carries as its value (keys are
 * plain strings: request id, or job id for job progress). Deployments may rename topics by config;
 * the value types stay.
 */
public final class Topics {
    public static final String PROMPT_EVENTS = "hart.prompt-events";
    public static final String REQUESTS = "hart.requests";
    public static final String AR_OUTPUT = "hart.ar-output";
    public static final String LATENTS = "hart.latents";
    public static final String IMAGES = "hart.images";
    public static final String DLQ = "hart.dlq";
    public static final String JOB_PROGRESS = "hart.job-progress";

    /** Default topic name to value record class, in pipeline order. */
    public static final Map<String, Class<? extends SpecificRecord>> VALUE_TYPES;

    static {
        Map<String, Class<? extends SpecificRecord>> types = new LinkedHashMap<>();
        types.put(PROMPT_EVENTS, PromptEvent.class);
        types.put(REQUESTS, GenerationRequest.class);
        types.put(AR_OUTPUT, ArOutput.class);
        types.put(LATENTS, Latent.class);
        types.put(IMAGES, GeneratedImage.class);
        types.put(DLQ, DeadLetter.class);
        types.put(JOB_PROGRESS, JobProgress.class);
        VALUE_TYPES = java.util.Collections.unmodifiableMap(types);
    }

    private Topics() {
    }

    /** The value schema of a record class. */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }

    /**
     * Registers every value schema under {@code <topic>-value} (TopicNameStrategy), e.g. at start-up of the
     * embedded mode or by a deploy job, so incompatible schema changes fail before any record is produced.
     *
     * @return topic to schema id
     */
    public static Map<String, Integer> registerAll(SchemaRegistryClient client) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        VALUE_TYPES.forEach((topic, type) -> ids.put(topic, client.register(topic + "-value", schemaOf(type))));
        return ids;
    }
}
