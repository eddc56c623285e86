package dev.hart.demo;

import java.util.Locale;

/** The shape classes of the demo data set. */
public enum ShapeKind {
    CIRCLE, SQUARE, TRIANGLE, STAR;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ShapeKind fromWord(String word) {
        for (ShapeKind s : values()) {
            if (s.word().equals(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + word + "'; known: circle, square, triangle, star");
    }
}
