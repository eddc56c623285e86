package dev.hart.ingest;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;

/**
 * Limits a prompt event must respect to become generation requests, and the defaults applied to absent fields.
 * Read from {@code hart.ingest.*} properties by {@link #fromProperties}; every key is optional.
 *
 * @param maxPromptChars      longest prompt after trimming, in Unicode code points ({@code hart.ingest.prompt.max.chars}, 2000)
 * @param cfgMin              lowest guidance scale ({@code hart.ingest.cfg.min}, 0)
 * @param cfgMax              highest guidance scale ({@code hart.ingest.cfg.max}, 50)
 * @param defaultCfg          guidance scale when absent ({@code hart.ingest.cfg.default}, 4.5 as in the reference)
 * @param vocabSize           top-k must be in [0, vocabSize] ({@code hart.ingest.topk.max}, 4096: HART's codebook size)
 * @param maxNumImages        most images per prompt event ({@code hart.ingest.num.images.max}, 1000)
 * @param minDiffusionSteps   fewest residual-diffusion steps ({@code hart.ingest.diffusion.steps.min}, 1)
 * @param maxDiffusionSteps   most residual-diffusion steps ({@code hart.ingest.diffusion.steps.max}, 100)
 * @param checkpoints         checkpoint ids the deployment serves ({@code hart.ingest.checkpoints}, comma-separated)
 * @param defaultCheckpoint   checkpoint for events that name none ({@code hart.ingest.checkpoint.default}; the first of
 *                            {@code checkpoints} when unset)
 * @param defaultJobId        job for events that name none ({@code hart.ingest.job.default}, "default")
 * @param maxIdChars          longest request / job id ({@code hart.ingest.id.max.chars}, 256)
 */
public record PromptRules(int maxPromptChars, float cfgMin, float cfgMax, float defaultCfg, int vocabSize,
                          int maxNumImages, int minDiffusionSteps, int maxDiffusionSteps, Set<String> checkpoints,
                          String defaultCheckpoint, String defaultJobId, int maxIdChars) {
    public static final String PREFIX = "hart.ingest.";
    public static final String DEFAULT_CHECKPOINT_ID = "hart-0.7b-1024px";

    public PromptRules {
        if (maxPromptChars < 1) {
            throw new IllegalArgumentException(PREFIX + "prompt.max.chars must be >= 1, got " + maxPromptChars);
        }
        if (!(cfgMin <= cfgMax)) {
            throw new IllegalArgumentException("cfg range is empty: [" + cfgMin + ", " + cfgMax + "]");
        }
        if (defaultCfg < cfgMin || defaultCfg > cfgMax) {
            throw new IllegalArgumentException("default cfg " + defaultCfg + " is outside [" + cfgMin + ", " + cfgMax + "]");
        }
        if (vocabSize < 1 || maxNumImages < 1 || minDiffusionSteps < 1 || maxDiffusionSteps < minDiffusionSteps
                || maxIdChars < 1) {
            throw new IllegalArgumentException("invalid ingest limits: vocab " + vocabSize + ", num images max " + maxNumImages
                    + ", diffusion steps [" + minDiffusionSteps + ", " + maxDiffusionSteps + "], id max " + maxIdChars);
        }
        checkpoints = Set.copyOf(new LinkedHashSet<>(checkpoints == null ? Set.of() : checkpoints));
        if (checkpoints.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "checkpoints must name at least one checkpoint id");
        }
        if (defaultCheckpoint == null || !checkpoints.contains(defaultCheckpoint)) {
            throw new IllegalArgumentException("default checkpoint '" + defaultCheckpoint + "' is not one of " + checkpoints);
        }
        if (defaultJobId == null || defaultJobId.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "job.default must not be blank");
        }
    }

    /** The defaults, serving the given checkpoints (the first is the default). */
    public static PromptRules defaults(String... checkpointIds) {
        String[] ids = checkpointIds.length == 0 ? new String[]{DEFAULT_CHECKPOINT_ID} : checkpointIds;
        return new PromptRules(2000, 0f, 50f, 4.5f, 4096, 1000, 1, 100,
                new LinkedHashSet<>(Arrays.asList(ids)), ids[0], "default", 256);
    }

    public static PromptRules fromProperties(Properties p) {
        String list = p.getProperty(PREFIX + "checkpoints", DEFAULT_CHECKPOINT_ID);
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String id : list.split(",")) {
            if (!id.isBlank()) {
                ids.add(id.trim());
            }
        }
        String first = ids.isEmpty() ? null : ids.iterator().next();
        return new PromptRules(
                intProp(p, "prompt.max.chars", 2000),
                floatProp(p, "cfg.min", 0f),
                floatProp(p, "cfg.max", 50f),
                floatProp(p, "cfg.default", 4.5f),
                intProp(p, "topk.max", 4096),
                intProp(p, "num.images.max", 1000),
                intProp(p, "diffusion.steps.min", 1),
                intProp(p, "diffusion.steps.max", 100),
                ids,
                p.getProperty(PREFIX + "checkpoint.default", first),
                p.getProperty(PREFIX + "job.default", "default"),
                intProp(p, "id.max.chars", 256));
    }

    private static int intProp(Properties p, String key, int fallback) {
        String v = p.getProperty(PREFIX + key);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + " must be an integer, got '" + v + "'");
        }
    }

    private static float floatProp(Properties p, String key, float fallback) {
        String v = p.getProperty(PREFIX + key);
        try {
            return v == null ? fallback : Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + key + " must be a number, got '" + v + "'");
        }
    }
}
