package dev.hart.model.parity;

import ai.djl.ndarray.NDManager;
import dev.hart.model.io.SafeTensors;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * Runs the cases of any parity vector directory against the model code and compares every expected
 * output: {@code |got - want| <= atol + rtol * |want|} for floats, exact equality for integers.
 */
public final class ParityRunner {

    private final Map<String, CaseKind> kinds = new LinkedHashMap<>();

    public ParityRunner() {
        for (CaseKind k : ServiceLoader.load(CaseKind.class)) {
            kinds.put(k.kind(), k);
        }
    }

    public boolean supports(String kind) {
        return kinds.containsKey(kind);
    }

    /** Runs every case (matching {@code filter}), printing one line per case and a summary. */
    public List<CaseResult> runAll(Path dir, Predicate<ParityCase> filter, PrintStream out) {
        ParityManifest manifest = ParityManifest.load(dir);
        List<CaseResult> results = new ArrayList<>();
        for (ParityCase c : manifest.cases()) {
            if (!filter.test(c)) {
                continue;
            }
            CaseResult r = run(manifest, c);
            results.add(r);
            out.println(r.line());
            out.flush();
        }
        long passed = results.stream().filter(CaseResult::passed).count();
        out.println(passed + " passed, " + (results.size() - passed) + " failed");
        return results;
    }

    public CaseResult run(ParityManifest manifest, ParityCase c) {
        long t0 = System.nanoTime();
        CaseKind kind = kinds.get(c.kind());
        if (kind == null) {
            return new CaseResult(c.name(), c.kind(), false, Double.NaN, null, 0,
                    List.of("no implementation for case kind '" + c.kind() + "'"), 0);
        }
        try (SafeTensors file = SafeTensors.open(c.file());
             NDManager manager = NDManager.newBaseManager()) {
            CaseContext ctx = new CaseContext(manifest, c, file, manager);
            kind.run(ctx);
            return compare(c, ctx.produced(), (System.nanoTime() - t0) / 1_000_000, file);
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vme && !(e instanceof OutOfMemoryError)) {
                throw vme;
            }
            return new CaseResult(c.name(), c.kind(), false, Double.NaN, null, 0,
                    List.of("error: " + e), (System.nanoTime() - t0) / 1_000_000);
        }
    }

    static CaseResult compare(ParityCase c, Map<String, CaseContext.Produced> produced, long millis, SafeTensors file) {
        List<String> failures = new ArrayList<>();
        double worst = 0;
        String worstName = null;
        int checked = 0;
        for (ExpectedOutput exp : c.outputs().values()) {
            CaseContext.Produced got = produced.get(exp.name());
            if (got == null) {
                failures.add(exp.name() + ": not produced");
                continue;
            }
            if (!Arrays.equals(got.shape(), exp.shape())) {
                failures.add(exp.name() + ": shape " + Arrays.toString(got.shape()) + " != expected " + Arrays.toString(exp.shape()));
                continue;
            }
            checked++;
            if (exp.exact()) {
                long[] want = file.longs(exp.tensor());
                long[] have = got.ints() != null ? got.ints() : toLongs(got.floats());
                int bad = 0;
                int first = -1;
                for (int i = 0; i < want.length; i++) {
                    if (want[i] != have[i]) {
                        bad++;
                        if (first < 0) {
                            first = i;
                        }
                    }
                }
                if (bad > 0) {
                    failures.add(exp.name() + ": " + bad + "/" + want.length + " integers differ (first at " + first
                            + ": got " + have[first] + ", want " + want[first] + ")");
                }
            } else {
                double[] want = file.doubles(exp.tensor());
                double[] have = got.floats() != null ? got.floats() : toDoubles(got.ints());
                double maxErr = 0;
                int bad = 0;
                int first = -1;
                for (int i = 0; i < want.length; i++) {
                    double err = Math.abs(have[i] - want[i]);
                    boolean sameInf = Double.isInfinite(want[i]) && have[i] == want[i];
                    if (sameInf) {
                        continue;
                    }
                    if (!(err <= exp.atol() + exp.rtol() * Math.abs(want[i]))) {
                        bad++;
                        if (first < 0) {
                            first = i;
                        }
                    }
                    if (!(err <= maxErr)) {
                        maxErr = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                    }
                }
                if (maxErr > worst || worstName == null) {
                    worst = Math.max(worst, maxErr);
                    if (maxErr >= worst) {
                        worstName = exp.name();
                    }
                }
                if (bad > 0) {
                    failures.add(String.format("%s: %d/%d values out of tolerance (max abs err %.3g, atol %.2g; first at %d: got %s, want %s)",
                            exp.name(), bad, want.length, maxErr, exp.atol(), first, have[first], want[first]));
                }
            }
        }
        return new CaseResult(c.name(), c.kind(), failures.isEmpty() && checked > 0, worst, worstName, checked, failures, millis);
    }

    private static long[] toLongs(double[] d) {
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (long) d[i];
        }
        return out;
    }

    private static double[] toDoubles(long[] l) {
        double[] out = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i];
        }
        return out;
    }
}
