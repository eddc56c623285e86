package dev.hart.cli;

import dev.hart.model.parity.CaseResult;
import dev.hart.model.parity.ParityRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hart parity --vectors DIR}: runs every case of a parity vector directory. */
@Command(name = "parity", mixinStandardHelpOptions = true,
        description = "Run every case of a parity vector directory (manifest.json + cases/ + models/) against the model code;"
                + " prints one line per case, then 'N passed, M failed'. Exit code 1 when M > 0 or N = 0.")
public final class ParityCommand implements Callable<Integer> {

    @Option(names = "--vectors", required = true, description = "vector directory, e.g. ../shared/parity")
    Path vectors;

    @Option(names = "--case", description = "only cases whose name contains this text")
    String only;

    @Override
    public Integer call() {
        List<CaseResult> results = new ParityRunner().runAll(vectors,
                c -> only == null || c.name().contains(only), System.out);
        long failed = results.stream().filter(r -> !r.passed()).count();
        return results.isEmpty() || failed > 0 ? 1 : 0;
    }
}
