package dev.hart.ingest;

import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.serde.SpecificAvroSerializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Publishes prompt events to {@code hart.prompt-events}, from a file or stream ({@link PromptFileFormat}) or from
 * events built in code. Lines that cannot be parsed are skipped, counted and reported with their line number (to the
 * {@code onError} callback and in the {@link PublishReport}); they are never dropped silently. Publishing stops at the
 * first event Kafka (or the schema registry) refuses; the report says so. Records are keyed by
 * request id when the event has one (so duplicates meet in one partition for de-duplication), else unkeyed.
 *
 * <p>{@code clientConfig} holds Kafka producer properties plus {@code schema.registry.url}.
 */
public final class PromptPublisher implements AutoCloseable {
    /** At most this many line errors are kept in the report (all are counted and passed to the callback). */
    public static final int MAX_REPORTED_ERRORS = 1000;

    private final Producer<String, PromptEvent> producer;
    private final String topic;

    public PromptPublisher(Map<String, Object> clientConfig) {
        this(clientConfig, TopicDefinitions.PROMPT_EVENTS);
    }

    public PromptPublisher(Map<String, Object> clientConfig, String topic) {
        Map<String, Object> conf = new HashMap<>();
        conf.put(ProducerConfig.ACKS_CONFIG, "all");
        conf.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        conf.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        conf.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        conf.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        conf.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        conf.putAll(clientConfig);
        SpecificAvroSerializer<PromptEvent> values = new SpecificAvroSerializer<>();
        values.configure(conf, false);
        this.producer = new KafkaProducer<>(conf, new StringSerializer(), values);
        this.topic = topic;
    }

    /** A line the publisher skipped, and why. */
    public record LineError(int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    /**
     * @param sent        events handed to Kafka and acknowledged
     * @param skipped     lines skipped with a parse error
     * @param blank       blank lines (not prompts)
     * @param sendFailed  events Kafka did not accept
     * @param errors      the first {@value #MAX_REPORTED_ERRORS} line errors
     * @param firstSendError the first send failure's message, or null
     */
    public record PublishReport(long sent, long skipped, long blank, long sendFailed, List<LineError> errors,
                                String firstSendError) {
        public boolean ok() {
            return skipped == 0 && sendFailed == 0;
        }
    }

    /** Reads a file ({@code -} = stdin) in the given format, or the one its extension names when {@code format} is null. */
    public PublishReport publish(Path file, PromptFileFormat format, String jobId, Consumer<LineError> onError) {
        if (file.toString().equals("-")) {
            return publish(System.in, format == null ? PromptFileFormat.TXT : format, jobId, onError);
        }
        PromptFileFormat f = format == null ? PromptFileFormat.fromFileName(file.getFileName().toString()) : format;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return publish(in, f, jobId, onError);
        } catch (NoSuchFileException e) {
            throw new PromptFileException("prompt file not found: " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompt file " + file + ": " + e.getMessage(), e);
        }
    }

    public PublishReport publish(InputStream in, PromptFileFormat format, String jobId, Consumer<LineError> onError) {
        return publish(new InputStreamReader(in, StandardCharsets.UTF_8), format, jobId, onError);
    }

    /** Parses and sends every line; returns once every sent record is acknowledged (or failed). */
    public PublishReport publish(Reader in, PromptFileFormat format, String jobId, Consumer<LineError> onError) {
        PromptFileReader reader = new PromptFileReader(in, format, jobId);
        Counter counter = new Counter();
        List<LineError> errors = new ArrayList<>();
        long skipped = 0;
        long blank = 0;
        while (reader.hasNext()) {
            if (counter.failed.get() > 0) {
                break; // Kafka or the registry refuses: stop instead of failing every remaining line the same way
            }
            PromptFileReader.Line line = reader.next();
            if (line.isBlank()) {
                blank++;
            } else if (line.error() != null) {
                skipped++;
                LineError err = new LineError(line.number(), line.error());
                if (errors.size() < MAX_REPORTED_ERRORS) {
                    errors.add(err);
                }
                if (onError != null) {
                    onError.accept(err);
                }
            } else {
                send(line.event(), counter);
            }
        }
        producer.flush();
        return new PublishReport(counter.acked.get(), skipped, blank, counter.failed.get(), List.copyOf(errors),
                counter.firstError.get());
    }

    /** Sends events built in code (e.g. {@code hart generate --prompt}); returns once all are acknowledged. */
    public PublishReport publish(List<PromptEvent> events) {
        Counter counter = new Counter();
        events.forEach(e -> send(e, counter));
        producer.flush();
        return new PublishReport(counter.acked.get(), 0, 0, counter.failed.get(), List.of(), counter.firstError.get());
    }

    private void send(PromptEvent event, Counter counter) {
        String key = event.getRequestId() == null || event.getRequestId().isBlank() ? null : event.getRequestId().strip();
        try {
            producer.send(new ProducerRecord<>(topic, key, event), (meta, error) -> {
                if (error == null) {
                    counter.acked.incrementAndGet();
                } else {
                    counter.failed(error);
                }
            });
        } catch (org.apache.kafka.common.KafkaException e) {
            counter.failed(e); // e.g. the schema registry is unreachable: the event could not be serialized
        }
    }

    private static final class Counter {
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();

        void failed(Exception error) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, error.toString());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
