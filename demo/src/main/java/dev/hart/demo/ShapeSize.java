package dev.hart.demo;

/**
 * Shape sizes as a fraction of the image side (the shape's bounding box). Medium is the unmarked size:
 * its caption has no size word. Even a small shape spans about three tokens of the 8x8 last scale at 32 px:
 * at 0.30 (two tokens) the tokenizer lost the shape class in a third of its round trips.
 */
public enum ShapeSize {
    SMALL("small", 0.40f),
    MEDIUM(null, 0.52f),
    LARGE("large", 0.68f);

    private final String word;
    private final float fraction;

    ShapeSize(String word, float fraction) {
        this.word = word;
        this.fraction = fraction;
    }

    /** The caption word, or null for the unmarked size. */
    public String word() {
        return word;
    }

    public float fraction() {
        return fraction;
    }

    /** The size named by a caption word, or null if the word names no size. */
    public static ShapeSize fromWordOrNull(String w) {
        for (ShapeSize s : values()) {
            if (s.word != null && s.word.equals(w)) {
                return s;
            }
        }
        return null;
    }
}
