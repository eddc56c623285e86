package dev.hart.stage.common;

import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.TensorData;

import java.util.List;

/**
 * The residual-diffusion part of a loaded checkpoint: turns the transformer's result for one request into the final
 * continuous latent. Every noise draw comes from the request's own seed ({@link ArResult#seed()}).
 */
public interface ResidualModel extends AutoCloseable {

    /** The stage name residual sampling is timed and reported under, in either topology. */
    String STAGE = "diffusion";

    /** Id of the checkpoint whose diffusion weights are loaded. */
    String checkpointId();

    /** The checkpoint's default number of denoising steps. */
    int defaultSteps();

    /** Cvae: channels of the continuous latent. */
    int latentChannels();

    /** P: side of the final latent (the last scale). */
    int latentSide();

    /**
     * Final {@code f_hat} [Cvae, P, P] = discrete latent + final tokens + sampled residual, for a batch of requests in one
     * model call where they share a step count; {@code steps.get(i)} is request i's number of denoising steps. Each
     * result depends only on its own request.
     */
    List<TensorData> finalLatents(List<ArResult> ars, List<Integer> steps);

    @Override
    default void close() {
    }
}
