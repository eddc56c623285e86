package dev.hart.model.inference;

import java.util.List;

/**
 * What the autoregressive stage produces for one request (everything the residual diffusion and the
 * decoder need, as plain values).
 *
 * @param fHat running latent before the final scale's tokens are added [Cvae, P, P]
 * @param finalTokens the final scale's token embeddings h [P², Cvae] (codebook rows, or the gumbel-soft
 *                    mix with more_smooth), to which the diffusion residual is added
 * @param diffusionCondition z [2·P², C]: rows 0…P²−1 the conditional half, P²…2P²−1 the unconditional half
 * @param indices the sampled code indices of every scale (scale 0 has one, scale si has pn²)
 * @param diffusionCfg the guidance scale of the residual diffusion, {@code cfg·(n−2)/(n−1)} (spec 8.1)
 * @param seed the request's seed (the diffusion draws from a generator derived from it)
 */
public record ArResult(TensorData fHat, TensorData finalTokens, TensorData diffusionCondition, List<long[]> indices,
                       double diffusionCfg, long seed) {

    public ArResult {
        indices = List.copyOf(indices);
        if (fHat.rank() != 3 || finalTokens.rank() != 2 || diffusionCondition.rank() != 2) {
            throw new IllegalArgumentException("ArResult expects fHat [Cvae,P,P], finalTokens [P²,Cvae], z [2P²,C]; got "
                    + fHat + ", " + finalTokens + ", " + diffusionCondition);
        }
    }

    /** Final latent side P. */
    public int latentSide() {
        return (int) fHat.dim(1);
    }

    public int latentChannels() {
        return (int) fHat.dim(0);
    }
}
