package dev.hart.runtime.stage;

import dev.hart.runtime.kafka.KafkaClientProps;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;

/**
 * A stage in its own JVM for the crash test: upper-cases strings, sleeping per batch like a model, and prints
 * BATCH-START / BATCH-END lines so the test can kill it mid-batch. A batch holding "halt..." halts the JVM.
 * Args: bootstrap input output dlq group instanceId sleepMillis
 */
public final class CrashableStageMain {
    public static void main(String[] args) {
        String bootstrap = args[0];
        String out = args[2];
        long sleep = Long.parseLong(args[6]);
        StageConfig cfg = StageConfig.builder().stageName("crashable").bootstrapServers(bootstrap)
                .inputTopic(args[1]).dlqTopic(args[3]).groupId(args[4]).instanceId(args[5])
                .batchSize(10).batchMaxWait(Duration.ofMillis(20))
                .consumerProps(KafkaClientProps.fastFailoverClassicGroup())
                .build();
        UpperCaseProcessor upper = new UpperCaseProcessor(out, 0);
        BatchProcessor<String, String> announcing = batch -> {
            System.out.println("BATCH-START " + batch.size());
            System.out.flush();
            if (batch.stream().anyMatch(in -> in.value().startsWith("halt"))) {
                Runtime.getRuntime().halt(134); // like a native crash: no shutdown hook, no clean close
            }
            Thread.sleep(sleep);
            List<ProcessResult<String>> results = upper.process(batch);
            System.out.println("BATCH-END " + batch.size());
            System.out.flush();
            return results;
        };
        StageRunner<String, String> runner = new StageRunner<>(cfg, announcing, new StrictUtf8Deserializer(),
                new StringSerializer());
        runner.installShutdownHook();
        System.out.println("STAGE-MAIN-UP");
        System.out.flush();
        runner.run();
    }
}
