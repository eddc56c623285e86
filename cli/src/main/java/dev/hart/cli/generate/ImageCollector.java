package dev.hart.cli.generate;

import dev.hart.ingest.JobProgressUpdates;
import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.schemas.Topics;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GeneratedImage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Follows {@code hart.images} and {@code hart.dlq} (read_committed, from the beginning) for the requests of one job
 * until every request has an image or a dead letter, or the timeout passes.
 */
public final class ImageCollector {

    /** What came back: images and dead letters by request id, and how many duplicate images were seen. */
    public record Result(Map<String, GeneratedImage> images, Map<String, DeadLetter> failed, int duplicates) {
        public boolean complete(int expected) {
            return images.size() + failed.size() >= expected;
        }
    }

    private ImageCollector() {
    }

    /**
     * @param progress called with (images so far, failures so far) whenever something arrives
     * @param settle   extra time to keep reading after completion, to catch duplicates (0 for none)
     */
    public static Result collect(String bootstrap, Map<String, Object> clientProps, PipelineSerdes serdes,
                                 Set<String> requestIds, Duration timeout, Duration settle,
                                 BiConsumer<Integer, Integer> progress) {
        return collect(bootstrap, clientProps, serdes, requestIds, timeout, settle, progress, requestIds.size());
    }

    /** As above, but done once {@code enough} requests have an image or a dead letter. */
    public static Result collect(String bootstrap, Map<String, Object> clientProps, PipelineSerdes serdes,
                                 Set<String> requestIds, Duration timeout, Duration settle,
                                 BiConsumer<Integer, Integer> progress, int enough) {
        return collect(bootstrap, clientProps, serdes, requestIds, Set.of(), timeout, settle, progress, enough);
    }

    /**
     * A resumed job: {@code alreadyDone} (a subset of {@code requestIds}) count as finished from the start, whether or
     * not their image records are still on the topic; progress reports finished requests including them.
     */
    public static Result collect(String bootstrap, Map<String, Object> clientProps, PipelineSerdes serdes,
                                 Set<String> requestIds, Set<String> alreadyDone, Duration timeout, Duration settle,
                                 BiConsumer<Integer, Integer> progress, int enough) {
        Map<String, Object> c = new HashMap<>(clientProps);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        Deserializer<GeneratedImage> images = serdes.deserializer(GeneratedImage.class);
        Deserializer<DeadLetter> dlq = serdes.deserializer(DeadLetter.class);
        Map<String, GeneratedImage> got = new LinkedHashMap<>();
        Map<String, DeadLetter> failed = new LinkedHashMap<>();
        Set<String> finished = new java.util.HashSet<>(alreadyDone);
        int duplicates = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(Topics.IMAGES, Topics.DLQ)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            long settleEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleEnd)) {
                boolean changed = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.IMAGES)) {
                        GeneratedImage img = images.deserialize(r.topic(), r.value());
                        String id = img.getRequest().getRequestId();
                        if (requestIds.contains(id)) {
                            if (got.putIfAbsent(id, img) != null) {
                                duplicates++;
                            }
                            finished.add(id);
                            failed.remove(id); // a re-driven request that failed before
                            changed = true;
                        }
                    } else {
                        DeadLetter d;
                        try {
                            d = dlq.deserialize(r.topic(), r.value());
                        } catch (RuntimeException notOurs) {
                            continue;
                        }
                        // a duplicate is a re-submitted request whose first submission stands: not a failure
                        if (d.getRequestId() != null && requestIds.contains(d.getRequestId())
                                && !JobProgressUpdates.isDuplicate(d) && !finished.contains(d.getRequestId())) {
                            failed.putIfAbsent(d.getRequestId(), d);
                            changed = true;
                        }
                    }
                }
                if (changed && progress != null) {
                    progress.accept(finished.size(), failed.size());
                }
                if (settleEnd == Long.MAX_VALUE && finished.size() + failed.size() >= enough) {
                    settleEnd = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return new Result(got, failed, duplicates);
    }
}
