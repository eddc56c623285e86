package dev.hart.ingest;

import dev.hart.schemas.avro.DeadLetter;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.PromptEvent;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The per-record work of prompt-ingest: decode, validate, filter, de-duplicate, expand. Accepted events go to the
 * requests sink (one record per image, keyed by the image's request id); every rejected event goes to the DLQ sink as
 * an Avro {@link DeadLetter} (stage {@value #STAGE}, the reason as error message, the original key and value bytes).
 *
 * <p>The request id of an event is its {@code requestId} field, else the record key (UTF-8), else an id derived from
 * the record's topic, partition and offset (stable when the record is re-read). De-duplication keeps the accepted
 * request ids in the {@value #REQUEST_IDS_STORE} store; it is per partition, so events carrying the same request id
 * must share a key (the pipeline keys prompt events by request id; {@code hart ingest} does).
 */
final class IngestProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    static final String STAGE = "prompt-ingest";
    static final String REQUEST_IDS_STORE = "ingest-request-ids";
    static final String REQUESTS_SINK = "requests-sink";
    static final String DLQ_SINK = "dlq-sink";

    private final PromptRules rules;
    private final PromptValidator validator;
    private final RequestExpander expander;
    private final PromptFilter filter;
    private final Supplier<Deserializer<PromptEvent>> eventDeserializer;
    private final Supplier<Serializer<GenerationRequest>> requestSerializer;
    private final Supplier<Serializer<DeadLetter>> deadLetterSerializer;
    private final String requestsTopic;
    private final String dlqTopic;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, Long> acceptedIds;
    private Deserializer<PromptEvent> events;
    private Serializer<GenerationRequest> requests;
    private Serializer<DeadLetter> deadLetters;

    IngestProcessor(PromptRules rules, PromptFilter filter, Supplier<Deserializer<PromptEvent>> eventDeserializer,
                    Supplier<Serializer<GenerationRequest>> requestSerializer,
                    Supplier<Serializer<DeadLetter>> deadLetterSerializer, String requestsTopic, String dlqTopic) {
        this.rules = rules;
        this.validator = new PromptValidator(rules);
        this.expander = new RequestExpander(rules);
        this.filter = filter;
        this.eventDeserializer = eventDeserializer;
        this.requestSerializer = requestSerializer;
        this.deadLetterSerializer = deadLetterSerializer;
        this.requestsTopic = requestsTopic;
        this.dlqTopic = dlqTopic;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.acceptedIds = context.getStateStore(REQUEST_IDS_STORE);
        this.events = eventDeserializer.get();
        this.requests = requestSerializer.get();
        this.deadLetters = deadLetterSerializer.get();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata origin = context.recordMetadata().orElseThrow();
        PromptEvent event;
        try {
            event = events.deserialize(origin.topic(), record.value());
            if (event == null) {
                throw new IllegalArgumentException("tombstone (null value) instead of a PromptEvent");
            }
        } catch (RuntimeException e) {
            reject(record, origin, null, null,
                    new Rejection(Rejection.UNDECODABLE, "not a readable PromptEvent: " + e.getMessage()));
            return;
        }
        String requestId = requestId(event, record.key(), origin);
        String jobId = event.getJobId() == null || event.getJobId().isBlank() ? rules.defaultJobId() : event.getJobId().strip();
        Optional<Rejection> problem = validator.validate(event, requestId);
        if (problem.isEmpty()) {
            problem = filter.check(event.getPrompt().strip()).map(reason -> new Rejection(Rejection.UNSAFE, reason));
        }
        if (problem.isEmpty() && acceptedIds.get(requestId) != null) {
            problem = Optional.of(new Rejection(Rejection.DUPLICATE, "duplicate request id"));
        }
        if (problem.isPresent()) {
            reject(record, origin, requestId, jobId, problem.get());
            return;
        }
        long now = System.currentTimeMillis();
        long submittedAt = event.getCreatedAtMs() != null ? event.getCreatedAtMs() : record.timestamp();
        List<GenerationRequest> expanded = expander.expand(event, requestId, submittedAt, now);
        acceptedIds.put(requestId, now);
        for (GenerationRequest r : expanded) {
            String id = r.getRequest().getRequestId();
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            context.forward(new Record<>(key, requests.serialize(requestsTopic, r), record.timestamp()), REQUESTS_SINK);
        }
    }

    private static String requestId(PromptEvent event, byte[] key, RecordMetadata origin) {
        if (event.getRequestId() != null && !event.getRequestId().isBlank()) {
            return event.getRequestId().strip();
        }
        if (key != null && key.length > 0) {
            String k = new String(key, StandardCharsets.UTF_8).strip();
            if (!k.isEmpty()) {
                return k;
            }
        }
        String origin3 = origin.topic() + "/" + origin.partition() + "/" + origin.offset();
        return UUID.nameUUIDFromBytes(origin3.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private void reject(Record<byte[], byte[]> record, RecordMetadata origin, String requestId, String jobId,
                        Rejection rejection) {
        DeadLetter dl = DeadLetter.newBuilder()
                .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setSourceTopic(origin.topic())
                .setSourcePartition(origin.partition())
                .setSourceOffset(origin.offset())
                .setStage(STAGE)
                .setErrorClass(rejection.category())
                .setErrorMessage(rejection.reason())
                .setAttemptCount(1)
                .setTimestampMs(System.currentTimeMillis())
                .setRequestId(requestId)
                .setJobId(jobId)
                .build();
        context.forward(new Record<>(record.key(), deadLetters.serialize(dlqTopic, dl), record.timestamp()), DLQ_SINK);
    }
}
