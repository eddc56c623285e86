package dev.hart.demo;

import java.util.Locale;

/** The named colours of the demo data set, used for shapes and backgrounds; RGB chosen to be far apart. */
public enum NamedColor {
    RED(220, 30, 30),
    GREEN(30, 170, 40),
    BLUE(30, 60, 230),
    YELLOW(250, 230, 20),
    ORANGE(250, 130, 0),
    PURPLE(130, 30, 170),
    WHITE(250, 250, 250),
    BLACK(10, 10, 10);

    private final int r;
    private final int g;
    private final int b;

    NamedColor(int r, int g, int b) {
        this.r = r;
        this.g = g;
        this.b = b;
    }

    /** The caption word, e.g. "red". */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Channel value in [0, 1]; channel 0 = red, 1 = green, 2 = blue. */
    public float channel(int c) {
        return switch (c) {
            case 0 -> r / 255f;
            case 1 -> g / 255f;
            case 2 -> b / 255f;
            default -> throw new IllegalArgumentException("channel must be 0, 1 or 2, got " + c);
        };
    }

    /** The palette colour nearest to an RGB value in [0, 1] (Euclidean distance). */
    public static NamedColor nearest(float red, float green, float blue) {
        NamedColor best = null;
        float bestD = Float.MAX_VALUE;
        for (NamedColor c : values()) {
            float dr = red - c.channel(0);
            float dg = green - c.channel(1);
            float db = blue - c.channel(2);
            float d = dr * dr + dg * dg + db * db;
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    /** The colour named by a caption word; fails with the list of known words. */
    public static NamedColor fromWord(String word) {
        for (NamedColor c : values()) {
            if (c.word().equals(word)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown colour '" + word + "'; known: " + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }
}
