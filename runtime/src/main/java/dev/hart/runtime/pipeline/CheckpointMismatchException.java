package dev.hart.runtime.pipeline;

/**
 * A record asks for a checkpoint other than the one this stage loaded. The stage refuses it (dead letter) rather than
 * producing an image from the wrong weights.
 */
public final class CheckpointMismatchException extends RuntimeException {
    private final String requested;
    private final String loaded;

    public CheckpointMismatchException(String stage, String requestId, String requested, String loaded) {
        super("Stage '" + stage + "' refuses request '" + requestId + "': it asks for checkpoint '" + requested
                + "' but this stage loaded checkpoint '" + loaded + "'");
        this.requested = requested;
        this.loaded = loaded;
    }

    /** Throws unless {@code requested} equals {@code loaded}. */
    public static void check(String stage, String requestId, String requested, String loaded) {
        if (requested == null || !requested.equals(loaded)) {
            throw new CheckpointMismatchException(stage, requestId, requested, loaded);
        }
    }

    public String requested() {
        return requested;
    }

    public String loaded() {
        return loaded;
    }
}
