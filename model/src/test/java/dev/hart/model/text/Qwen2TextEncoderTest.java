package dev.hart.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class Qwen2TextEncoderTest {

    private static Qwen2TextEncoder encoder;

    @BeforeAll
    static void load() {
        encoder = Qwen2TextEncoder.load(TinyModel.DIR, 24);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void systemPromptIsHartsByteForByte() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(TinyModel.MANIFEST.toFile());
        List<String> seen = new ArrayList<>();
        for (JsonNode c : manifest.path("cases")) {
            if (c.path("args").has("system_prompt")) {
                seen.add(c.path("args").path("system_prompt").asText());
            }
        }
        assertThat(seen).isNotEmpty().containsOnly(Qwen2TextEncoder.HART_SYSTEM_PROMPT);
        assertThat(Qwen2TextEncoder.DEFAULT_MAX_LENGTH).isEqualTo(300);
    }

    @Test
    void encodingHasHartsShapesMaskAndPositions() {
        PromptEncoding e = encoder.encode(List.of("Crocodile in a sweater.", "A photo <|endoftext|> of a dog"), true);
        assertThat(e.batch()).isEqualTo(2);
        assertThat(e.length()).isEqualTo(24);
        assertThat(e.hidden()).isEqualTo(64);
        assertThat(e.context()).hasSize(2 * 24 * 64);
        for (float v : e.context()) {
            assertThat(Float.isFinite(v)).isTrue();
        }
        for (int i = 0; i < e.tokens().length; i++) {
            assertThat(e.mask()[i]).isEqualTo(e.tokens()[i] == TinyModel.PAD ? 0 : 1);
        }
        // a literal <|endoftext|> in the prompt is masked (HART's ids != pad) and positions skip it
        int row = 24;
        int typedPad = -1;
        for (int j = 0; j < 24; j++) {
            if (e.tokens()[row + j] == TinyModel.PAD) {
                typedPad = j;
                break;
            }
        }
        assertThat(typedPad).isPositive();
        assertThat(e.mask()[row + typedPad + 1]).isEqualTo(1);
        assertThat(e.positionIds()[row + typedPad + 1]).isEqualTo(e.positionIds()[row + typedPad - 1] + 1);
        assertThat(e.positionIds()[row + typedPad]).isEqualTo(e.positionIds()[row + typedPad - 1]);
    }

    @Test
    void rowsDoNotDependOnTheRestOfTheBatch() {
        PromptEncoding both = encoder.encode(List.of("Crocodile in a sweater.", "A red circle on a blue background."), true);
        PromptEncoding alone = encoder.encode(List.of("A red circle on a blue background."), true);
        PromptEncoding row = both.row(1);
        assertThat(row.tokens()).containsExactly(alone.tokens());
        for (int i = 0; i < alone.context().length; i++) {
            assertThat(row.context()[i]).isCloseTo(alone.context()[i], within(1e-5f));
        }
    }

    @Test
    void systemPromptChangesTheContextButNotTokensMaskOrPositions() {
        PromptEncoding on = encoder.encode(List.of("Crocodile in a sweater."), true);
        PromptEncoding off = encoder.encode(List.of("Crocodile in a sweater."), false);
        assertThat(on.tokens()).containsExactly(off.tokens());
        assertThat(on.mask()).containsExactly(off.mask());
        assertThat(on.positionIds()).containsExactly(off.positionIds());
        assertThat(on.context()).isNotEqualTo(off.context());
    }

    @Test
    void emptyPromptWithoutSystemPromptIsFullyMaskedYetFinite() {
        PromptEncoding e = encoder.encode(List.of(""), false);
        assertThat(e.mask()).containsOnly(0L);
        assertThat(e.positionIds()).containsOnly(-1L);
        for (float v : e.context()) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void badInputFailsClearly() {
        assertThatThrownBy(() -> encoder.encode(List.of(), true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.encode(Arrays.asList("ok", null), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prompt 1");
        assertThatThrownBy(() -> Qwen2TextEncoder.load(Path.of("no-such-dir")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-dir");
    }
}
