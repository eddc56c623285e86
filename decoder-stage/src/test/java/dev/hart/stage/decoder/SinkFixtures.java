package dev.hart.stage.decoder;

import dev.hart.model.inference.ImageDecoder;
import dev.hart.schemas.avro.RequestInfo;

import java.awt.image.BufferedImage;
import java.util.Map;

final class SinkFixtures {
    private SinkFixtures() {
    }

    static ImageRecord image(String job, String requestId, int shade) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, (shade << 16) | (x * 30 << 8) | y * 30);
            }
        }
        byte[] png = ImageDecoder.png(img);
        RequestInfo r = RequestInfo.newBuilder().setRequestId(requestId).setJobId(job)
                .setPrompt("a shade " + shade).setSeed(shade).setCheckpointId("ckpt-x").setSubmittedAtMs(1_700_000_000_000L)
                .build();
        return new ImageRecord(r, "ckpt-x", png, 8, 8, Pngs.sha256(png), Map.of("ar", 5L, "decoder", 2L));
    }
}
