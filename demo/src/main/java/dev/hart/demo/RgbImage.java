package dev.hart.demo;

import java.awt.image.BufferedImage;

/** A square RGB image as planar floats in [0, 1] (CHW, channel-major), the layout the models use. */
public final class RgbImage {

    private final int side;
    private final float[] chw;

    public RgbImage(int side, float[] chw) {
        if (side <= 0) {
            throw new IllegalArgumentException("image side must be positive, got " + side);
        }
        if (chw == null || chw.length != 3 * side * side) {
            throw new IllegalArgumentException("expected " + 3 * side * side + " values for a " + side + "x" + side
                    + " RGB image, got " + (chw == null ? "null" : chw.length));
        }
        this.side = side;
        this.chw = chw;
    }

    /** From values in [-1, 1] (the models' image range), clamped. */
    public static RgbImage fromPlusMinusOne(int side, float[] chw) {
        float[] v = new float[chw.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0f, Math.min(1f, (chw[i] + 1f) * 0.5f));
        }
        return new RgbImage(side, v);
    }

    public int side() {
        return side;
    }

    /** Value of channel c at column x, row y. */
    public float get(int c, int x, int y) {
        return chw[(c * side + y) * side + x];
    }

    /** A copy of the planar data in [0, 1]. */
    public float[] toArray() {
        return chw.clone();
    }

    /** A copy mapped to [-1, 1]. */
    public float[] toPlusMinusOne() {
        float[] v = new float[chw.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = chw[i] * 2f - 1f;
        }
        return v;
    }

    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int r = Math.round(get(0, x, y) * 255f);
                int g = Math.round(get(1, x, y) * 255f);
                int b = Math.round(get(2, x, y) * 255f);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    public static RgbImage fromBufferedImage(BufferedImage img) {
        if (img.getWidth() != img.getHeight()) {
            throw new IllegalArgumentException("expected a square image, got " + img.getWidth() + "x" + img.getHeight());
        }
        int s = img.getWidth();
        float[] v = new float[3 * s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int rgb = img.getRGB(x, y);
                v[(0 * s + y) * s + x] = ((rgb >> 16) & 255) / 255f;
                v[(1 * s + y) * s + x] = ((rgb >> 8) & 255) / 255f;
                v[(2 * s + y) * s + x] = (rgb & 255) / 255f;
            }
        }
        return new RgbImage(s, v);
    }

    /** Mean squared difference to another image of the same size, in [0, 1] units. */
    public double meanSquaredError(RgbImage other) {
        if (other.side != side) {
            throw new IllegalArgumentException("image sides differ: " + side + " vs " + other.side);
        }
        double s = 0;
        for (int i = 0; i < chw.length; i++) {
            double d = chw[i] - other.chw[i];
            s += d * d;
        }
        return s / chw.length;
    }
}
