package dev.hart.model.parity;

import ai.djl.ndarray.NDManager;
import dev.hart.model.io.SafeTensors;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class PartialCaseDebugTest {
    @Test
    void run() throws Exception {
        String name = System.getProperty("debugCase");
        if (name == null) return;
        ParityManifest manifest = ParityManifest.load(Path.of("src/test/resources/parity"));
        ParityCase c = manifest.cases().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        CaseKind kind = new dev.hart.model.parity.cases.T2iCase();
        try (SafeTensors file = SafeTensors.open(c.file()); NDManager m = NDManager.newBaseManager()) {
            CaseContext ctx = new CaseContext(manifest, c, file, m);
            try { kind.run(ctx); } catch (Exception e) { System.out.println("run failed: " + e); }
            CaseResult r = ParityRunner.compare(c, ctx.produced(), 0, file);
            System.out.println(r.line());
            r.failures().stream().filter(f -> !f.contains("not produced")).forEach(System.out::println);
            System.out.println("produced " + ctx.produced().size());
        }
    }
}
