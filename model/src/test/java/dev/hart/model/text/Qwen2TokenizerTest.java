package dev.hart.model.text;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Qwen2TokenizerTest {

    private static Qwen2Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Qwen2Tokenizer.load(TinyModel.DIR);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void padTokenAndSideComeFromTokenizerConfig() {
        assertThat(tokenizer.padToken()).isEqualTo("<|endoftext|>");
        assertThat(tokenizer.padTokenId()).isEqualTo(TinyModel.PAD);
        assertThat(tokenizer.paddingSide()).isEqualTo(PaddingSide.RIGHT);
    }

    @Test
    void padsRightOrLeftAndTruncatesOnTheRight() {
        long[] ids = tokenizer.encode("Crocodile in a sweater.");
        assertThat(ids.length).isBetween(2, 20);

        TokenizedText right = tokenizer.tokenize("Crocodile in a sweater.", 24, true, PaddingSide.RIGHT);
        assertThat(Arrays.copyOf(right.ids(), ids.length)).containsExactly(ids);
        assertThat(Arrays.copyOfRange(right.ids(), ids.length, 24)).containsOnly(TinyModel.PAD);
        assertThat(Arrays.stream(right.attentionMask()).sum()).isEqualTo(ids.length);
        assertThat(right.attentionMask()[ids.length - 1]).isEqualTo(1);
        assertThat(right.attentionMask()[ids.length]).isEqualTo(0);

        TokenizedText left = tokenizer.tokenize("Crocodile in a sweater.", 24, true, PaddingSide.LEFT);
        assertThat(Arrays.copyOfRange(left.ids(), 24 - ids.length, 24)).containsExactly(ids);
        assertThat(left.attentionMask()[0]).isEqualTo(0);

        long[] longIds = tokenizer.encode("A 4k dslr image of a lemur wearing a red magician hat and a blue coat performing magic tricks");
        assertThat(longIds.length).isGreaterThan(24);
        TokenizedText truncated = tokenizer.tokenize("A 4k dslr image of a lemur wearing a red magician hat and a blue coat performing magic tricks", 24, false, PaddingSide.RIGHT);
        assertThat(truncated.ids()).containsExactly(Arrays.copyOf(longIds, 24));
        assertThat(truncated.attentionMask()).containsOnly(1L);
        // 'longest' for one string never pads
        assertThat(tokenizer.tokenize("Crocodile in a sweater.", 24, false, PaddingSide.RIGHT).ids()).containsExactly(ids);
    }

    @Test
    void emptyPromptPadsToMaxLengthLikeTheFastTokenizer() {
        assertThat(tokenizer.encode("")).isEmpty();
        TokenizedText t = tokenizer.tokenize("", 10, true, PaddingSide.RIGHT);
        assertThat(t.ids()).hasSize(10).containsOnly(TinyModel.PAD);
        assertThat(t.attentionMask()).containsOnly(0L);
    }

    @Test
    void specialTokensInTheTextAreSingleTokens() {
        long[] ids = tokenizer.encode("a<|im_start|>b<|endoftext|>");
        assertThat(ids).contains(646L, TinyModel.PAD);
        // a typed pad token is a real token for the tokenizer's own mask
        TokenizedText t = tokenizer.tokenize("<|endoftext|>", 4, true, PaddingSide.RIGHT);
        assertThat(t.ids()).containsOnly(TinyModel.PAD);
        assertThat(t.attentionMask()).containsExactly(1, 0, 0, 0);
    }

    @Test
    void noDefaultTruncationTo512Tokens() {
        String text = "cat ".repeat(700);
        assertThat(tokenizer.encode(text).length).isGreaterThanOrEqualTo(700);
        assertThat(tokenizer.tokenize(text, 600, true, PaddingSide.RIGHT).ids()).hasSize(600).doesNotContain(TinyModel.PAD);
    }

    @Test
    void badInputFailsClearly() {
        assertThatThrownBy(() -> tokenizer.encode(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokenizer.tokenize("x", 0, true, PaddingSide.RIGHT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_length");
        assertThatThrownBy(() -> Qwen2Tokenizer.load(Path.of("does-not-exist")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenizer.json");
    }
}
