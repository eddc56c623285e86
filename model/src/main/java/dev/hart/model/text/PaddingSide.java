package dev.hart.model.text;

/** Where pad tokens go. Qwen2 tokenizers pad on the right unless tokenizer_config.json says otherwise. */
public enum PaddingSide {
    RIGHT,
    LEFT
}
