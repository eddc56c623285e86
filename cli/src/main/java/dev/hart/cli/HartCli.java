package dev.hart.cli;

import dev.hart.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single `hart` command. Every user-facing entry point is a subcommand registered here. */
@Command(name = "hart", mixinStandardHelpOptions = true, version = "hart 0.1.0",
        description = "HART text-to-image generation as a Kafka streaming pipeline.",
        subcommands = {CommandLine.HelpCommand.class, ParityCommand.class, IngestCommand.class, IngestAppCommand.class, StatusCommand.class,
                TopicsCommand.class, ClusterCommand.class, DlqCommand.class, SoakCommand.class, GenerateCommand.class, StageCommand.class, BenchCommand.class,
                TrainDemoCommand.class, EvalDemoCommand.class})
public final class HartCli implements Runnable {

    public static void main(String[] args) {
        // DJL must never try the network (platform-notes): set before any engine class loads.
        System.setProperty("ai.djl.offline", "true");
        quietLibraries(args);
        System.exit(commandLine().execute(args));
    }

    /**
     * A CLI's terminal is for its own output: library logs (Kafka clients, Streams, DJL) go at WARN, and commands that
     * keep a log file ({@code generate}) move them there. The long-running services ({@code stage}, {@code ingest-app})
     * log at INFO like any server. Set before the first logger exists; {@code -Dorg.slf4j.simpleLogger.defaultLogLevel}
     * wins.
     */
    private static void quietLibraries(String[] args) {
        String command = args.length > 0 ? args[0] : "";
        boolean service = command.equals("stage") || command.equals("ingest-app");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", service ? "info" : "warn");
        }
    }

    /** The command line with bad-input errors reported as one clear line (exit 2) instead of a stack trace. */
    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new HartCli());
        cmd.setExecutionExceptionHandler((ex, cl, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException
                    || ex instanceof java.nio.file.NoSuchFileException) {
                cl.getErr().println("hart " + cl.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cmd;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
