package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.inference.SamplingParams;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed sets of {@code hart eval-demo}: a pooled run scores exactly the images of the separate runs. */
class DemoEvaluatorTest {

    @TempDir
    Path tmp;

    @Test
    void seedSetsNeverShareAChunkSeed() {
        assertEquals(1000, DemoEvaluator.seedSetStride(1));
        assertEquals(1000, DemoEvaluator.seedSetStride(220));
        assertEquals(1000, DemoEvaluator.seedSetStride(1000));
        assertEquals(3000, DemoEvaluator.seedSetStride(2244));
        assertEquals("seed 7", DemoEvaluator.seedsLabel(7, 1, 1000));
        assertEquals("seeds 1, 1001, 2001", DemoEvaluator.seedsLabel(1, 3, 1000));
        List<DemoScene> two = DemoDataset.heldOutScenes().subList(0, 2);
        assertEquals(List.of(two.get(0), two.get(1), two.get(0), two.get(1)), DemoEvaluator.repeat(two, 2));
    }

    @Test
    void pooledSeedSetsAddUpTheSeparateRuns() {
        Path dir = Path.of("..", DemoCheckpoint.DEFAULT_DIR);
        SamplingParams params = SamplingParams.defaults().withCfg(HartCheckpointDir.defaultCfg(dir));
        DemoEvaluator.Report first = evaluate(dir, params.withSeed(1));
        DemoEvaluator.Report second = evaluate(dir, params.withSeed(1001));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoEvaluator.Report pooled = new DemoEvaluator(dir, new PrintStream(out, true, StandardCharsets.UTF_8))
                .run(4, 2, params.withSeed(1), tmp.resolve("pooled.png"));
        assertEquals(8, pooled.heldOut().n());
        assertEquals(8, pooled.training().n());
        assertEquals(4, pooled.heldOutRenders().n(), "the ceilings do not depend on the seed: measured once");
        assertEquals(count(first.heldOut().all()) + count(second.heldOut().all()), Math.round(pooled.heldOut().all() * 8));
        assertEquals(count(first.heldOut().shape()) + count(second.heldOut().shape()), Math.round(pooled.heldOut().shape() * 8));
        assertEquals(count(first.training().all()) + count(second.training().all()), Math.round(pooled.training().all() * 8));
        assertEquals(count(first.heldOutArtefactRate()) + count(second.heldOutArtefactRate()),
                Math.round(pooled.heldOutArtefactRate() * 8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("seeds 1, 1001):"), printed);
        assertTrue(printed.contains("  held-out captions : n=8 background "), printed);
    }

    @Test
    void rejectsNoSeedSet() {
        Path dir = Path.of("..", DemoCheckpoint.DEFAULT_DIR);
        assertThrows(IllegalArgumentException.class,
                () -> new DemoEvaluator(dir, System.out).run(4, 0, SamplingParams.defaults(), null));
    }

    /** One seed set of 4 captions per split. */
    private DemoEvaluator.Report evaluate(Path dir, SamplingParams params) {
        return new DemoEvaluator(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(4, 1, params, tmp.resolve("sheet-" + params.seed() + ".png"));
    }

    /** Images right out of 4, from a fraction. */
    private static long count(double fraction) {
        return Math.round(fraction * 4);
    }
}
