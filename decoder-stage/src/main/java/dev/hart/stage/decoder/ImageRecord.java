package dev.hart.stage.decoder;

import dev.hart.schemas.avro.RequestInfo;

import java.util.Map;

/**
 * One finished image as handed to an {@link ImageSink}.
 *
 * @param timingsMs per-stage milliseconds so far (ar, diffusion, decode, ...)
 */
public record ImageRecord(RequestInfo request, String checkpointId, byte[] png, int width, int height, String sha256,
                          Map<String, Long> timingsMs) {

    public ImageRecord {
        timingsMs = Map.copyOf(timingsMs);
    }

    public String requestId() {
        return request.getRequestId();
    }
}
