package dev.hart.demo;

/**
 * What {@link SceneAnalyzer} reads from an image. {@code shape}, {@code color} and {@code placement}
 * are null when no foreground was found ({@code placement} also when the shape sits at an edge centre,
 * which no caption describes).
 */
public record ImageAnalysis(NamedColor background, NamedColor color, ShapeKind shape, Placement placement,
                            int foregroundPixels, float fillRatio) {
}
