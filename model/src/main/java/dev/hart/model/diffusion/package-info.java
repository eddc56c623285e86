/**
 * HART's residual diffusion (spec section 5): the cosine schedule respaced to the sampling steps
 * ({@link dev.hart.model.diffusion.DiffusionSchedule}), the MLP denoiser
 * ({@link dev.hart.model.diffusion.SimpleMlpAdaLn}) and the iDDPM sampler with classifier-free guidance
 * ({@link dev.hart.model.diffusion.ResidualDiffusion}).
 */
package dev.hart.model.diffusion;
