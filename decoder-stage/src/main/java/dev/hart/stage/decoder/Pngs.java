package dev.hart.stage.decoder;

import dev.hart.model.pipeline.TensorData;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Image tensor to 8-bit RGB to PNG bytes (javax.imageio), and the SHA-256 the images topic carries. */
public final class Pngs {
    private Pngs() {
    }

    /**
     * [3, H, W] in [-1, 1] to RGB, as the reference does: {@code (x + 1) / 2 * 255}, clamped, truncated to uint8.
     */
    public static BufferedImage toImage(TensorData image) {
        image.requireShape("decoded image", 3, -1, -1);
        int h = (int) image.dim(1);
        int w = (int) image.dim(2);
        float[] v = image.data();
        int plane = h * w;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = (to8(v[i]) << 16) | (to8(v[plane + i]) << 8) | to8(v[2 * plane + i]);
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    static int to8(float x) {
        float s = (x + 1f) * 0.5f * 255f;
        if (!(s > 0f)) {
            return 0; // also NaN
        }
        return s >= 255f ? 255 : (int) s;
    }

    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight() * 2);
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("javax.imageio has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return out.toByteArray();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
