/**
 * The API the pipeline stages call, usable split (one stage per process, values on Kafka topics) or fused.
 *
 * <ul>
 *   <li>{@link dev.hart.model.inference.ArGenerator}: pre-encoded text context → {@link dev.hart.model.inference.ArResult}
 *       per request (f_hat before the final scale, final-scale token embeddings, diffusion condition for both CFG
 *       halves, sampled indices, diffusion guidance scale);</li>
 *   <li>{@link dev.hart.model.inference.ResidualSampler}: ArResult → final latent f_hat [Cvae, P, P];</li>
 *   <li>{@link dev.hart.model.inference.ImageDecoder}: final latent → pixels / {@code BufferedImage} / PNG;</li>
 *   <li>{@link dev.hart.model.inference.HartInference}: the three in one object (tests).</li>
 * </ul>
 *
 * <p>All values crossing a stage boundary are {@link dev.hart.model.inference.TensorData} (shape + float[]), never
 * native arrays.
 *
 * <p><b>Randomness.</b> The reference seeds one generator per batch, so an image depends on its batch neighbours.
 * Here every request's draws come from generators seeded by its own seed: the AR stage computes the batch together
 * but takes row b's sampling uniforms and gumbel noise from {@code SeededRandomSource(seed_b)}
 * ({@link dev.hart.model.sampling.PerRequestRandomness}); the residual diffusion runs per request with
 * {@link dev.hart.model.inference.ResidualSampler#diffusionRandom(long)} (a stream derived from the seed), so split and
 * fused topologies give the same image, and a retry reproduces it. Production picks indices by inverse CDF
 * ({@link dev.hart.model.sampling.InverseCdfTokenSampler}). The parity path instead passes a batch-wide tape
 * ({@link dev.hart.model.sampling.SharedRandomness}, draws shaped [B, l, V] as the reference recorded them) and
 * argmax picks ({@link dev.hart.model.sampling.ArgmaxTokenSampler}) to
 * {@link dev.hart.model.inference.ArGenerator#run}, and runs the diffusion on the whole batch's condition.
 *
 * <p>Batch independence holds up to float rounding: indices are identical; latents agree to ~1e-6, or ~1e-3
 * with {@code moreSmooth}, whose low-temperature gumbel softmax amplifies rounding differences of the batched matmuls.
 */
package dev.hart.model.inference;
