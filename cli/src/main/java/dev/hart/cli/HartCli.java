package dev.hart.cli;

import dev.hart.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single `hart` command. Every user-facing entry point is a subcommand registered here. */
@Command(name = "hart", mixinStandardHelpOptions = true, version = "hart 0.1.0",
        description = "HART text-to-image generation as a Kafka streaming pipeline.",
        subcommands = {CommandLine.HelpCommand.class, ParityCommand.class, IngestCommand.class, StatusCommand.class,
                TopicsCommand.class, GenerateCommand.class, StageCommand.class, BenchCommand.class,
                TrainDemoCommand.class, EvalDemoCommand.class})
public final class HartCli implements Runnable {

    public static void main(String[] args) {
        // DJL must never try the network (platform-notes): set before any engine class loads.
        System.setProperty("ai.djl.offline", "true");
        int code = new CommandLine(new HartCli()).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
