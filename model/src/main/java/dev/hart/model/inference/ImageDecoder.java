package dev.hart.model.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.io.WeightSource;
import dev.hart.model.tokenizer.VaeDecoder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder stage: final latent {@code f_hat} [Cvae, P, P] → RGB image. Loads only the tokenizer's
 * decode path ({@code post_quant_conv}, {@code decoder}).
 */
public final class ImageDecoder implements AutoCloseable {

    private final VaeDecoder decoder;
    private final TokenizerConfig config;
    private final ai.djl.Device device;   // where the weights live; every call computes there

    private ImageDecoder(VaeDecoder decoder, TokenizerConfig config, ai.djl.Device device) {
        this.decoder = decoder;
        this.config = config;
        this.device = device;
    }

    public static ImageDecoder load(HartCheckpointDir checkpoint, NDManager parent) {
        return load(checkpoint.tokenizerWeights(), checkpoint.tokenizerConfig(), parent);
    }

    /** @param vaeWeights tokenizer weights without the {@code vae.} prefix */
    public static ImageDecoder load(WeightSource vaeWeights, TokenizerConfig config, NDManager parent) {
        return new ImageDecoder(VaeDecoder.load(vaeWeights, config, parent), config, parent.getDevice());
    }

    /**
     * Checks a declared latent shape before anything is allocated for it: [Cvae, P, P] with P at most the tokenizer's
     * largest scale. A record declaring more (a wrong or hostile shape that still fits in a Kafka record) would make
     * the convolutions allocate far more native memory than a real image needs.
     */
    public void checkLatentShape(long[] shape) {
        int maxSide = config.vPatchNums().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (shape.length != 3 || shape[0] != config.zChannels() || shape[1] != shape[2] || shape[1] < 1
                || shape[1] > maxSide) {
            throw new IllegalArgumentException("f_hat has shape " + java.util.Arrays.toString(shape)
                    + "; this checkpoint decodes [" + config.zChannels() + ", P, P] latents with 1 <= P <= " + maxSide);
        }
    }

    /**
     * Decodes one latent to pixels in [0, 1], planar RGB [3, H, W] (the reference's {@code (img + 1)/2}).
     */
    public TensorData decodePixels(TensorData fHat) {
        return decodePixelsBatch(List.of(fHat)).get(0);
    }

    /** Decodes several latents of the same shape in one batch; each result [3, H, W] in [0, 1]. */
    public List<TensorData> decodePixelsBatch(List<TensorData> fHats) {
        if (fHats.isEmpty()) {
            return List.of();
        }
        long[] shape = fHats.get(0).shape();
        for (TensorData f : fHats) {
            checkLatentShape(f.shape());
            if (f.dim(1) != shape[1] || f.dim(2) != shape[2] || f.dim(1) != f.dim(2)) {
                throw new IllegalArgumentException("all latents of a batch must be square and of one size; got " + f + " and "
                        + fHats.get(0));
            }
        }
        JniUtils.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager(device)) {
            int b = fHats.size();
            float[] all = new float[Math.toIntExact((long) b * fHats.get(0).data().length)];
            for (int i = 0; i < b; i++) {
                float[] d = fHats.get(i).data();
                System.arraycopy(d, 0, all, i * d.length, d.length);
            }
            NDArray in = m.create(all, new ai.djl.ndarray.types.Shape(b, shape[0], shape[1], shape[2]));
            NDArray img = decoder.decode(in).add(1f).mul(0.5f);
            List<TensorData> out = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                out.add(TensorData.of(img.get(i)));
            }
            return out;
        }
    }

    /** Decodes one latent to an 8-bit RGB image. */
    public BufferedImage decode(TensorData fHat) {
        return toImage(decodePixels(fHat));
    }

    /**
     * Pixels [3, H, W] in [0, 1] → 8-bit RGB, {@code uint8(v·255)} (truncation, as the reference's
     * {@code save_images}), values outside [0, 1] clamped.
     */
    public static BufferedImage toImage(TensorData pixels) {
        pixels.requireShape("pixels", 3, -1, -1);
        int h = (int) pixels.dim(1);
        int w = (int) pixels.dim(2);
        float[] d = pixels.data();
        int plane = h * w;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = (to8bit(d[i]) << 16) | (to8bit(d[plane + i]) << 8) | to8bit(d[2 * plane + i]);
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    private static int to8bit(float v) {
        int x = (int) (v * 255f);
        return Math.max(0, Math.min(255, x));
    }

    /** PNG bytes of an image. */
    public static byte[] png(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
    }

    @Override
    public void close() {
        decoder.close();
    }
}
