package dev.hart.runtime.pipeline;

import dev.hart.runtime.kafka.KafkaClientProps;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/** Names of the pipeline's topics (design.md, "Topics and records") and their creation. */
public final class PipelineTopics {
    public static final String REQUESTS = "hart.requests";
    public static final String AR_OUTPUT = "hart.ar-output";
    public static final String LATENTS = "hart.latents";
    public static final String IMAGES = "hart.images";
    public static final String DLQ = "hart.dlq";

    private PipelineTopics() {
    }

    /**
     * Creates the stage topics if missing. Every topic that may carry a tensor gets the large-record
     * {@code max.message.bytes}; topics that already exist are left alone.
     */
    public static void createIfMissing(Admin admin, int partitions, short replicationFactor) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : List.of(REQUESTS, AR_OUTPUT, LATENTS, IMAGES, DLQ)) {
            topics.add(new NewTopic(name, Optional.of(partitions), Optional.of(replicationFactor))
                    .configs(KafkaClientProps.largeRecordTopicConfig()));
        }
        for (NewTopic t : topics) {
            try {
                admin.createTopics(List.of(t)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + t.name() + ": " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + t.name(), e);
            }
        }
    }
}
