package dev.hart.cli;

import dev.hart.ingest.PromptIngestMain;
import dev.hart.ingest.PromptRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hart ingest-app [PROPERTIES]}: the prompt-ingest Streams app as its own process, until SIGTERM. */
@Command(name = "ingest-app", mixinStandardHelpOptions = true,
        description = "Run the prompt-ingest Kafka Streams app (validate, filter, de-duplicate, seed, expand numImages,"
                + " reject to the DLQ, job progress over HTTP) until SIGTERM. Settings come from the properties file"
                + " (prompt-ingest/README.md lists the keys), then --bootstrap / --registry, HART_BOOTSTRAP / HART_REGISTRY,"
                + " then the defaults of 'hart cluster start' (localhost:9092, http://localhost:8081).")
public final class IngestAppCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "PROPERTIES", description = "properties file (bootstrap.servers, schema.registry.url, ...)")
    Path config;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--checkpoint-id", paramLabel = "ID", split = ",",
            description = "checkpoint ids to accept (hart.ingest.checkpoints; the first is the default for prompts that"
                    + " name none). Default: the id of the model the stages load with the same model flags"
                    + " (--checkpoint / --random-weights; with none, the demo checkpoint), so ingest and stages agree")
    java.util.List<String> checkpointIds;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        java.util.Properties p = PromptIngestMain.load(config, java.util.Map.of());
        if (p.getProperty(ClusterOptions.BOOTSTRAP_KEY) == null) {
            p.setProperty(ClusterOptions.BOOTSTRAP_KEY, cluster.bootstrapServers());
        }
        if (p.getProperty(ClusterOptions.REGISTRY_KEY) == null) {
            p.setProperty(ClusterOptions.REGISTRY_KEY, cluster.registryUrl());
        }
        if (p.getProperty(PromptRules.PREFIX + "checkpoints") == null) {
            boolean fromModel = checkpointIds == null || checkpointIds.isEmpty();
            var resolved = fromModel ? model.resolve() : null;
            p.setProperty(PromptRules.PREFIX + "checkpoints", fromModel ? resolved.checkpointId() : String.join(",", checkpointIds));
            // the one model served: prompts without a cfg get its guidance scale, as hart generate gives them
            if (fromModel && p.getProperty(PromptRules.PREFIX + "cfg.default") == null) {
                p.setProperty(PromptRules.PREFIX + "cfg.default", Double.toString(resolved.defaultCfg()));
            }
        }
        System.out.println("prompt-ingest accepts checkpoint(s) " + p.getProperty(PromptRules.PREFIX + "checkpoints")
                + "; prompts without a cfg get " + PromptRules.fromProperties(p).defaultCfg());
        PromptIngestMain.run(p);
        return 0;
    }
}
