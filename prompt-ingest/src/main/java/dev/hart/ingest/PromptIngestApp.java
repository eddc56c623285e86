package dev.hart.ingest;

import dev.hart.runtime.kafka.TopicDefinitions;
import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GeneratedImage;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.JobProgress;
import dev.hart.schemas.avro.PromptEvent;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.registry.SchemaRegistryClient;
import dev.hart.schemas.serde.AvroSerdeConfig;
import dev.hart.schemas.serde.SpecificAvroDeserializer;
import dev.hart.schemas.serde.SpecificAvroSerde;
import dev.hart.schemas.serde.SpecificAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The prompt-ingest Kafka Streams app (exactly_once_v2).
 *
 * <pre>
 * hart.prompt-events --[decode, validate, filter, de-duplicate, seed, expand]--> hart.requests
 *                                                     \--[every reject]-------> hart.dlq (DeadLetter, stage prompt-ingest)
 * hart.requests + hart.dlq + hart.images --[by job id]--> job-progress store --> hart.job-progress (compacted)
 * </pre>
 * The job-progress store is served over HTTP ({@code GET /jobs/{id}}, see {@link JobProgressHttpServer}) and by
 * {@link #jobProgress(String)}.
 *
 * <p>Embedded use: {@code try (var app = new PromptIngestApp(IngestConfig.builder(bootstrap, registryUrl).build()).start()) {...}}.
 */
public final class PromptIngestApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PromptIngestApp.class);
    public static final String JOB_PROGRESS_STORE = "job-progress-store";

    private final IngestConfig config;
    private final SchemaRegistryClient registry;
    private final Path stateDir;
    private final boolean deleteStateDir;
    private KafkaStreams streams;
    private JobProgressHttpServer http;
    private HostInfo self;

    public PromptIngestApp(IngestConfig config) {
        this.config = config;
        this.registry = AvroSerdeConfig.parse(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, config.schemaRegistryUrl()))
                .createClient();
        try {
            this.deleteStateDir = config.stateDir() == null;
            this.stateDir = deleteStateDir ? Files.createTempDirectory("hart-ingest-state-") : config.stateDir();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot create a state directory for prompt-ingest", e);
        }
    }

    /** Builds the topology: ingest (Processor API, two sinks) and job progress (DSL aggregation). */
    public Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        SpecificAvroSerde<JobProgress> progressSerde = new SpecificAvroSerde<>(registry, JobProgress.class);
        SpecificAvroDeserializer<GenerationRequest> requestReader = new SpecificAvroDeserializer<>(registry, GenerationRequest.class);
        SpecificAvroDeserializer<DeadLetter> deadLetterReader = new SpecificAvroDeserializer<>(registry, DeadLetter.class);
        SpecificAvroDeserializer<GeneratedImage> imageReader = new SpecificAvroDeserializer<>(registry, GeneratedImage.class);
        SpecificAvroDeserializer<SpecificRecord> anyReader = new SpecificAvroDeserializer<>(registry, null);
        Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());

        KStream<String, JobProgress> submitted = builder.stream(TopicDefinitions.REQUESTS, raw.withName("progress-requests"))
                .flatMap((k, v) -> decode(() -> {
                    GenerationRequest r = requestReader.deserialize(TopicDefinitions.REQUESTS, v);
                    return JobProgressUpdates.submitted(r, orNow(r.getAcceptedAtMs()));
                }, TopicDefinitions.REQUESTS));
        KStream<String, JobProgress> deadLettered = builder.stream(TopicDefinitions.DLQ, raw.withName("progress-dlq"))
                .flatMap((k, v) -> decode(() -> {
                    DeadLetter d = deadLetterReader.deserialize(TopicDefinitions.DLQ, v);
                    return JobProgressUpdates.deadLettered(d, orNow(d.getTimestampMs()), dl -> originalRequest(anyReader, dl));
                }, TopicDefinitions.DLQ));
        KStream<String, JobProgress> generated = builder.stream(TopicDefinitions.IMAGES, raw.withName("progress-images"))
                .flatMap((k, v) -> decode(() -> {
                    GeneratedImage img = imageReader.deserialize(TopicDefinitions.IMAGES, v);
                    return JobProgressUpdates.generated(img, orNow(img.getCompletedAtMs()));
                }, TopicDefinitions.IMAGES));
        submitted.merge(deadLettered).merge(generated)
                .groupByKey(Grouped.with("job-progress-by-job", Serdes.String(), progressSerde))
                .aggregate(() -> JobProgressUpdates.empty(""),
                        (jobId, delta, total) -> JobProgressUpdates.merge(jobId, delta, total),
                        Materialized.<String, JobProgress, KeyValueStore<Bytes, byte[]>>as(JOB_PROGRESS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(progressSerde))
                .toStream()
                .to(TopicDefinitions.JOB_PROGRESS, Produced.with(Serdes.String(), progressSerde));

        Topology topology = builder.build();
        topology.addSource("prompt-events-source", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                TopicDefinitions.PROMPT_EVENTS);
        topology.addProcessor("ingest", () -> new IngestProcessor(config.rules(), config.filter(),
                        () -> new SpecificAvroDeserializer<>(registry, PromptEvent.class),
                        () -> new SpecificAvroSerializer<>(registry),
                        () -> new SpecificAvroSerializer<>(registry),
                        TopicDefinitions.REQUESTS, TopicDefinitions.DLQ),
                "prompt-events-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestProcessor.REQUEST_IDS_STORE),
                Serdes.String(), Serdes.Long()), "ingest");
        topology.addSink(IngestProcessor.REQUESTS_SINK, TopicDefinitions.REQUESTS, Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(), "ingest");
        topology.addSink(IngestProcessor.DLQ_SINK, TopicDefinitions.DLQ, Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(), "ingest");
        return topology;
    }

    private static long orNow(long ms) {
        return ms > 0 ? ms : System.currentTimeMillis();
    }

    private static RequestInfo originalRequest(SpecificAvroDeserializer<SpecificRecord> reader, DeadLetter d) {
        if (d.getOriginalValue() == null) {
            return null;
        }
        try {
            var buf = d.getOriginalValue().duplicate();
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            return JobProgressUpdates.requestOf(reader.deserialize(d.getSourceTopic(), bytes));
        } catch (RuntimeException e) {
            return null; // an undecodable original: counted under the unknown job
        }
    }

    private interface Decoder {
        JobProgress decode();
    }

    private static List<KeyValue<String, JobProgress>> decode(Decoder decoder, String topic) {
        try {
            JobProgress delta = decoder.decode();
            return List.of(KeyValue.pair(delta.getJobId(), delta));
        } catch (RuntimeException e) {
            log.warn("job progress: skipping an unreadable record on {}: {}", topic, e.getMessage());
            return List.of();
        }
    }

    Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // dead letters may hold a whole ar-output record (up to 64 MiB)
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), TopicDefinitions.LARGE_RECORD_BYTES);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), TopicDefinitions.LARGE_RECORD_BYTES);
        if (self != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        }
        p.putAll(config.streamsOverrides());
        return p;
    }

    /** Creates missing topics (when configured), starts the HTTP server and the Streams app; returns once RUNNING. */
    public synchronized PromptIngestApp start() {
        return start(Duration.ofSeconds(90));
    }

    public synchronized PromptIngestApp start(Duration timeout) {
        if (streams != null) {
            return this;
        }
        if (config.createTopics()) {
            Map<String, Object> admin = new HashMap<>();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            config.streamsOverrides().forEach((k, v) -> {
                if (AdminClientConfig.configNames().contains(k)) {
                    admin.put(k, v);
                }
            });
            TopicDefinitions.createAll(admin, config.topicPartitions(), Optional.empty());
        }
        if (config.httpPort() >= 0) {
            http = new JobProgressHttpServer(config.httpHost(), config.httpPort(), this);
            self = new HostInfo(config.httpHost(), http.port());
        }
        KafkaStreams s = new KafkaStreams(topology(), streamsProperties());
        s.setUncaughtExceptionHandler(e -> {
            log.error("prompt-ingest stream thread failed; shutting the app down", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams = s;
        s.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (s.state() != KafkaStreams.State.RUNNING) {
            if (s.state() == KafkaStreams.State.ERROR || s.state() == KafkaStreams.State.NOT_RUNNING
                    || s.state() == KafkaStreams.State.PENDING_ERROR) {
                close();
                throw new IllegalStateException("prompt-ingest failed to start (state " + s.state() + ")");
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("prompt-ingest did not reach RUNNING within " + timeout);
            }
            sleep(50);
        }
        log.info("prompt-ingest running (application.id {}, http {})", config.applicationId(),
                http == null ? "off" : httpUrl());
        return this;
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    public boolean isRunning() {
        KafkaStreams.State st = state();
        return st == KafkaStreams.State.RUNNING || st == KafkaStreams.State.REBALANCING;
    }

    /** Port of the HTTP server, -1 when off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Base URL of the HTTP server, e.g. {@code http://127.0.0.1:8088}; null when off. */
    public String httpUrl() {
        return http == null ? null : "http://" + config.httpHost() + ":" + http.port();
    }

    /** Where a job's progress lives: this instance, or another one (its host:port, from {@code application.server}). */
    Optional<HostInfo> remoteOwner(String jobId) {
        if (streams == null || self == null) {
            return Optional.empty();
        }
        KeyQueryMetadata meta = streams.queryMetadataForKey(JOB_PROGRESS_STORE, jobId, Serdes.String().serializer());
        if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE) || meta.activeHost().equals(self)) {
            return Optional.empty();
        }
        return Optional.of(meta.activeHost());
    }

    /**
     * A job's progress from this instance's store (interactive query).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable (starting,
     *                                                                    rebalancing)
     */
    public Optional<JobProgress> jobProgress(String jobId) {
        return Optional.ofNullable(store().get(jobId));
    }

    /** Every job in this instance's store, by job id. */
    public List<JobProgress> localJobs() {
        List<JobProgress> out = new ArrayList<>();
        try (var it = store().all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        out.sort(Comparator.comparing(JobProgress::getJobId));
        return out;
    }

    private ReadOnlyKeyValueStore<String, JobProgress> store() {
        if (streams == null) {
            throw new IllegalStateException("prompt-ingest is not started");
        }
        return streams.store(StoreQueryParameters.fromNameAndType(JOB_PROGRESS_STORE,
                QueryableStoreTypes.<String, JobProgress>keyValueStore()));
    }

    @Override
    public synchronized void close() {
        if (streams != null) {
            // a static member (group.instance.id set) leaves at once; a dynamic one is dropped after session.timeout.ms
            streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
            streams = null;
        }
        if (http != null) {
            http.close();
            http = null;
        }
        registry.close();
        if (deleteStateDir && Files.exists(stateDir)) {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
            } catch (IOException e) {
                log.warn("could not delete prompt-ingest state dir {}: {}", stateDir, e.toString());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting prompt-ingest", e);
        }
    }
}
