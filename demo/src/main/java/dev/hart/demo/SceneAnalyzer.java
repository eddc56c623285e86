package dev.hart.demo;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;

/**
 * Reads a demo image back into scene attributes, with no model: background colour from the border
 * pixels, shape colour as the dominant non-background palette colour, shape class by a nearest-template
 * classifier on silhouette features of the largest foreground component, placement from its bounding-box centre.
 *
 * <p>The templates are the mean features of clean renders of every shape at every size and placement,
 * computed at construction for the image side in use.
 */
public final class SceneAnalyzer {

    /** Rows (fractions of the box height) whose coverage is a feature: star arms near 0.38, triangle base near 0.9. */
    private static final double[] ROWS_AT = {0.2, 0.38, 0.6, 0.9};
    private static final double[] COLS_AT = {0.2, 0.5, 0.8};
    private static final int FEATURES = 1 + ROWS_AT.length + COLS_AT.length;

    private final int side;
    private final Map<ShapeKind, double[]> templates = new EnumMap<>(ShapeKind.class);

    public SceneAnalyzer(int side) {
        if (side < 8) {
            throw new IllegalArgumentException("image side must be at least 8, got " + side);
        }
        this.side = side;
        for (ShapeKind shape : ShapeKind.values()) {
            double[] sum = new double[FEATURES];
            int n = 0;
            for (ShapeSize size : ShapeSize.values()) {
                for (Placement p : Placement.values()) {
                    if (size == ShapeSize.LARGE && p != Placement.CENTER) {
                        continue;
                    }
                    DemoScene scene = new DemoScene(shape, NamedColor.WHITE, NamedColor.BLACK, size, p);
                    Silhouette s = silhouette(SceneRenderer.render(scene, side), NamedColor.BLACK);
                    double[] f = s.features();
                    for (int i = 0; i < FEATURES; i++) {
                        sum[i] += f[i];
                    }
                    n++;
                }
            }
            for (int i = 0; i < FEATURES; i++) {
                sum[i] /= n;
            }
            templates.put(shape, sum);
        }
    }

    public int side() {
        return side;
    }

    public ImageAnalysis analyze(RgbImage image) {
        if (image.side() != side) {
            throw new IllegalArgumentException("analyzer built for " + side + " px images, got " + image.side());
        }
        NamedColor background = borderColor(image);
        Silhouette s = silhouette(image, background);
        if (s.count == 0) {
            return new ImageAnalysis(background, null, null, null, 0, 0f);
        }
        double[] f = s.features();
        ShapeKind best = null;
        double bestD = Double.MAX_VALUE;
        for (Map.Entry<ShapeKind, double[]> e : templates.entrySet()) {
            double d = 0;
            for (int i = 0; i < FEATURES; i++) {
                double t = f[i] - e.getValue()[i];
                d += t * t;
            }
            if (d < bestD) {
                bestD = d;
                best = e.getKey();
            }
        }
        // bounding-box centre, not the centroid: a triangle's centroid sits a sixth of its height below its box centre
        Placement placement = Placement.ofPoint((s.minX + s.maxX + 1) / 2f / side, (s.minY + s.maxY + 1) / 2f / side);
        return new ImageAnalysis(background, s.dominantColor(), best, placement, s.count, (float) f[0]);
    }

    /** Scores an image for a scene; position counts as right only when the found placement equals the scene's. */
    public SceneScore score(RgbImage image, DemoScene expected) {
        ImageAnalysis a = analyze(image);
        return new SceneScore(expected, a, a.background() == expected.background(), a.color() == expected.color(),
                a.shape() == expected.shape(), a.placement() == expected.placement());
    }

