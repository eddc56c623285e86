package dev.hart.cli;

import dev.hart.runtime.kafka.TopicDefinitions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hart topics create|list}: the pipeline's topics, from {@link TopicDefinitions}. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create or list the pipeline's topics (partitions, retention, record size limits, compaction).",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
public final class TopicsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create every missing pipeline topic; existing topics are left unchanged.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
                description = "partitions per topic (default: ${DEFAULT-VALUE}); the upper bound of consumers per stage")
        int partitions;

        @Option(names = "--replication-factor", paramLabel = "R",
                description = "replicas per partition (default: the broker's default.replication.factor)")
        Short replicationFactor;

        @Mixin
        ClusterOptions cluster;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<TopicDefinitions.Outcome> outcomes;
            try {
                outcomes = TopicDefinitions.createAll(cluster.clientConfig(), partitions, Optional.ofNullable(replicationFactor));
            } catch (IllegalArgumentException | IllegalStateException | org.apache.kafka.common.KafkaException e) {
                spec.commandLine().getErr().println("hart topics create: " + e.getMessage());
                return 1;
            }
            for (TopicDefinitions.Outcome o : outcomes) {
                out.println((o.created() ? "created  " : "exists   ") + o.topic()
                        + (o.created() ? " (" + o.partitions() + " partitions)" : ""));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print every topic definition.")
    static final class ListTopics implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            for (TopicDefinitions.TopicSpec t : TopicDefinitions.all()) {
                out.println(t.name() + "  " + t.configs());
            }
        }
    }
}
