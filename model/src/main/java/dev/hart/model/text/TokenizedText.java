package dev.hart.model.text;

/**
 * One tokenized string: token ids and the tokenizer's attention mask (1 for real tokens, 0 for padding;
 * a literal pad token typed in the text keeps mask 1 here, unlike HART's {@code ids != pad} mask).
 */
public record TokenizedText(long[] ids, long[] attentionMask) {

    public int length() {
        return ids.length;
    }
}
