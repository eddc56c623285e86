package dev.hart.model.parity;

/**
 * Runs every parity case of one {@code kind} (e.g. {@code vae_decode}, {@code t2i}). Implementations
 * are found with {@link java.util.ServiceLoader}: list them in
 * {@code META-INF/services/dev.hart.model.parity.CaseKind}.
 */
public interface CaseKind {

    /** The manifest {@code kind} this implementation runs. */
    String kind();

    /** Runs the case on the model code and {@link CaseContext#put puts} every output it produces. */
    void run(CaseContext ctx) throws Exception;
}
