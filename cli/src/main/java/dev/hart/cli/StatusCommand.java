package dev.hart.cli;

import dev.hart.ingest.JobProgressReader;
import dev.hart.schemas.avro.JobProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hart status JOB [--watch]}: a job's counts and a progress bar. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a job's progress: requests submitted, images generated, requests failed, prompts rejected,"
                + " the rate (images/s over the last minute, from hart.images) and an ETA.",
                "Reads the prompt-ingest HTTP endpoint with --url, else the hart.job-progress topic.",
                "Exit code: 0 job found (with --watch: job complete), 1 unknown job or unreachable source."})
public final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB", description = "job id")
    String job;

    @Option(names = "--watch", description = "redraw until every submitted request is generated or failed")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "seconds between updates with --watch (default: ${DEFAULT-VALUE})")
    double intervalSeconds;

    @Option(names = "--url", paramLabel = "URL",
            description = "prompt-ingest HTTP endpoint, e.g. http://localhost:8088 (default: read the job-progress topic)")
    String url;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "give up reading after this long (default: ${DEFAULT-VALUE}); with --watch, waiting for the job"
                    + " to appear")
    double timeoutSeconds;

    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration timeout = Duration.ofMillis((long) (timeoutSeconds * 1000));
        long appearDeadline = System.nanoTime() + timeout.toNanos();
        String lastLine = null;
        while (true) {
            Optional<JobProgress> progress;
            try {
                progress = read(timeout);
            } catch (IllegalStateException | IllegalArgumentException | org.apache.kafka.common.KafkaException e) {
                err.println("hart status: " + e.getMessage());
                return 1;
            }
            if (progress.isEmpty()) {
                if (!watch || System.nanoTime() > appearDeadline) {
                    err.println("unknown job '" + job + "' (nothing submitted, rejected or generated for it yet)");
                    return 1;
                }
            } else {
                String line = describe(progress.get()) + "  " + rate(progress.get());
                boolean complete = JobProgressReader.isComplete(progress.get());
                if (watch) {
                    // redrawn in place; the last state stays on screen
                    out.print("\r\033[K" + line);
                    if (complete) {
                        out.println();
                    }
                    out.flush();
                } else if (!line.equals(lastLine)) {
                    out.println(line);
                    out.flush();
                }
                lastLine = line;
                if (!watch || complete) {
                    if (!watch) {
                        reasons(progress.get().getRecentRejectReasons(), out);
                    }
                    return 0;
                }
            }
            Thread.sleep((long) (intervalSeconds * 1000));
        }
    }

    /** Images/s over the last minute (or the job's age, if younger) and the ETA; empty text when Kafka cannot tell. */
    private String rate(JobProgress p) {
        long now = System.currentTimeMillis();
        long since = now - 60_000;
        if (p.getFirstEventAtMs() != null && p.getFirstEventAtMs() > since) {
            since = p.getFirstEventAtMs();
        }
        double window = Math.max(1, (now - since) / 1000.0);
        try {
            long n = JobProgressReader.imagesSince(cluster.clientConfig(), job, since, Duration.ofSeconds(10));
            return JobProgressReader.rateLine(p, n, window);
        } catch (RuntimeException e) {
            return "(rate unavailable: " + e.getMessage() + ")";
        }
    }

    private Optional<JobProgress> read(Duration timeout) {
        return url != null ? JobProgressReader.fromHttp(url, job, timeout)
                : JobProgressReader.fromTopic(cluster.clientConfig(), job, timeout);
    }

    private String describe(JobProgress p) {
        return "job " + p.getJobId() + " " + JobProgressReader.progressLine(p, 30);
    }

    private static void reasons(List<String> reasons, PrintWriter out) {
        if (!reasons.isEmpty()) {
            out.println("recent reject/failure reasons:");
            reasons.forEach(r -> out.println("  " + r));
        }
    }
}
