package dev.hart.model.parity;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every case of the parity vector sets recorded from the reference implementation (copied from
 * ../shared into src/test/resources so a fresh clone has them) must pass within its tolerance.
 */
class ParityVectorsTest {

    private static final ParityRunner RUNNER = new ParityRunner();

    @TestFactory
    Stream<DynamicTest> hartVectors() {
        return casesOf(Path.of("src/test/resources/parity"));
    }

    @TestFactory
    Stream<DynamicTest> textEncoderVectors() {
        return casesOf(Path.of("src/test/resources/parity-text"));
    }

    private static Stream<DynamicTest> casesOf(Path dir) {
        ParityManifest manifest = ParityManifest.load(dir);
        assertThat(manifest.cases()).isNotEmpty();
        return manifest.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            // A kind nobody implemented yet shows as skipped, never as passed.
            Assumptions.assumeTrue(RUNNER.supports(c.kind()), "case kind not implemented: " + c.kind());
            CaseResult r = RUNNER.run(manifest, c);
            System.out.println(r.line());
            assertThat(r.passed()).as(r.line()).isTrue();
        }));
    }
}
