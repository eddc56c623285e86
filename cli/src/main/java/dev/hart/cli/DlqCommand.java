package dev.hart.cli;

import dev.hart.cli.dlq.DeadLetters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** {@code hart dlq list|replay}: what went to the dead-letter topic and why, and re-driving it once fixed. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Inspect the dead-letter topic and replay dead letters to the topics they came from.",
        subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Replay.class})
public final class DlqCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The filters both subcommands share. */
    static final class Filters {
        @Option(names = "--job", paramLabel = "JOB", description = "only this job's dead letters")
        String job;

        @Option(names = "--stage", paramLabel = "STAGE", description = "only those of this stage (prompt-ingest, ar, diffusion, decoder)")
        String stage;

        @Option(names = "--reason-class", paramLabel = "CLASS",
                description = "only retriable or only permanent failures")
        String reasonClass;

        Predicate<DeadLetters.Entry> predicate() {
            String cls = reasonClass == null ? null
                    : dev.hart.runtime.stage.FailureClass.parse(reasonClass).wireName();
            return e -> (job == null || job.equals(e.jobId()))
                    && (stage == null || stage.equals(e.deadLetter().getStage()))
                    && (cls == null || cls.equals(e.failureClass()));
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            if (job != null) b.append(" job ").append(job);
            if (stage != null) b.append(" stage ").append(stage);
            if (reasonClass != null) b.append(" class ").append(reasonClass);
            return b.length() == 0 ? "" : " (" + b.toString().trim() + ")";
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Count dead letters by stage, failure class and reason; one example message per group.")
    static final class ListDeadLetters implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;
        @Mixin
        Filters filters;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<DeadLetters.Entry> entries;
            try {
                entries = DeadLetters.readAll(cluster.clientConfig()).stream().filter(filters.predicate()).toList();
            } catch (IllegalArgumentException | IllegalStateException | org.apache.kafka.common.KafkaException e) {
                spec.commandLine().getErr().println("hart dlq list: " + e.getMessage());
                return 1;
            }
            Map<String, long[]> counts = new TreeMap<>();
            Map<String, String> examples = new TreeMap<>();
            for (DeadLetters.Entry e : entries) {
                var d = e.deadLetter();
                String group = String.format("%-13s %-10s %s", d.getStage(), e.failureClass(), d.getErrorClass());
                long[] c = counts.computeIfAbsent(group, k -> new long[2]);
                c[0]++;
                c[1] = Math.max(c[1], d.getAttemptCount());
                examples.putIfAbsent(group, d.getErrorMessage());
            }
            out.println("dead letters: " + entries.size() + filters.describe());
            if (!entries.isEmpty()) {
                out.println(String.format("%-13s %-10s %-40s %8s %6s", "stage", "class", "reason", "attempts", "count"));
                counts.forEach((group, c) -> {
                    String[] parts = group.split("\\s+", 3);
                    out.println(String.format("%-13s %-10s %-40s %8d %6d", parts[0], parts[1], parts[2], c[1], c[0]));
                    String example = examples.get(group);
                    out.println("    e.g. " + (example.length() > 160 ? example.substring(0, 160) + "..." : example));
                });
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Re-publish the original records of the matching dead letters to their source topics, "
                    + "exactly once (a dead letter already replayed is skipped; see hart.dlq-replayed).")
    static final class Replay implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;
        @Mixin
        Filters filters;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                Map<String, Object> config = cluster.clientConfig();
                List<DeadLetters.Entry> entries = DeadLetters.readAll(config).stream().filter(filters.predicate()).toList();
                DeadLetters.ReplayResult r = DeadLetters.replay(config, entries);
                out.println("replayed " + r.replayed() + " of " + entries.size() + " dead letter(s)" + filters.describe()
                        + ": " + r.alreadyReplayed() + " already replayed, " + r.notReplayable()
                        + " not replayable (original not kept whole)" + (r.perTopic().isEmpty() ? "" : "; to " + new TreeMap<>(r.perTopic())));
                return 0;
            } catch (IllegalArgumentException | IllegalStateException | org.apache.kafka.common.KafkaException e) {
                spec.commandLine().getErr().println("hart dlq replay: " + e.getMessage());
                return 1;
            }
        }
    }
}
