package dev.hart.cli;

import dev.hart.cli.soak.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hart soak}: the fault soak of {@link Soak}, on its own local cluster and processes. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Run the split topology as separate processes on a local cluster, publish N demo prompts, "
                + "kill -9 random stages and bounce the broker while images are being made, then count the images by "
                + "request id.",
                "Prints: soak: N expected, X images, D duplicates, M missing, K kills, R broker restarts, S stage exits"})
public final class SoakCommand implements Callable<Integer> {
    @Option(names = "--prompts", defaultValue = "200", description = "prompts to publish (default ${DEFAULT-VALUE})")
    int prompts;

    @Option(names = "--kills", defaultValue = "10", description = "kill -9s of a random stage (default ${DEFAULT-VALUE})")
    int kills;

    @Option(names = "--broker-restarts", defaultValue = "1", description = "broker stops and starts (default ${DEFAULT-VALUE})")
    int brokerRestarts;

    @Option(names = "--first-outage-seconds", defaultValue = "130",
            description = "length of the first broker outage; the default is longer than the producers' max.block.ms "
                    + "(120 s), later outages last 5 s (default ${DEFAULT-VALUE})")
    int firstOutageSeconds;

    @Option(names = "--bad-inputs", description = "first send bad records to every input topic and count their dead letters")
    boolean badInputs;

    @Option(names = "--dir", paramLabel = "DIR", description = "cluster data, logs and images (default: a new temp dir)")
    Path dir;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the fault schedule (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--stall-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "give up when no image arrives for this long (default ${DEFAULT-VALUE})")
    int stallSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (prompts < 1 || kills < 0 || brokerRestarts < 0 || firstOutageSeconds < 1 || stallSeconds < 1) {
            err.println("hart soak: --prompts >= 1, --kills >= 0, --broker-restarts >= 0, --first-outage-seconds >= 1 "
                    + "and --stall-timeout >= 1");
            return 2;
        }
        Path where = dir != null ? dir : Files.createTempDirectory("hart-soak-");
        PrintWriter out = spec.commandLine().getOut();
        out.println("soak in " + where + " (logs in " + where.resolve("logs") + ")");
        out.flush();
        long t0 = System.nanoTime();
        Soak soak = new Soak(new Soak.Settings(prompts, kills, brokerRestarts, Duration.ofSeconds(firstOutageSeconds),
                badInputs, where, seed, List.of(), Duration.ofSeconds(stallSeconds)), out);
        Soak.Result result = soak.run();
        if (soak.badInputs() != null) {
            out.println(soak.badInputs().line());
        }
        out.println(result.line());
        out.printf("soak took %.0f s%n", (System.nanoTime() - t0) / 1e9);
        boolean ok = result.duplicates() == 0 && result.missing() == 0 && result.stageExits() == 0
                && (soak.badInputs() == null || (soak.badInputs().deadLettered() == soak.badInputs().tried()
                && soak.badInputs().crashes() == 0));
        return ok ? 0 : 1;
    }
}
