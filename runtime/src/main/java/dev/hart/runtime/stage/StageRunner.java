package dev.hart.runtime.stage;

import dev.hart.runtime.kafka.KafkaClientProps;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The consume-batch-process-produce loop every model stage shares, exactly once.
 *
 * <ul>
 *   <li>Poll, gather up to {@code batch.size} records or until {@code batch.max.wait} after the first one.</li>
 *   <li>Deserialize each (a failure dead-letters that input only) and call the {@link BatchProcessor} once, on a
 *       worker thread. Meanwhile the poll thread pauses its partitions and keeps polling, so a long model call never
 *       gets this consumer thrown out of its group, and rebalances are served.</li>
 *   <li>Failures are sorted by {@link FailureClass}: a retriable one (I/O, timeouts) is tried again with doubling
 *       backoff up to {@code maxAttempts} times, a permanent one is dead-lettered at once. An exception or a
 *       recoverable {@link Error} (OutOfMemoryError, StackOverflowError) from a whole batch makes the runner try its
 *       inputs one by one, so one bad record never stops the stage; only an Error the JVM cannot go on after ends
 *       the loop (the supervisor restarts the process).</li>
 *   <li>Outputs, dead letters and the input offsets are committed in one Kafka transaction (transactional producer,
 *       {@code sendOffsetsToTransaction}, {@code read_committed} input). If a batch's partitions are revoked or lost
 *       while it runs, or the producer is fenced, the batch is dropped and its partitions re-read from the last
 *       commit; a killed instance therefore loses and duplicates nothing downstream.</li>
 *   <li>A broker outage of any length is ridden out: the transaction fails, the batch is re-read later, and the
 *       producer is rebuilt with bounded exponential backoff while /health says DEGRADED. A stage started before
 *       its broker waits for it the same way.</li>
 *   <li>A record that kills the whole process (a native crash, the kernel's OOM killer) is not retried forever:
 *       before the first batch of a partition after an assignment, the runner commits its start offset again with a
 *       start count in the offset metadata. A start at an offset the previous owner already started from without
 *       getting past means that owner died there: the runner then processes that one record alone, and after
 *       {@value #DEATHS_BEFORE_DEAD_LETTER} deaths dead-letters it without running it.</li>
 *   <li>{@link #close()} (also from a SIGTERM shutdown hook, see {@link #installShutdownHook()}) lets the current
 *       batch finish within {@code shutdownGrace}, else drops it uncommitted, then closes the clients.</li>
 * </ul>
 *
 * <p>The runner does not own the processor or the serdes: close them after the runner.
 */
public final class StageRunner<I, O> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);
    /** Process deaths at one record (with no progress past it) after which it is dead-lettered unprocessed. */
    static final int DEATHS_BEFORE_DEAD_LETTER = 3;
    private static final String STARTS_PREFIX = "hart.starts=";

    private final StageConfig config;
    private final BatchProcessor<I, O> processor;
    private final Deserializer<I> valueDeserializer;
    private final Serializer<O> valueSerializer;
    private final DeadLetterWriter deadLetterWriter;
    private final PrometheusMeterRegistry meterRegistry;
    private final StageMetrics metrics;
    private final ExecutorService worker;

    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile long stopDeadlineNanos;
    private volatile boolean running;
    private volatile boolean degraded;
    private volatile Throwable failure;
    private volatile StageHttpServer http;
    private volatile Set<TopicPartition> assignment = Set.of();
    private Thread pollThread;

    // state owned by the poll thread
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    private long bufferSinceNanos;
    private InFlight inFlight;
    // crash guard, per partition since its assignment: starts from the same offset counted in the offset metadata
    private final Map<TopicPartition, Integer> startsMarked = new HashMap<>();
    private final Map<TopicPartition, Integer> deathsAtStart = new HashMap<>();

    /** A runner with header-style dead letters and its own Prometheus registry. */
    public StageRunner(StageConfig config, BatchProcessor<I, O> processor,
                       Deserializer<I> valueDeserializer, Serializer<O> valueSerializer) {
        this(config, processor, valueDeserializer, valueSerializer, new HeaderDeadLetterWriter(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public StageRunner(StageConfig config, BatchProcessor<I, O> processor,
                       Deserializer<I> valueDeserializer, Serializer<O> valueSerializer,
                       DeadLetterWriter deadLetterWriter, PrometheusMeterRegistry meterRegistry) {
        this.config = Objects.requireNonNull(config, "config");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
        this.deadLetterWriter = Objects.requireNonNull(deadLetterWriter, "deadLetterWriter");
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        this.metrics = new StageMetrics(meterRegistry, config.stageName());
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "stage-" + config.stageName() + "-model");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the loop on a new thread and returns at once. */
    public StageRunner<I, O> start() {
        Thread t = new Thread(this::run, "stage-" + config.stageName() + "-poll");
        pollThread = t;
        t.start();
        return this;
    }

    /** Registers a JVM shutdown hook (SIGTERM) that calls {@link #close()}. */
    public StageRunner<I, O> installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stage-" + config.stageName() + "-shutdown"));
        return this;
    }

    /** Runs the loop in the calling thread until {@link #close()}; a fatal error is logged and kept in {@link #failure()}. */
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("Stage " + config.stageName() + " was already started");
        }
        try {
            if (config.httpPort() >= 0) {
                http = new StageHttpServer("0.0.0.0", config.httpPort(), meterRegistry, this::health);
            }
            consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            producer = connectProducer();
            if (producer == null) {
                return; // stopped while waiting for the broker
            }
            consumer.subscribe(config.inputTopics(), new RebalanceHandler());
            running = true;
            log.info("Stage started: {}", config);
            while (!stopRequested) {
                pollIntoBuffer(config.pollTimeout());
                if (batchReady()) {
                    runBatch(takeBatch());
                }
            }
        } catch (Throwable t) {
            failure = t;
            log.error("Stage {} stopped on an error", config.stageName(), t);
        } finally {
            running = false;
            assignment = Set.of();
            worker.shutdownNow();
            closeQuietly(consumer);
            if (producer != null) {
                try {
                    producer.close(Duration.ofSeconds(10));
                } catch (RuntimeException e) {
                    log.debug("closing producer", e);
                }
            }
            finished.countDown();
            log.info("Stage {} stopped", config.stageName());
        }
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> c = KafkaClientProps.readCommittedConsumer(
                config.bootstrapServers(), config.groupId(), config.batchSize());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, config.stageName() + "-" + config.instanceId());
        Object protocol = config.consumerProps().getOrDefault(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        if ("classic".equalsIgnoreCase(String.valueOf(protocol))) {
            // only moved partitions are revoked on a rebalance, so fewer in-flight batches are dropped
            c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        c.putAll(config.consumerProps());
        return c;
    }

    /**
     * A transactional producer, initialised; while the broker cannot be reached, tries again with backoff doubling up
     * to {@code reconnectBackoffMax}, for as long as it takes. Null if the stage was asked to stop meanwhile.
     */
    private KafkaProducer<byte[], byte[]> connectProducer() throws InterruptedException {
        Map<String, Object> props = KafkaClientProps.transactionalProducer(config.bootstrapServers(), config.transactionalId());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.stageName() + "-" + config.instanceId() + "-producer");
        props.putAll(config.producerProps());
        long backoffMs = Math.min(500, config.reconnectBackoffMax().toMillis());
        for (int attempt = 1; !stopRequested; attempt++) {
            KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            try {
                // fences an earlier instance with the same transactional id and aborts its open transaction
                p.initTransactions();
                if (degraded) {
                    log.info("Stage {}: the broker answers again; resuming", config.stageName());
                }
                degraded = false;
                return p;
            } catch (KafkaException e) {
                closeQuietly(p);
                if (!isRetriable(e)) {
                    throw e;
                }
                degraded = true;
                log.warn("Stage {}: broker not reachable ({}), attempt {}; trying again in {} ms",
                        config.stageName(), e.toString(), attempt, backoffMs);
                sleepUnlessStopped(backoffMs);
                backoffMs = Math.min(backoffMs * 2, config.reconnectBackoffMax().toMillis());
            }
        }
        return null;
    }

    private static boolean isRetriable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RetriableException
                    || t instanceof org.apache.kafka.common.errors.InterruptException) {
                return true;
            }
        }
        return false;
    }

    private void sleepUnlessStopped(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!stopRequested && System.nanoTime() < end) {
            Thread.sleep(Math.min(100, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
        }
    }

    private void pollIntoBuffer(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            buffer.add(r);
        }
        if (!buffer.isEmpty() && bufferSinceNanos == 0) {
            bufferSinceNanos = System.nanoTime();
        }
    }

    private boolean batchReady() {
        if (buffer.isEmpty()) {
            return false;
        }
        return buffer.size() >= config.batchSize()
                || System.nanoTime() - bufferSinceNanos >= config.batchMaxWait().toNanos();
    }

    private List<ConsumerRecord<byte[], byte[]>> takeBatch() {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(config.batchSize());
        while (batch.size() < config.batchSize() && !buffer.isEmpty()) {
            batch.add(buffer.poll());
        }
        if (buffer.isEmpty()) {
            bufferSinceNanos = 0;
        }
        return batch;
    }

    private void runBatch(List<ConsumerRecord<byte[], byte[]>> batch) throws Exception {
        markStarts(batch);
        Map<Long, Integer> condemned = new HashMap<>();
        batch = isolateSuspects(batch, condemned);
        final List<ConsumerRecord<byte[], byte[]>> taken = batch;
        InFlight current = new InFlight(batch);
        inFlight = current;
        consumer.pause(consumer.assignment());
        Future<Outcome> future = worker.submit(() -> compute(taken, condemned));
        boolean abandoned = false;
        Outcome outcome = null;
        try {
            while (outcome == null) {
                try {
                    outcome = future.get(config.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException notYet) {
                    if (stopRequested && System.nanoTime() > stopDeadlineNanos) {
                        abandoned = true;
                        future.cancel(true);
                        break;
                    }
                    // keeps this member alive in its group and serves rebalances; paused partitions return nothing
                    pollIntoBuffer(Duration.ofMillis(10));
                }
            }
        } catch (ExecutionException e) {
            rewind(batch);
            throw new IllegalStateException("Stage " + config.stageName() + " worker failed", e.getCause());
        } finally {
            inFlight = null;
            consumer.resume(consumer.assignment());
        }
        if (abandoned || current.revoked) {
            log.warn("Stage {}: dropping a batch of {} ({}); it will be re-read from the last commit",
                    config.stageName(), batch.size(), abandoned ? "shutdown grace exceeded" : "partitions revoked");
            metrics.aborted();
            rewind(batch);
            return;
        }
        commit(outcome, batch);
    }

    /**
     * Before the first batch of a partition since its assignment: commits the batch's start offset again (no
     * progress is lost: it is the committed position) with {@code hart.starts=OFFSET:COUNT} in the metadata. A count
     * above 1 at the same offset means earlier owners started there and never committed past it.
     */
    private void markStarts(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, Long> firsts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (!startsMarked.containsKey(tp)) {
                firsts.merge(tp, r.offset(), Math::min);
            }
        }
        if (firsts.isEmpty() || producer == null) {
            return;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(firsts.keySet(), Duration.ofSeconds(10));
            Map<TopicPartition, OffsetAndMetadata> markers = new HashMap<>();
            firsts.forEach((tp, first) -> {
                OffsetAndMetadata c = committed.get(tp);
                if (c != null && c.offset() != first) {
                    startsMarked.put(tp, 0); // not at the committed position (should not happen): leave it alone
                    return;
                }
                int starts = previousStarts(c, first) + 1;
                markers.put(tp, new OffsetAndMetadata(first, STARTS_PREFIX + first + ":" + starts));
                startsMarked.put(tp, starts);
                if (starts > 1) {
                    deathsAtStart.put(tp, starts - 1);
                }
            });
            if (!markers.isEmpty()) {
                producer.beginTransaction();
                producer.sendOffsetsToTransaction(markers, consumer.groupMetadata());
                producer.commitTransaction();
            }
        } catch (RuntimeException e) {
            log.warn("Stage {}: could not record the start offsets ({}); going on without", config.stageName(), e.toString());
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // the next commit recreates the producer if it must
            }
        }
    }

    private static int previousStarts(OffsetAndMetadata committed, long first) {
        if (committed == null || committed.metadata() == null || !committed.metadata().startsWith(STARTS_PREFIX)) {
            return 0;
        }
        String[] parts = committed.metadata().substring(STARTS_PREFIX.length()).split(":");
        try {
            return parts.length == 2 && Long.parseLong(parts[0]) == first ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * If a partition of the batch had owners die at its start offset, runs only that record (the rest goes back to
     * the buffer); after {@value #DEATHS_BEFORE_DEAD_LETTER} deaths the record is condemned (dead-lettered unrun).
     */
    private List<ConsumerRecord<byte[], byte[]>> isolateSuspects(List<ConsumerRecord<byte[], byte[]>> batch,
                                                                 Map<Long, Integer> condemned) {
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Integer deaths = deathsAtStart.remove(tp);
            if (deaths == null) {
                continue;
            }
            log.warn("Stage {}: the process died {} time(s) at {}@{} before; running that record alone",
                    config.stageName(), deaths, tp, r.offset());
            for (int i = batch.size() - 1; i >= 0; i--) {
                if (batch.get(i) != r) {
                    buffer.addFirst(batch.get(i));
                }
            }
            if (bufferSinceNanos == 0 && !buffer.isEmpty()) {
                bufferSinceNanos = System.nanoTime();
            }
            if (deaths >= DEATHS_BEFORE_DEAD_LETTER) {
                condemned.put(r.offset(), deaths);
            }
            return List.of(r);
        }
        return batch;
    }

    /**
     * Runs on the worker thread: deserialize, call the model, serialize. Retriable failures are tried again (after a
     * backoff, one by one) until {@code maxAttempts}; what still fails becomes a dead letter.
     */
    private Outcome compute(List<ConsumerRecord<byte[], byte[]>> batch, Map<Long, Integer> condemned)
            throws InterruptedException {
        int n = batch.size();
        List<List<ProducerRecord<byte[], byte[]>>> records = new ArrayList<>(n);
        int[] outputs = new int[n];
        boolean[] dead = new boolean[n];
        int[] attempts = new int[n];
        List<Integer> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(List.of());
            ConsumerRecord<byte[], byte[]> r = batch.get(i);
            Integer deaths = condemned.get(r.offset());
            if (deaths != null && batch.size() == 1) {
                records.set(i, List.of(deadLetter(r, new IllegalStateException("the stage process died " + deaths
                        + " times while processing this record (a native crash or an out-of-memory kill); not run again"),
                        deaths, config.deadLetterMaxValueBytes())));
                dead[i] = true;
            } else {
                pending.add(i);
            }
        }
        if (pending.isEmpty()) {
            return new Outcome(batch, records, outputs, dead);
        }
        long backoffMs = config.retryBackoff().toMillis();
        // a batch call that failed as a whole is reported as an attempt but does not use up anyone's retries
        int[] wholeBatchFailures = new int[n];
        for (boolean firstRound = true; ; firstRound = false) {
            Throwable[] errors = new Throwable[n];
            List<StageInput<I>> valid = new ArrayList<>(pending.size());
            List<Integer> validIndex = new ArrayList<>(pending.size());
            for (int i : pending) {
                attempts[i]++;
                try {
                    valid.add(deserialize(batch.get(i)));
                    validIndex.add(i);
                } catch (Exception e) {
                    errors[i] = e;
                }
            }
            if (!valid.isEmpty()) {
                long t0 = System.nanoTime();
                List<ProcessResult<O>> results = firstRound ? processBatch(valid) : null;
                if (results == null) {
                    if (firstRound) {
                        validIndex.forEach(i -> {
                            attempts[i]++;
                            wholeBatchFailures[i] = 1;
                        });
                    }
                    results = processOneByOne(valid);
                }
                metrics.batchProcessed(valid.size(), System.nanoTime() - t0);
                for (int k = 0; k < results.size(); k++) {
                    int i = validIndex.get(k);
                    ProcessResult<O> res = results.get(k);
                    if (res == null) {
                        res = ProcessResult.failure(new IllegalStateException("processor returned a null result"));
                    }
                    if (!res.isSuccess()) {
                        errors[i] = res.failure();
                        continue;
                    }
                    try {
                        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(res.outputs().size());
                        for (OutputRecord<O> o : res.outputs()) {
                            out.add(toProducerRecord(o));
                        }
                        records.set(i, out);
                        outputs[i] = out.size();
                    } catch (Exception e) {
                        errors[i] = e;
                    }
                }
            }
            List<Integer> retry = new ArrayList<>();
            for (int i : pending) {
                if (errors[i] == null) {
                    continue;
                }
                int ownTries = attempts[i] - wholeBatchFailures[i];
                if (FailureClass.of(errors[i]) == FailureClass.RETRIABLE && ownTries < config.maxAttempts()) {
                    retry.add(i);
                } else {
                    records.set(i, List.of(deadLetter(batch.get(i), errors[i], attempts[i],
                            config.deadLetterMaxValueBytes())));
                    dead[i] = true;
                }
            }
            if (retry.isEmpty()) {
                return new Outcome(batch, records, outputs, dead);
            }
            log.warn("Stage {}: {} input(s) failed with a retriable error ({}); trying again in {} ms",
                    config.stageName(), retry.size(), errors[retry.get(0)].toString(), backoffMs);
            Thread.sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, config.reconnectBackoffMax().toMillis());
            pending = retry;
        }
    }

    private StageInput<I> deserialize(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            throw new SerializationException("record has no value (tombstone)");
        }
        I value = valueDeserializer.deserialize(r.topic(), r.headers(), r.value());
        if (value == null) {
            throw new SerializationException("deserializer returned null");
        }
        return new StageInput<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), value, r.headers());
    }

    /** One processor call for the whole batch; null if it failed as a whole (then the inputs go one by one). */
    private List<ProcessResult<O>> processBatch(List<StageInput<I>> valid) throws InterruptedException {
        try {
            List<ProcessResult<O>> results = processor.process(List.copyOf(valid));
            if (results == null || results.size() != valid.size()) {
                throw new IllegalStateException("processor returned " + (results == null ? "null" : results.size())
                        + " results for " + valid.size() + " inputs");
            }
            return results;
        } catch (InterruptedException e) {
            throw e;
        } catch (Throwable e) {
            rethrowIfFatal(e);
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("batch abandoned");
            }
            log.warn("Stage {}: batch of {} failed ({}); trying its inputs one by one",
                    config.stageName(), valid.size(), e.toString());
            return null;
        }
    }

    private List<ProcessResult<O>> processOneByOne(List<StageInput<I>> valid) throws InterruptedException {
        List<ProcessResult<O>> results = new ArrayList<>(valid.size());
        for (StageInput<I> input : valid) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("batch abandoned");
            }
            try {
                List<ProcessResult<O>> one = processor.process(List.of(input));
                if (one == null || one.size() != 1) {
                    throw new IllegalStateException("processor returned " + (one == null ? "null" : one.size())
                            + " results for 1 input");
                }
                results.add(one.get(0));
            } catch (InterruptedException e) {
                throw e;
            } catch (Throwable e) {
                rethrowIfFatal(e);
                results.add(ProcessResult.failure(e));
            }
        }
        return results;
    }

    /**
     * Errors after which this JVM may go on are contained to their record: an OutOfMemoryError from one oversized
     * input frees its memory when the call unwinds, a StackOverflowError its stack. Others (InternalError, ...) end
     * the stage so that its supervisor restarts it.
     */
    private static void rethrowIfFatal(Throwable e) {
        if (e instanceof Exception || e instanceof OutOfMemoryError || e instanceof StackOverflowError
                || e instanceof LinkageError || e instanceof AssertionError) {
            return;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e);
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(OutputRecord<O> o) {
        RecordHeaders headers = new RecordHeaders(o.headers());
        byte[] value = valueSerializer.serialize(o.topic(), headers, o.value());
        byte[] key = o.key() == null ? null : o.key().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(o.topic(), null, null, key, value, headers);
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> r, Throwable error, int attempt,
                                                      int maxValueBytes) {
        StageRecordRef ref = new StageRecordRef(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
        DeadLetterInfo info = DeadLetterInfo.of(ref, config.stageName(), error, attempt, maxValueBytes);
        log.warn("Stage {}: {}-{}@{} goes to the DLQ {} ({}, attempt {}): {}", config.stageName(), r.topic(),
                r.partition(), r.offset(), config.dlqTopic(), info.failureClass().wireName(), attempt, error.toString());
        return deadLetterWriter.toRecord(config.dlqTopic(), info);
    }

    /** Commits outputs, dead letters and input offsets in one transaction; on failure the batch is re-read. */
    private void commit(Outcome outcome, List<ConsumerRecord<byte[], byte[]>> batch) throws InterruptedException {
        for (int attempt = 0; attempt < 3 && producer != null; attempt++) {
            Map<Integer, Exception> sendErrors = new ConcurrentHashMap<>();
            try {
                producer.beginTransaction();
                for (int i = 0; i < outcome.records.size(); i++) {
                    final int index = i;
                    for (ProducerRecord<byte[], byte[]> rec : outcome.records.get(i)) {
                        producer.send(rec, (md, ex) -> {
                            if (ex != null) {
                                sendErrors.putIfAbsent(index, ex);
                            }
                        });
                    }
                }
                producer.sendOffsetsToTransaction(outcome.offsets(), consumer.groupMetadata());
                producer.commitTransaction();
                degraded = false;
                recordCommitted(outcome);
                return;
            } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                     | UnsupportedVersionException | AuthorizationException e) {
                log.warn("Stage {}: producer cannot continue ({}); recreating it and re-reading the batch",
                        config.stageName(), e.toString());
                recreateProducer();
                break;
            } catch (KafkaException e) {
                abortOrRecreate(e);
                Map<Integer, Exception> recordErrors = new HashMap<>();
                sendErrors.forEach((i, ex) -> {
                    if (isRecordLevel(ex)) {
                        recordErrors.put(i, ex);
                    }
                });
                if (attempt < 2 && !recordErrors.isEmpty() && producer != null) {
                    // records the broker can never accept (e.g. too large): dead-letter those inputs and try again;
                    // a dead letter refused itself is sent again without its original value
                    outcome = outcome.deadLettering(recordErrors);
                    continue;
                }
                break;
            }
        }
        metrics.aborted();
        rewind(batch);
    }

    private static boolean isRecordLevel(Exception e) {
        return e instanceof RecordTooLargeException || e instanceof SerializationException
                || e instanceof org.apache.kafka.common.InvalidRecordException
                || e instanceof org.apache.kafka.common.errors.InvalidTopicException;
    }

    private void abortOrRecreate(KafkaException cause) throws InterruptedException {
        if (isRetriable(cause)) {
            degraded = true;
        }
        log.warn("Stage {}: transaction failed ({}); aborting it", config.stageName(), cause.toString());
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            log.warn("Stage {}: abort failed ({}); recreating the producer", config.stageName(), e.toString());
            recreateProducer();
        }
    }

    private void recreateProducer() throws InterruptedException {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("closing fenced producer", e);
        }
        producer = null;
        producer = connectProducer();
    }

    private void recordCommitted(Outcome outcome) {
        int outs = 0;
        int dlq = 0;
        long now = System.currentTimeMillis();
        for (int i = 0; i < outcome.batch.size(); i++) {
            outs += outcome.outputs[i];
            if (outcome.dead[i]) {
                dlq++;
            }
            long ts = outcome.batch.get(i).timestamp();
            if (ts > 0) {
                metrics.latency(now - ts);
            }
        }
        metrics.committed(outcome.batch.size(), outs, dlq);
    }

    /** Seeks every still-assigned partition of a dropped batch (and of the records buffered behind it) back. */
    private void rewind(List<ConsumerRecord<byte[], byte[]>> dropped) {
        Map<TopicPartition, Long> earliest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dropped) {
            earliest.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        buffer.removeIf(r -> {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (earliest.containsKey(tp)) {
                earliest.merge(tp, r.offset(), Math::min);
                return true;
            }
            return false;
        });
        if (buffer.isEmpty()) {
            bufferSinceNanos = 0;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        earliest.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    /** Asks the loop to stop: the current batch may finish within the shutdown grace, then clients close. */
    @Override
    public void close() {
        if (!stopRequested) {
            stopDeadlineNanos = System.nanoTime() + config.shutdownGrace().toNanos();
            stopRequested = true;
        }
        if (started.get() && Thread.currentThread() != pollThread) {
            try {
                if (!finished.await(config.shutdownGrace().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                    log.warn("Stage {} did not stop in time", config.stageName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StageHttpServer h = http;
        if (h != null) {
            h.close();
            http = null;
        }
        worker.shutdownNow();
    }

    /** Waits until the loop has ended; true if it did within the timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True while the consumer is subscribed and the loop runs. */
    public boolean isRunning() {
        return running && !stopRequested;
    }

    /** What /health reports: DOWN once stopped, DEGRADED while the broker cannot be reached, else UP. */
    public StageHttpServer.Health health() {
        if (!isRunning() && !(degraded && !stopRequested)) {
            return StageHttpServer.Health.DOWN;
        }
        return degraded ? StageHttpServer.Health.DEGRADED : StageHttpServer.Health.UP;
    }

    /** The error that stopped the loop, or null. */
    public Throwable failure() {
        return failure;
    }

    /** The input partitions this instance owns right now (as of the last rebalance). */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    public StageMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** Port of the /metrics and /health server, or -1 when it is off or not started yet. */
    public int httpPort() {
        StageHttpServer h = http;
        return h == null ? -1 : h.port();
    }

    public StageConfig config() {
        return config;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close", e);
        }
    }

    private final class RebalanceHandler implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            lose(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lose(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignment = Set.copyOf(consumer.assignment());
            if (inFlight != null && !partitions.isEmpty()) {
                consumer.pause(partitions); // nothing new until the running batch is done
            }
        }

        private void lose(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> lost = new HashSet<>(partitions);
            Set<TopicPartition> remaining = new HashSet<>(assignment);
            remaining.removeAll(lost);
            assignment = Set.copyOf(remaining);
            buffer.removeIf(r -> lost.contains(new TopicPartition(r.topic(), r.partition())));
            lost.forEach(tp -> {
                startsMarked.remove(tp);
                deathsAtStart.remove(tp);
            });
            if (buffer.isEmpty()) {
                bufferSinceNanos = 0;
            }
            InFlight f = inFlight;
            if (f != null && f.partitions.stream().anyMatch(lost::contains)) {
                f.revoked = true;
            }
        }
    }

    private static final class InFlight {
        final Set<TopicPartition> partitions = new HashSet<>();
        volatile boolean revoked;

        InFlight(List<ConsumerRecord<byte[], byte[]>> batch) {
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                partitions.add(new TopicPartition(r.topic(), r.partition()));
            }
        }
    }

    /** The records to produce for a batch, per input, and what to count once committed. */
    private final class Outcome {
        final List<ConsumerRecord<byte[], byte[]>> batch;
        final List<List<ProducerRecord<byte[], byte[]>>> records;
        final int[] outputs;
        final boolean[] dead;

        Outcome(List<ConsumerRecord<byte[], byte[]>> batch, List<List<ProducerRecord<byte[], byte[]>>> records,
                int[] outputs, boolean[] dead) {
            this.batch = batch;
            this.records = records;
            this.outputs = outputs;
            this.dead = dead;
        }

        Map<TopicPartition, OffsetAndMetadata> offsets() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                        (a, b) -> a.offset() >= b.offset() ? a : b);
            }
            return offsets;
        }

        Outcome deadLettering(Map<Integer, Exception> errors) {
            List<List<ProducerRecord<byte[], byte[]>>> newRecords = new ArrayList<>(records);
            int[] newOutputs = outputs.clone();
            boolean[] newDead = dead.clone();
            errors.forEach((i, e) -> {
                newRecords.set(i, List.of(deadLetter(batch.get(i), e, 1, dead[i] ? 0 : config.deadLetterMaxValueBytes())));
                newOutputs[i] = 0;
                newDead[i] = true;
            });
            return new Outcome(batch, newRecords, newOutputs, newDead);
        }
    }
}
