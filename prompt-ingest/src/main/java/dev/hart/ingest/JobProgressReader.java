package dev.hart.ingest;

import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.serde.SpecificAvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one job's progress: from the app's HTTP endpoint, or from the compacted {@code hart.job-progress} topic. */
public final class JobProgressReader {
    private JobProgressReader() {
    }

    /**
     * {@code GET <baseUrl>/jobs/<jobId>}; empty on 404.
     *
     * @throws IllegalStateException when the endpoint cannot be reached or answers an error
     */
    public static Optional<JobProgress> fromHttp(String baseUrl, String jobId, Duration timeout) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        URI uri = URI.create(base + "/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return Optional.empty();
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + r.statusCode() + ": " + r.body());
            }
            return Optional.of(JobProgressJson.fromJson(r.body()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot reach the job progress endpoint " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + uri, e);
        }
    }

    /**
     * Reads {@code hart.job-progress} from the beginning to its current end (read_committed) and returns the job's
     * latest value; empty when the job has none.
     *
     * @param clientConfig consumer properties plus {@code schema.registry.url}
     */
    public static Optional<JobProgress> fromTopic(Map<String, Object> clientConfig, String jobId, Duration timeout) {
        Map<String, Object> conf = new HashMap<>(clientConfig);
        conf.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        conf.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        conf.remove(ConsumerConfig.GROUP_ID_CONFIG);
        SpecificAvroDeserializer<JobProgress> values = new SpecificAvroDeserializer<>(JobProgress.class);
        values.configure(conf, false);
        JobProgress latest = null;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(conf, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicDefinitions.JOB_PROGRESS, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + TopicDefinitions.JOB_PROGRESS + " does not exist (run hart topics create)");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + TopicDefinitions.JOB_PROGRESS);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (jobId.equals(r.key()) && r.value() != null) {
                        latest = values.deserialize(r.topic(), r.value());
                    }
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    /**
     * How many images of the job were committed to {@code hart.images} since {@code sinceMs} (record timestamps):
     * the base of {@code hart status}'s rate. Reads only the partitions' tails from that time on.
     */
    public static long imagesSince(Map<String, Object> clientConfig, String jobId, long sinceMs, Duration timeout) {
        Map<String, Object> conf = new HashMap<>(clientConfig);
        conf.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        conf.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        conf.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicDefinitions.LARGE_RECORD_BYTES);
        conf.remove(ConsumerConfig.GROUP_ID_CONFIG);
        SpecificAvroDeserializer<GeneratedImage> values = new SpecificAvroDeserializer<>(GeneratedImage.class);
        values.configure(conf, false);
        long count = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(conf, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicDefinitions.IMAGES, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(tp -> times.put(tp, sinceMs));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            consumer.offsetsForTimes(times, timeout).forEach((tp, found) ->
                    consumer.seek(tp, found == null ? end.get(tp) : found.offset()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && r.timestamp() >= sinceMs) {
                        try {
                            if (jobId.equals(values.deserialize(r.topic(), r.value()).getRequest().getJobId())) {
                                count++;
                            }
                        } catch (RuntimeException notAnImage) {
                            // counted nowhere: hart.images holds only images
                        }
                    }
                }
            }
        }
        return count;
    }

    /** The rate and ETA part of a status line: {@code 1.25 img/s over the last 60 s, ETA 3m20s}. */
    public static String rateLine(JobProgress p, long imagesInWindow, double windowSeconds) {
        double rate = windowSeconds > 0 ? imagesInWindow / windowSeconds : 0;
        long remaining = p.getSubmitted() - p.getGenerated() - p.getFailed();
        String eta = remaining <= 0 ? "done" : rate > 0 ? "ETA " + duration(remaining / rate) : "ETA unknown (no image in the window)";
        return String.format("%.2f img/s over the last %.0f s, %s", rate, windowSeconds, eta);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** One line: {@code [#########...........] 45/100 done (45%)  generated 44, failed 1, rejected 3}. */
    public static String progressLine(JobProgress p, int width) {
        long total = p.getSubmitted();
        long done = p.getGenerated() + p.getFailed();
        double fraction = total == 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * width);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total + " done ("
                + Math.round(fraction * 100) + "%)  generated " + p.getGenerated() + ", failed " + p.getFailed()
                + ", rejected " + p.getRejected() + (p.getDuplicates() > 0 ? ", duplicates skipped " + p.getDuplicates() : "");
    }

    /** Whether every accepted request has finished (generated or failed). */
    public static boolean isComplete(JobProgress p) {
        return p.getSubmitted() > 0 && p.getGenerated() + p.getFailed() >= p.getSubmitted();
    }
}
