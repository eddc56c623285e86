/**
 * HART's text encoder: the Qwen2 tokenizer ({@link dev.hart.model.text.Qwen2Tokenizer}, Hugging Face
 * tokenizers through DJL), the Qwen2 decoder ({@link dev.hart.model.text.Qwen2Model}) and HART's
 * {@code encode_prompts} ({@link dev.hart.model.text.Qwen2TextEncoder}, returning a
 * {@link dev.hart.model.text.PromptEncoding}). Verified against the reference by the parity kinds
 * {@code qwen2_tokenize}, {@code qwen2_forward} and {@code hart_encode_prompts}.
 */
package dev.hart.model.text;