    /**
     * Whether the image holds a patch (a 2x2 block of pixels of one palette colour) of a colour named
     * neither for the shape nor for the background: the "centre dot" a tokenizer paints when it falls back
     * on a stray codebook entry. Anti-aliased edges do not count: they are one pixel wide, and a pixel that is
     * a mix of the shape and background colours (blue and red blend to a purple) is not foreign either, since
     * the renders themselves have such pixels where a star's arms meet.
     */
    public boolean hasForeignPatch(RgbImage image, DemoScene scene) {
        for (int y = 0; y + 1 < side; y++) {
            for (int x = 0; x + 1 < side; x++) {
                NamedColor c = nearest(image, x, y);
                if (c != scene.color() && c != scene.background() && c == nearest(image, x + 1, y)
                        && c == nearest(image, x, y + 1) && c == nearest(image, x + 1, y + 1)
                        && !isBlend(image, x, y, scene) && !isBlend(image, x + 1, y, scene)
                        && !isBlend(image, x, y + 1, scene) && !isBlend(image, x + 1, y + 1, scene)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Largest RGB distance (channels in [0, 1]) from the shape-background colour segment that still counts as a blend. */
    private static final float BLEND_TOLERANCE = 0.1f;

    /** Whether pixel (x, y) lies within {@link #BLEND_TOLERANCE} of a mix t·shape + (1 − t)·background. */
    private static boolean isBlend(RgbImage img, int x, int y, DemoScene scene) {
        float[] d = new float[3];
        float[] p = new float[3];
        float dd = 0;
        float pd = 0;
        for (int c = 0; c < 3; c++) {
            d[c] = scene.color().channel(c) - scene.background().channel(c);
            p[c] = img.get(c, x, y) - scene.background().channel(c);
            dd += d[c] * d[c];
            pd += p[c] * d[c];
        }
        float t = dd > 0 ? Math.max(0f, Math.min(1f, pd / dd)) : 0f;
        float dist = 0;
        for (int c = 0; c < 3; c++) {
            float e = p[c] - t * d[c];
            dist += e * e;
        }
        return dist <= BLEND_TOLERANCE * BLEND_TOLERANCE;
    }

    /** Majority palette colour of the outermost ring of pixels. */
    private NamedColor borderColor(RgbImage img) {
        int[] votes = new int[NamedColor.values().length];
        for (int i = 0; i < side; i++) {
            votes[nearest(img, i, 0).ordinal()]++;
            votes[nearest(img, i, side - 1).ordinal()]++;
            votes[nearest(img, 0, i).ordinal()]++;
            votes[nearest(img, side - 1, i).ordinal()]++;
        }
        return NamedColor.values()[argmax(votes)];
    }

    private static NamedColor nearest(RgbImage img, int x, int y) {
        return NamedColor.nearest(img.get(0, x, y), img.get(1, x, y), img.get(2, x, y));
    }

    private static int argmax(int[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The largest 4-connected component of pixels whose nearest palette colour is not the background. */
    private Silhouette silhouette(RgbImage img, NamedColor background) {
        NamedColor[] colorAt = new NamedColor[side * side];
        boolean[] fg = new boolean[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                colorAt[y * side + x] = nearest(img, x, y);
                fg[y * side + x] = colorAt[y * side + x] != background;
            }
        }
        int[] label = new int[side * side];
        int bestLabel = 0;
        int bestSize = 0;
        int next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < fg.length; start++) {
            if (!fg[start] || label[start] != 0) {
                continue;
            }
            next++;
            int size = 0;
            label[start] = next;
            queue.add(start);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                size++;
                int x = p % side;
                int y = p / side;
                if (x > 0) visit(p - 1, next, fg, label, queue);
                if (x < side - 1) visit(p + 1, next, fg, label, queue);
                if (y > 0) visit(p - side, next, fg, label, queue);
                if (y < side - 1) visit(p + side, next, fg, label, queue);
            }
            if (size > bestSize) {
                bestSize = size;
                bestLabel = next;
            }
        }
        Silhouette s = new Silhouette(side);
        for (int p = 0; p < fg.length; p++) {
            if (bestLabel != 0 && label[p] == bestLabel) {
                s.add(p % side, p / side, colorAt[p]);
            }
        }
        return s;
    }

    private static void visit(int q, int lab, boolean[] fg, int[] label, ArrayDeque<Integer> queue) {
        if (fg[q] && label[q] == 0) {
            label[q] = lab;
            queue.add(q);
        }
    }

    /** A foreground component: its pixels, colour votes and bounding box. */
    private static final class Silhouette {
        final int side;
        final boolean[] in;
        final int[] colorVotes = new int[NamedColor.values().length];
        int count;
        double sumX;
        double sumY;
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;

        Silhouette(int side) {
            this.side = side;
            this.in = new boolean[side * side];
        }

        void add(int x, int y, NamedColor c) {
            in[y * side + x] = true;
            colorVotes[c.ordinal()]++;
            count++;
            sumX += x;
            sumY += y;
            minX = Math.min(minX, x);
            minY = Math.min(minY, y);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y);
        }

        NamedColor dominantColor() {
            return NamedColor.values()[argmax(colorVotes)];
        }

        /**
         * Scale-free silhouette features: fill ratio of the bounding box, coverage of a few rows and
         * columns at fixed fractions of the box.
         */
        double[] features() {
            int w = maxX - minX + 1;
            int h = maxY - minY + 1;
            double[] f = new double[FEATURES];
            f[0] = count / (double) (w * h);
            for (int i = 0; i < ROWS_AT.length; i++) {
                int row = minY + (int) Math.min(h - 1, Math.floor(ROWS_AT[i] * h));
                int rowCount = 0;
                for (int x = minX; x <= maxX; x++) {
                    rowCount += in[row * side + x] ? 1 : 0;
                }
                f[1 + i] = rowCount / (double) w;
            }
            for (int i = 0; i < COLS_AT.length; i++) {
                int col = minX + (int) Math.min(w - 1, Math.floor(COLS_AT[i] * w));
                int colCount = 0;
                for (int y = minY; y <= maxY; y++) {
                    colCount += in[y * side + col] ? 1 : 0;
                }
                f[1 + ROWS_AT.length + i] = colCount / (double) h;
            }
            return f;
        }
    }
}
