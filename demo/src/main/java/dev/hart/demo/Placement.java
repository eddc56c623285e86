package dev.hart.demo;

/**
 * Where a shape sits: the centre (unmarked in captions) or one of the four corners. Coordinates are the
 * shape centre as a fraction of the image side.
 */
public enum Placement {
    CENTER(null, 0.5f, 0.5f),
    TOP_LEFT("top left", 0.30f, 0.30f),
    TOP_RIGHT("top right", 0.70f, 0.30f),
    BOTTOM_LEFT("bottom left", 0.30f, 0.70f),
    BOTTOM_RIGHT("bottom right", 0.70f, 0.70f);

    private final String words;
    private final float x;
    private final float y;

    Placement(String words, float x, float y) {
        this.words = words;
        this.x = x;
        this.y = y;
    }

    /** The caption words ("top left"), or null for the centre, which captions do not mention. */
    public String words() {
        return words;
    }

    public float x() {
        return x;
    }

    public float y() {
        return y;
    }

    /**
     * The placement of a point given as fractions of the image side: a third of the side around the
     * middle counts as centre on each axis; null when one axis is central and the other is not (no
     * such placement exists in the data set).
     */
    public static Placement ofPoint(float fx, float fy) {
        int col = fx < 0.39f ? -1 : fx > 0.61f ? 1 : 0;
        int row = fy < 0.39f ? -1 : fy > 0.61f ? 1 : 0;
        if (col == 0 && row == 0) {
            return CENTER;
        }
        if (col == 0 || row == 0) {
            return null;
        }
        return row < 0 ? (col < 0 ? TOP_LEFT : TOP_RIGHT) : (col < 0 ? BOTTOM_LEFT : BOTTOM_RIGHT);
    }

    public static Placement fromWords(String w) {
        for (Placement p : values()) {
            if (p.words != null && p.words.equals(w)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown position '" + w + "'; known: top left, top right, bottom left, bottom right");
    }
}
