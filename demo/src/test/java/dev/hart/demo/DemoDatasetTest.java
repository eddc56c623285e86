package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoDatasetTest {

    @Test
    void heldOutCombinationsNeverAppearInTraining() {
        Set<DemoScene.Combination> train = new HashSet<>();
        DemoDataset.trainingScenes().forEach(s -> train.add(s.combination()));
        Set<DemoScene.Combination> held = new HashSet<>();
        DemoDataset.heldOutScenes().forEach(s -> held.add(s.combination()));
        assertFalse(held.isEmpty());
        for (DemoScene.Combination c : held) {
            assertFalse(train.contains(c), "held-out combination in training: " + c);
        }
        assertEquals(DemoDataset.allScenes().size(), DemoDataset.trainingScenes().size() + DemoDataset.heldOutScenes().size());
        // a held-out combination is held out in every size and placement (11 scenes each)
        assertEquals(held.size() * 11, DemoDataset.heldOutScenes().size());
        assertTrue(held.size() >= 10 && held.size() <= 40, "held-out combinations: " + held.size());
        // every training sample comes from the training scenes
        DemoDataset ds = DemoDataset.training(16, 3);
        for (int i = 0; i < 500; i++) {
            assertFalse(DemoDataset.isHeldOut(ds.sample(i).scene().combination()));
        }
    }

    @Test
    void everyPairOfAHeldOutCombinationIsSeenInTraining() {
        List<DemoScene> train = DemoDataset.trainingScenes();
        for (DemoScene h : DemoDataset.heldOutScenes()) {
            assertTrue(train.stream().anyMatch(t -> t.color() == h.color() && t.shape() == h.shape()), "colour+shape " + h.caption());
            assertTrue(train.stream().anyMatch(t -> t.color() == h.color() && t.background() == h.background()), "colour+bg " + h.caption());
            assertTrue(train.stream().anyMatch(t -> t.shape() == h.shape() && t.background() == h.background()), "shape+bg " + h.caption());
        }
        Set<NamedColor> heldColors = EnumSet.noneOf(NamedColor.class);
        Set<ShapeKind> heldShapes = EnumSet.noneOf(ShapeKind.class);
        DemoDataset.heldOutScenes().forEach(s -> {
            heldColors.add(s.color());
            heldShapes.add(s.shape());
        });
        assertEquals(EnumSet.allOf(ShapeKind.class), heldShapes);
        assertTrue(heldColors.size() >= 6);
    }

    @Test
    void samplesAreDeterministicAndJittered() {
        DemoDataset a = DemoDataset.training(32, 7);
        DemoDataset b = DemoDataset.training(32, 7);
        for (int i = 0; i < 20; i++) {
            assertEquals(a.sample(i).scene(), b.sample(i).scene());
            assertArrayEquals(a.sample(i).image().toArray(), b.sample(i).image().toArray());
        }
        DemoDataset other = DemoDataset.training(32, 8);
        int differ = 0;
        for (int i = 0; i < 20; i++) {
            differ += other.sample(i).scene().equals(a.sample(i).scene()) ? 0 : 1;
        }
        assertTrue(differ > 10, "another seed should give other scenes");
    }

    /** Without jitter a sample is its scene's exact render: the same scene as the jittered sample, other pixels. */
    @Test
    void exactSamplesAreTheScenesRender() {
        DemoDataset a = DemoDataset.training(32, 7);
        int jitterMoved = 0;
        for (int i = 0; i < 20; i++) {
            DemoDataset.Sample exact = a.sample(i, false);
            assertEquals(a.sample(i).scene(), exact.scene());
            assertArrayEquals(SceneRenderer.render(exact.scene(), 32).toArray(), exact.image().toArray());
            jitterMoved += java.util.Arrays.equals(exact.image().toArray(), a.sample(i).image().toArray()) ? 0 : 1;
        }
        assertTrue(jitterMoved > 15, "jittered samples should differ from the exact renders: " + jitterMoved);
    }

    @Test
    void rendersShapeColourInsideAndBackgroundOutside() {
        DemoScene s = new DemoScene(ShapeKind.SQUARE, NamedColor.RED, NamedColor.BLUE, ShapeSize.SMALL, Placement.TOP_LEFT);
        RgbImage img = SceneRenderer.render(s, 32);
        int cx = Math.round(Placement.TOP_LEFT.x() * 32);
        assertEquals(NamedColor.RED, NamedColor.nearest(img.get(0, cx, cx), img.get(1, cx, cx), img.get(2, cx, cx)));
        assertEquals(NamedColor.BLUE, NamedColor.nearest(img.get(0, 28, 28), img.get(1, 28, 28), img.get(2, 28, 28)));
        // triangle apex is at the top: the top-centre row inside the box is mostly background
        RgbImage tri = SceneRenderer.render(DemoScene.of(ShapeKind.TRIANGLE, NamedColor.WHITE, NamedColor.BLACK), 32);
        assertTrue(tri.get(0, 16, 22) > 0.9f && tri.get(0, 10, 10) < 0.1f);
    }
}
