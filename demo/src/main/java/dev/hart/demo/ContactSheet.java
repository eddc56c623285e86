package dev.hart.demo;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A grid of images with their captions underneath (word-wrapped), written as one PNG. Images are scaled
 * up by an integer factor with nearest-neighbour so small pictures stay readable.
 */
public final class ContactSheet {

    private final List<RgbImage> images = new ArrayList<>();
    private final List<String> captions = new ArrayList<>();
    private final int columns;
    private final int cell;

    /** @param cell displayed image size in pixels */
    public ContactSheet(int columns, int cell) {
        if (columns <= 0 || cell <= 0) {
            throw new IllegalArgumentException("columns and cell size must be positive, got " + columns + ", " + cell);
        }
        this.columns = columns;
        this.cell = cell;
    }

    public ContactSheet add(RgbImage image, String caption) {
        if (image == null) {
            throw new IllegalArgumentException("image must not be null");
        }
        images.add(image);
        captions.add(caption == null ? "" : caption);
        return this;
    }

    public int size() {
        return images.size();
    }

    public BufferedImage render() {
        if (images.isEmpty()) {
            throw new IllegalStateException("contact sheet has no images");
        }
        System.setProperty("java.awt.headless", "true");
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        int lineHeight = 13;
        int textLines = 4;
        int pad = 6;
        int cellW = Math.max(cell, 150);
        int cellH = cell + textLines * lineHeight + pad;
        int rows = (images.size() + columns - 1) / columns;
        BufferedImage sheet = new BufferedImage(columns * (cellW + pad) + pad, rows * (cellH + pad) + pad, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(new Color(235, 235, 235));
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < images.size(); i++) {
                int x0 = pad + (i % columns) * (cellW + pad);
                int y0 = pad + (i / columns) * (cellH + pad);
                g.drawImage(images.get(i).toBufferedImage(), x0 + (cellW - cell) / 2, y0, cell, cell, null);
                g.setColor(Color.BLACK);
                List<String> lines = wrap(captions.get(i), fm, cellW);
                for (int l = 0; l < Math.min(textLines, lines.size()); l++) {
                    g.drawString(lines.get(l), x0, y0 + cell + (l + 1) * lineHeight);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    public void write(Path png) {
        try {
            if (png.getParent() != null) {
                Files.createDirectories(png.getParent());
            }
            if (!ImageIO.write(render(), "png", png.toFile())) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write contact sheet " + png, e);
        }
    }

    private static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (fm.stringWidth(candidate) > width && line.length() > 0) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
