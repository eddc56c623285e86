package dev.hart.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The procedurally generated captioned data set the demo checkpoint is trained on: every scene of the
 * grammar in {@link DemoScene}, split by (colour, shape, background) combination into training and
 * held-out scenes. Held-out combinations never appear in training in any size or placement, while each
 * of their (colour, shape), (colour, background) and (shape, background) pairs does, so they test
 * composition rather than unseen words.
 *
 * <p>Samples are a pure function of (seed, index): the scene is chosen from the split's scene list and,
 * unless asked for the exact render, the shape is jittered in position (up to 3% of the side) and size
 * (0.9x to 1.1x).
 */
public final class DemoDataset {

    /** Image side used by the demo checkpoint (32 px: 64 px does not train in time on 2 CPU cores). */
    public static final int DEFAULT_SIDE = 32;

    private final int side;
    private final long seed;
    private final List<DemoScene> scenes;

    private DemoDataset(int side, long seed, List<DemoScene> scenes) {
        if (side < 8) {
            throw new IllegalArgumentException("image side must be at least 8, got " + side);
        }
        this.side = side;
        this.seed = seed;
        this.scenes = scenes;
    }

    /** The training split. */
    public static DemoDataset training(int side, long seed) {
        return new DemoDataset(side, seed, trainingScenes());
    }

    /** The held-out split (combinations never seen in training). */
    public static DemoDataset heldOut(int side, long seed) {
        return new DemoDataset(side, seed, heldOutScenes());
    }

    /**
     * Whether a combination is held out: a fixed arithmetic rule that takes about one in eleven
     * triples and, as the tests check, leaves every pair of it in training.
     */
    public static boolean isHeldOut(DemoScene.Combination c) {
        return (c.color().ordinal() + 3 * c.shape().ordinal() + 5 * c.background().ordinal()) % 11 == 0;
    }

    /** Every scene of the grammar. */
    public static List<DemoScene> allScenes() {
        List<DemoScene> all = new ArrayList<>();
        for (ShapeKind shape : ShapeKind.values()) {
            for (NamedColor color : NamedColor.values()) {
                for (NamedColor bg : NamedColor.values()) {
                    if (bg == color) {
                        continue;
                    }
                    for (ShapeSize size : ShapeSize.values()) {
                        for (Placement p : Placement.values()) {
                            if (size == ShapeSize.LARGE && p != Placement.CENTER) {
                                continue;
                            }
                            all.add(new DemoScene(shape, color, bg, size, p));
                        }
                    }
                }
            }
        }
        return Collections.unmodifiableList(all);
    }

    public static List<DemoScene> trainingScenes() {
        return allScenes().stream().filter(s -> !isHeldOut(s.combination())).toList();
    }

    public static List<DemoScene> heldOutScenes() {
        return allScenes().stream().filter(s -> isHeldOut(s.combination())).toList();
    }

    public int side() {
        return side;
    }

    public List<DemoScene> scenes() {
        return scenes;
    }

    /** Sample {@code index} (any non-negative long): its scene and rendered, jittered image. */
    public Sample sample(long index) {
        return sample(index, true);
    }

    /**
     * Sample {@code index}: its scene and its image, jittered or not. The scene is the same either way;
     * without jitter the image is the scene's exact render, a pure function of the caption.
     */
    public Sample sample(long index, boolean jitter) {
        if (index < 0) {
            throw new IllegalArgumentException("sample index must be non-negative, got " + index);
        }
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        DemoScene scene = scenes.get(r.nextInt(scenes.size()));
        if (!jitter) {
            return new Sample(scene, SceneRenderer.render(scene, side));
        }
        float dx = (float) (r.nextDouble() * 0.06 - 0.03);
        float dy = (float) (r.nextDouble() * 0.06 - 0.03);
        float scale = (float) (0.9 + r.nextDouble() * 0.2);
        return new Sample(scene, SceneRenderer.render(scene, side, dx, dy, scale));
    }

    /** A captioned image. */
    public record Sample(DemoScene scene, RgbImage image) {
        public String caption() {
            return scene.caption();
        }
    }
}
