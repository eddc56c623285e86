/**
 * Token sampling exactly as the reference's {@code sample_with_top_k_top_p_} and {@code gumbel_softmax_with_rng}
 * (in-place masking included), with the index pick behind a {@link dev.hart.model.sampling.TokenSampler} strategy
 * (inverse CDF in production, argmax for the parity vectors) and the draws behind
 * {@link dev.hart.model.sampling.ScaleRandomness} (per request, or batch-wide for tape replay).
 */
package dev.hart.model.sampling;
