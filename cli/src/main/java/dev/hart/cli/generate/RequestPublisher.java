package dev.hart.cli.generate;

import dev.hart.runtime.pipeline.PipelineSerdes;
import dev.hart.schemas.Topics;
import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.RequestInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Publishes validated {@link GenerationRequest}s straight to {@code hart.requests}, bypassing prompt-ingest: the tests
 * that drive the stages without the ingest app use it ({@code hart generate} publishes prompt events to the ingest app).
 */
public final class RequestPublisher {
    private RequestPublisher() {
    }

    /** One request per prompt: id {@code <job>-<index>}, seed {@code baseSeed + index}, reference defaults otherwise. */
    public static List<RequestInfo> requests(String jobId, List<String> prompts, long baseSeed, String checkpointId) {
        List<RequestInfo> out = new ArrayList<>(prompts.size());
        long now = System.currentTimeMillis();
        for (int i = 0; i < prompts.size(); i++) {
            String prompt = prompts.get(i);
            if (prompt == null || prompt.isBlank()) {
                throw new IllegalArgumentException("prompt " + (i + 1) + " is empty");
            }
            out.add(RequestInfo.newBuilder()
                    .setRequestId(String.format("%s-%05d", jobId, i))
                    .setJobId(jobId)
                    .setPrompt(prompt.strip())
                    .setSeed(baseSeed + i)
                    .setCheckpointId(checkpointId)
                    .setSubmittedAtMs(now)
                    .build());
        }
        return out;
    }

    public static void publish(String bootstrap, Map<String, Object> clientProps, PipelineSerdes serdes,
                               List<RequestInfo> requests) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, GenerationRequest> producer =
                     new KafkaProducer<>(p, new StringSerializer(), serdes.<GenerationRequest>serializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (RequestInfo r : requests) {
                GenerationRequest g = GenerationRequest.newBuilder().setRequest(r).setAcceptedAtMs(now).build();
                sent.add(producer.send(new ProducerRecord<>(Topics.REQUESTS, r.getRequestId(), g)));
            }
            producer.flush();
            for (var f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Publishing requests failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing requests", e);
        }
    }
}
