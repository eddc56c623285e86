package dev.hart.demo;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One picture of the demo data set: a shape of a colour, size and placement on a background colour.
 *
 * <p>Caption grammar (the only one the data set uses):
 * {@code a[n] [small|large ]<colour> <shape>[ in the <top|bottom> <left|right>] on a[n] <colour> background}.
 * Medium size and the centre placement are the unmarked defaults. Large shapes are always centred.
 */
public record DemoScene(ShapeKind shape, NamedColor color, NamedColor background, ShapeSize size, Placement placement) {

    private static final Pattern CAPTION = Pattern.compile(
            "an? (?:(small|large) )?([a-z]+) ([a-z]+)(?: in the (top left|top right|bottom left|bottom right))? on an? ([a-z]+) background");

    public DemoScene {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(placement, "placement");
        if (color == background) {
            throw new IllegalArgumentException("shape colour and background must differ, both are " + color.word());
        }
        if (size == ShapeSize.LARGE && placement != Placement.CENTER) {
            throw new IllegalArgumentException("large shapes are only drawn in the centre, not " + placement.words());
        }
    }

    /** A medium shape in the centre. */
    public static DemoScene of(ShapeKind shape, NamedColor color, NamedColor background) {
        return new DemoScene(shape, color, background, ShapeSize.MEDIUM, Placement.CENTER);
    }

    /** The caption, e.g. "a small green square in the top left on a white background". */
    public String caption() {
        StringBuilder sb = new StringBuilder();
        String first = size.word() != null ? size.word() : color.word();
        sb.append(article(first)).append(' ');
        if (size.word() != null) {
            sb.append(size.word()).append(' ');
        }
        sb.append(color.word()).append(' ').append(shape.word());
        if (placement.words() != null) {
            sb.append(" in the ").append(placement.words());
        }
        sb.append(" on ").append(article(background.word())).append(' ').append(background.word()).append(" background");
        return sb.toString();
    }

    private static String article(String nextWord) {
        return "aeiou".indexOf(nextWord.charAt(0)) >= 0 ? "an" : "a";
    }

    /** Parses a caption of the data set's grammar (case and surrounding space ignored). */
    public static DemoScene parse(String caption) {
        if (caption == null) {
            throw new IllegalArgumentException("caption must not be null");
        }
        Matcher m = CAPTION.matcher(caption.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a demo caption: '" + caption
                    + "' (expected e.g. 'a small green square in the top left on a white background')");
        }
        ShapeSize size = m.group(1) == null ? ShapeSize.MEDIUM : ShapeSize.fromWordOrNull(m.group(1));
        Placement placement = m.group(4) == null ? Placement.CENTER : Placement.fromWords(m.group(4));
        return new DemoScene(ShapeKind.fromWord(m.group(3)), NamedColor.fromWord(m.group(2)),
                NamedColor.fromWord(m.group(5)), size, placement);
    }

    /** The (colour, shape, background) combination that the hold-out split is defined on. */
    public Combination combination() {
        return new Combination(color, shape, background);
    }

    /** A colour/shape/background triple. */
    public record Combination(NamedColor color, ShapeKind shape, NamedColor background) {
    }
}
