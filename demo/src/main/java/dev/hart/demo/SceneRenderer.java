package dev.hart.demo;

/**
 * Draws a {@link DemoScene} into an {@link RgbImage}, anti-aliased by 4x4 supersampling. Deterministic:
 * the same scene, side and jitter give the same pixels.
 */
public final class SceneRenderer {

    private static final int SUB = 4;
    /** Inner radius of the star's concave vertices relative to its outer radius. */
    private static final double STAR_INNER = 0.45;
    private static final double[] STAR_X = new double[10];
    private static final double[] STAR_Y = new double[10];

    static {
        for (int i = 0; i < 10; i++) {
            double r = i % 2 == 0 ? 1.0 : STAR_INNER;
            double a = -Math.PI / 2 + i * Math.PI / 5;
            STAR_X[i] = r * Math.cos(a);
            STAR_Y[i] = r * Math.sin(a);
        }
    }

    private SceneRenderer() {
    }

    /** The scene with no jitter. */
    public static RgbImage render(DemoScene scene, int side) {
        return render(scene, side, 0f, 0f, 1f);
    }

    /**
     * The scene with its centre moved by (dx, dy) (fractions of the side) and its size multiplied by
     * {@code scale}.
     */
    public static RgbImage render(DemoScene scene, int side, float dx, float dy, float scale) {
        if (side < 8) {
            throw new IllegalArgumentException("image side must be at least 8, got " + side);
        }
        double cx = (scene.placement().x() + dx) * side;
        double cy = (scene.placement().y() + dy) * side;
        double half = scene.size().fraction() * scale * side / 2.0;
        float[] out = new float[3 * side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int inside = 0;
                for (int sy = 0; sy < SUB; sy++) {
                    for (int sx = 0; sx < SUB; sx++) {
                        double px = (x + (sx + 0.5) / SUB - cx) / half;
                        double py = (y + (sy + 0.5) / SUB - cy) / half;
                        if (contains(scene.shape(), px, py)) {
                            inside++;
                        }
                    }
                }
                float a = inside / (float) (SUB * SUB);
                for (int c = 0; c < 3; c++) {
                    out[(c * side + y) * side + x] = a * scene.color().channel(c) + (1 - a) * scene.background().channel(c);
                }
            }
        }
        return new RgbImage(side, out);
    }

    /** Whether a point in shape coordinates (centre 0, half-size 1, y down) is inside the shape. */
    static boolean contains(ShapeKind shape, double x, double y) {
        return switch (shape) {
            case SQUARE -> Math.abs(x) <= 1 && Math.abs(y) <= 1;
            case CIRCLE -> x * x + y * y <= 1;
            // apex at the top, base at the bottom of the box
            case TRIANGLE -> y <= 1 && Math.abs(x) <= (y + 1) / 2;
            case STAR -> insideStar(x, y);
        };
    }

    private static boolean insideStar(double x, double y) {
        boolean in = false;
        for (int i = 0, j = 9; i < 10; j = i++) {
            if ((STAR_Y[i] > y) != (STAR_Y[j] > y)
                    && x < (STAR_X[j] - STAR_X[i]) * (y - STAR_Y[i]) / (STAR_Y[j] - STAR_Y[i]) + STAR_X[i]) {
                in = !in;
            }
        }
        return in;
    }
}
