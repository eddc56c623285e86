package dev.hart.cli;

import dev.hart.ingest.PromptFileException;
import dev.hart.ingest.PromptFileFormat;
import dev.hart.ingest.PromptPublisher;
import dev.hart.runtime.kafka.TopicDefinitions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hart ingest FILE|- --job ID}: publishes prompt events from a file or stdin. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Publish prompts to hart.prompt-events from a text file (one prompt per line), JSONL (PromptEvent"
                + " fields: prompt, requestId, jobId, seed, numImages, cfg, topK, topP, moreSmooth, useSystemPrompt,"
                + " numDiffusionSteps, checkpointId, metadata, createdAtMs), CSV (a header row naming those fields,"
                + " metadata.<key> columns) or stdin (-).",
                "Lines that cannot be parsed are skipped and reported with their line number.",
                "Exit code: 0 all sent, 2 some lines skipped, 1 a send failed or the file cannot be read."})
public final class IngestCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE|-", description = "prompt file, or - for stdin")
    Path file;

    @Option(names = "--job", required = true, paramLabel = "ID", description = "job id of prompts that do not name one")
    String job;

    @Option(names = "--format", paramLabel = "txt|jsonl|csv",
            description = "input format (default: from the file extension; txt for stdin)")
    String format;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = TopicDefinitions.PROMPT_EVENTS,
            description = "topic to publish to (default: ${DEFAULT-VALUE})")
    String topic;

    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (job.isBlank()) {
            err.println("--job must not be blank");
            return 1;
        }
        PromptFileFormat f;
        try {
            f = format == null ? null : PromptFileFormat.parse(format);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        PromptPublisher.PublishReport report;
        try (PromptPublisher publisher = new PromptPublisher(cluster.clientConfig(), topic)) {
            report = publisher.publish(file, f, job.strip(), e -> err.println("skipped " + e));
        } catch (PromptFileException | IllegalArgumentException | java.io.UncheckedIOException
                 | org.apache.kafka.common.KafkaException e) {
            err.println("hart ingest: " + e.getMessage());
            return 1;
        }
        out.println("sent " + report.sent() + " prompt" + (report.sent() == 1 ? "" : "s") + " to " + topic + " (job "
                + job.strip() + "); " + report.skipped() + " line" + (report.skipped() == 1 ? "" : "s")
                + " skipped with errors" + (report.blank() > 0 ? ", " + report.blank() + " blank" : ""));
        if (report.sendFailed() > 0) {
            err.println(report.sendFailed() + " prompts were not accepted by Kafka; first error: " + report.firstSendError());
            return 1;
        }
        err.flush();
        out.flush();
        return report.skipped() > 0 ? 2 : 0;
    }
}
