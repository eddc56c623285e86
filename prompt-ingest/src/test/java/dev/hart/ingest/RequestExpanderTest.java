package dev.hart.ingest;

import dev.hart.schemas.avro.GenerationRequest;
import dev.hart.schemas.avro.PromptEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestExpanderTest {
    private final RequestExpander expander = new RequestExpander(PromptRules.defaults("ckpt-a"));

    @Test
    void expandsNumImagesWithConsecutiveSeedsAndSuffixedIds() {
        PromptEvent e = PromptEvent.newBuilder().setPrompt(" a cat ").setNumImages(3).setSeed(10L)
                .setMetadata(Map.of("k", "v")).build();
        List<GenerationRequest> out = expander.expand(e, "req", 1000L, 1500L);
        assertThat(out).extracting(r -> r.getRequest().getRequestId()).containsExactly("req-0", "req-1", "req-2");
        assertThat(out).extracting(r -> r.getRequest().getSeed()).containsExactly(10L, 11L, 12L);
        assertThat(out).extracting(r -> r.getRequest().getImageIndex()).containsExactly(0, 1, 2);
        for (GenerationRequest r : out) {
            assertThat(r.getRequest().getPrompt()).isEqualTo("a cat");
            assertThat(r.getRequest().getJobId()).isEqualTo("default");
            assertThat(r.getRequest().getCheckpointId()).isEqualTo("ckpt-a");
            assertThat(r.getRequest().getMetadata()).containsEntry("k", "v");
            assertThat(r.getRequest().getSubmittedAtMs()).isEqualTo(1000L);
            assertThat(r.getRequest().getStageTimingsMs()).containsEntry("ingest", 500L);
            assertThat(r.getAcceptedAtMs()).isEqualTo(1500L);
        }
    }

    @Test
    void singleImageKeepsTheRequestIdAndDerivesASeedFromIt() {
        PromptEvent e = PromptEvent.newBuilder().setPrompt("a dog").build();
        List<GenerationRequest> first = expander.expand(e, "req-x", 1L, 2L);
        List<GenerationRequest> again = expander.expand(e, "req-x", 5L, 6L);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).getRequest().getRequestId()).isEqualTo("req-x");
        assertThat(first.get(0).getRequest().getSeed()).isEqualTo(again.get(0).getRequest().getSeed())
                .isEqualTo(RequestExpander.seedFor("req-x"));
        assertThat(RequestExpander.seedFor("req-x")).isNotEqualTo(RequestExpander.seedFor("req-y"));
        assertThat(RequestExpander.seedFor("req-x")).isBetween(0L, (long) Integer.MAX_VALUE);
    }

    @Test
    void seedDerivationIsPinned() {
        // SHA-256("abc") starts ba7816bf 8f01cfea: the low 31 bits of 0xba7816bf8f01cfea
        assertThat(RequestExpander.seedFor("abc")).isEqualTo(0x0f01cfeaL);
    }
}
