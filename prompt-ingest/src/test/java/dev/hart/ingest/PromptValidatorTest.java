package dev.hart.ingest;

import dev.hart.schemas.avro.PromptEvent;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptValidatorTest {
    private final PromptValidator validator = new PromptValidator(PromptRules.defaults("ckpt-a", "ckpt-b"));

    private static PromptEvent.Builder event(String prompt) {
        return PromptEvent.newBuilder().setPrompt(prompt).setMetadata(new HashMap<>());
    }

    private Optional<String> reason(PromptEvent.Builder b) {
        return validator.validate(b.build(), "req-1").map(Rejection::reason);
    }

    @Test
    void acceptsAValidEventWithEveryFieldAtItsLimit() {
        assertThat(reason(event("x".repeat(2000)).setCfg(50f).setTopK(4096).setTopP(1f).setNumImages(1000)
                .setNumDiffusionSteps(100).setCheckpointId("ckpt-b").setSeed(Long.MAX_VALUE - 1000))).isEmpty();
        assertThat(reason(event("a").setCfg(0f).setTopK(0).setTopP(0f).setNumImages(1).setNumDiffusionSteps(1))).isEmpty();
    }

    @Test
    void rejectsEachInvalidFieldWithAReason() {
        assertThat(reason(event(""))).contains("empty prompt");
        assertThat(reason(event(" \t\n "))).contains("empty prompt");
        assertThat(reason(event("x".repeat(2001)))).contains("prompt too long: 2001 characters, limit 2000");
        assertThat(reason(event("a").setCfg(-0.5f))).contains("cfg -0.5 out of range [0.0, 50.0]");
        assertThat(reason(event("a").setCfg(Float.NaN))).get().asString().startsWith("cfg NaN out of range");
        assertThat(reason(event("a").setTopK(-1))).get().asString().startsWith("topK -1 out of range [0, 4096]");
        assertThat(reason(event("a").setTopK(4097))).get().asString().startsWith("topK 4097 out of range");
        assertThat(reason(event("a").setTopP(-0.1f))).contains("topP -0.1 out of range [0, 1]");
        assertThat(reason(event("a").setNumImages(0))).contains("numImages 0 out of range [1, 1000]");
        assertThat(reason(event("a").setNumDiffusionSteps(0))).contains("numDiffusionSteps 0 out of range [1, 100]");
        assertThat(reason(event("a").setNumDiffusionSteps(101))).contains("numDiffusionSteps 101 out of range [1, 100]");
        assertThat(reason(event("a").setCheckpointId("nope"))).contains("unknown checkpoint 'nope' (known: ckpt-a, ckpt-b)");
        assertThat(reason(event("a").setSeed(Long.MAX_VALUE).setNumImages(2))).get().asString().contains("too large");
        assertThat(validator.validate(event("a").build(), "r".repeat(257))).get()
                .extracting(Rejection::reason).asString().startsWith("request id too long");
    }

    @Test
    void countsUnicodeCodePointsNotUtf16Units() {
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        assertThat(reason(event(emoji.repeat(2000)))).isEmpty();
        assertThat(reason(event(emoji.repeat(2001)))).contains("prompt too long: 2001 characters, limit 2000");
    }

    @Test
    void rulesFromPropertiesAndBadRules() {
        Properties p = new Properties();
        p.setProperty("hart.ingest.prompt.max.chars", "10");
        p.setProperty("hart.ingest.checkpoints", "demo, big");
        p.setProperty("hart.ingest.cfg.max", "10");
        PromptRules rules = PromptRules.fromProperties(p);
        assertThat(rules.maxPromptChars()).isEqualTo(10);
        assertThat(rules.checkpoints()).containsExactlyInAnyOrder("demo", "big");
        assertThat(rules.defaultCheckpoint()).isEqualTo("demo");
        assertThat(new PromptValidator(rules).validate(event("a").setCfg(11f).build(), "r")).isPresent();

        p.setProperty("hart.ingest.checkpoint.default", "missing");
        assertThatThrownBy(() -> PromptRules.fromProperties(p)).hasMessageContaining("default checkpoint 'missing'");
        Properties bad = new Properties();
        bad.setProperty("hart.ingest.cfg.max", "lots");
        assertThatThrownBy(() -> PromptRules.fromProperties(bad)).hasMessageContaining("hart.ingest.cfg.max must be a number");
    }
}
