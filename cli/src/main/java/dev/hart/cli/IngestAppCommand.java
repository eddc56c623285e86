package dev.hart.cli;

import dev.hart.ingest.PromptIngestMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hart ingest-app [PROPERTIES]}: the prompt-ingest Streams app as its own process, until SIGTERM. */
@Command(name = "ingest-app", mixinStandardHelpOptions = true,
        description = "Run the prompt-ingest Kafka Streams app (validate, filter, de-duplicate, seed, expand numImages,"
                + " reject to the DLQ, job progress over HTTP) until SIGTERM. Settings come from the properties file"
                + " (prompt-ingest/README.md lists the keys), then HART_BOOTSTRAP / HART_REGISTRY.")
public final class IngestAppCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "PROPERTIES", description = "properties file (bootstrap.servers, schema.registry.url, ...)")
    Path config;

    @Override
    public Integer call() throws Exception {
        PromptIngestMain.main(config == null ? new String[0] : new String[] {config.toString()});
        return 0;
    }
}
