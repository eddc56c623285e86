package dev.hart.ingest;

import dev.hart.schemas.avro.PromptEvent;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sets {@link PromptEvent} fields from text by their schema names, for the JSONL and CSV readers. A value that does
 * not fit its field raises {@link IllegalArgumentException} naming the field and the value.
 */
public final class PromptFields {
    /** Field names accepted in files (as in the PromptEvent schema); {@code metadata} is an object in JSONL and
     * {@code metadata.<key>} columns in CSV. */
    public static final List<String> NAMES = List.of("prompt", "requestId", "jobId", "seed", "numImages", "cfg", "topK",
            "topP", "moreSmooth", "useSystemPrompt", "numDiffusionSteps", "checkpointId", "metadata", "createdAtMs");
    public static final String METADATA_PREFIX = "metadata.";

    private PromptFields() {
    }

    /** A builder with no prompt yet, the given job and no metadata. */
    public static PromptEvent.Builder newEvent(String jobId) {
        return PromptEvent.newBuilder().setPrompt("").setJobId(jobId).setMetadata(new HashMap<>());
    }

    /** Sets one scalar field from its text; {@code metadata.<key>} adds a metadata entry. */
    public static void set(PromptEvent.Builder b, String field, String text) {
        if (field.startsWith(METADATA_PREFIX) && field.length() > METADATA_PREFIX.length()) {
            Map<String, String> m = new HashMap<>(b.getMetadata());
            m.put(field.substring(METADATA_PREFIX.length()), text);
            b.setMetadata(m);
            return;
        }
        switch (field) {
            case "prompt" -> b.setPrompt(text);
            case "requestId" -> b.setRequestId(text);
            case "jobId" -> b.setJobId(text);
            case "seed" -> b.setSeed(parseLong(field, text));
            case "numImages" -> b.setNumImages(parseInt(field, text));
            case "cfg" -> b.setCfg(parseFloat(field, text));
            case "topK" -> b.setTopK(parseInt(field, text));
            case "topP" -> b.setTopP(parseFloat(field, text));
            case "moreSmooth" -> b.setMoreSmooth(parseBoolean(field, text));
            case "useSystemPrompt" -> b.setUseSystemPrompt(parseBoolean(field, text));
            case "numDiffusionSteps" -> b.setNumDiffusionSteps(parseInt(field, text));
            case "checkpointId" -> b.setCheckpointId(text);
            case "createdAtMs" -> b.setCreatedAtMs(parseLong(field, text));
            default -> throw new IllegalArgumentException(unknownField(field));
        }
    }

    public static boolean isKnown(String field) {
        return NAMES.contains(field) || (field.startsWith(METADATA_PREFIX) && field.length() > METADATA_PREFIX.length());
    }

    public static String unknownField(String field) {
        return "unknown field '" + field + "' (known: " + String.join(", ", NAMES) + ")";
    }

    private static long parseLong(String field, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + field + "': expected an integer, got '" + text + "'");
        }
    }

    private static int parseInt(String field, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + field + "': expected an integer, got '" + text + "'");
        }
    }

    private static float parseFloat(String field, String text) {
        try {
            float v = Float.parseFloat(text.trim());
            if (!Float.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field '" + field + "': expected a number, got '" + text + "'");
        }
    }

    private static boolean parseBoolean(String field, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("field '" + field + "': expected true or false, got '" + text + "'");
    }
}
