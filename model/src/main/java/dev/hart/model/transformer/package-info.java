/**
 * The HART transformer (spec sections 2–3): context norm/embedding, level and word embeddings, AdaLN blocks with
 * llama attention (fused qkv with [q_bias, 0, v_bias], 1-D rotary for the text context, the reference's mixed 2-D
 * rotary for image tokens, scale 0.25/sqrt(hd), no mask) and SwiGLU FFN, a KV cache across scales, the AdaLN head
 * (always max-pooled condition) and the diffusion-condition norm. The scale loop is
 * {@link dev.hart.model.inference.ArGenerator}.
 */
package dev.hart.model.transformer;
