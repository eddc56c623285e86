package dev.hart.stage.decoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hart.schemas.avro.RequestInfo;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** The JSON written next to each image: prompt, seed, sampling parameters, checkpoint, per-stage timings. */
public final class ImageMetadata {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ImageMetadata() {
    }

    public static ObjectNode toJson(ImageRecord image) {
        RequestInfo r = image.request();
        ObjectNode n = JSON.createObjectNode();
        n.put("requestId", r.getRequestId());
        n.put("jobId", r.getJobId());
        n.put("prompt", r.getPrompt());
        n.put("seed", r.getSeed());
        n.put("imageIndex", r.getImageIndex());
        n.put("numImages", r.getNumImages());
        ObjectNode p = n.putObject("parameters");
        p.put("cfg", r.getCfg());
        if (r.getTopK() == null) {
            p.putNull("topK");
        } else {
            p.put("topK", r.getTopK());
        }
        p.put("topP", r.getTopP());
        p.put("moreSmooth", r.getMoreSmooth());
        p.put("useSystemPrompt", r.getUseSystemPrompt());
        if (r.getNumDiffusionSteps() == null) {
            p.putNull("numDiffusionSteps");
        } else {
            p.put("numDiffusionSteps", r.getNumDiffusionSteps());
        }
        n.put("checkpoint", image.checkpointId());
        n.put("width", image.width());
        n.put("height", image.height());
        n.put("sha256", image.sha256());
        n.put("submittedAtMs", r.getSubmittedAtMs());
        ObjectNode t = n.putObject("timingsMs");
        new TreeMap<>(image.timingsMs()).forEach(t::put);
        ObjectNode m = n.putObject("metadata");
        Map<String, String> meta = new TreeMap<>();
        r.getMetadata().forEach((k, v) -> meta.put(k.toString(), v.toString()));
        meta.forEach(m::put);
        return n;
    }

    public static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String line(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
