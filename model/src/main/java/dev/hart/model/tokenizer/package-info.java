/**
 * HART's hybrid VAE tokenizer (spec section 6): {@link dev.hart.model.tokenizer.VaeDecoder} (fhat_to_img, the
 * decoder stage's only model), {@link dev.hart.model.tokenizer.MultiScaleQuantizer} (codebook, phi convolutions
 * and the latent accumulation the transformer's scale loop uses), {@link dev.hart.model.tokenizer.VaeEncoder},
 * and {@link dev.hart.model.tokenizer.HybridTokenizer}, which loads each part alone or all three.
 */
package dev.hart.model.tokenizer;
