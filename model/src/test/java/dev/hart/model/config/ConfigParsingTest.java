package dev.hart.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigParsingTest {

    private static final Path PARITY = Path.of("src/test/resources/parity");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode manifestModel(String name) throws Exception {
        return JSON.readTree(Files.readString(PARITY.resolve("manifest.json"))).path("models").path(name);
    }

    @Test
    void derivedValuesMatchTheReferenceForTheParityConfigs() throws Exception {
        for (String name : new String[] {"tiny-a", "tiny-b"}) {
            HartConfig c = HartConfig.load(PARITY.resolve("models/" + name + "/llm/config.json"));
            TokenizerConfig t = TokenizerConfig.load(PARITY.resolve("models/" + name + "/tokenizer/config.json"));
            JsonNode derived = manifestModel(name).path("derived");
            assertThat(c.headDim()).isEqualTo(derived.path("head_dim").asInt());
            assertThat(c.ffnHidden()).isEqualTo(derived.path("ffn_hidden").asInt());
            assertThat(c.maxPositionEmbeddings()).isEqualTo(derived.path("max_position_embeddings").asInt());
            assertThat(c.lastPatch() * t.downsample()).isEqualTo(derived.path("image_size").asInt());
            int[] tokens = c.tokensPerScale();
            JsonNode want = derived.path("tokens_per_stage");
            assertThat(tokens).hasSize(want.size());
            for (int i = 0; i < tokens.length; i++) {
                assertThat(tokens[i]).isEqualTo(want.get(i).asInt());
            }
        }
    }

    @Test
    void parsesTinyAFields() {
        HartConfig c = HartConfig.load(PARITY.resolve("models/tiny-a/llm/config.json"));
        assertThat(c.embedDim()).isEqualTo(64);
        assertThat(c.patchNums()).containsExactly(1, 2, 3, 4, 6, 8);
        assertThat(c.sepAlnPoolingMode()).isEqualTo("avg");
        assertThat(c.useContextNorm()).isTrue();
        assertThat(c.vaePath()).isNull();
        assertThat(c.seqLen()).isEqualTo(137);
        assertThat(c.diffusionSteps()).isEqualTo(8);
        assertThat(c.llamaAttention()).isTrue();
        TokenizerConfig t = TokenizerConfig.load(PARITY.resolve("models/tiny-a/tokenizer/config.json"));
        assertThat(t.vocabSize()).isEqualTo(1024);
        assertThat(t.zChannels()).isEqualTo(8);
        assertThat(t.chMult()).containsExactly(1, 1, 2);
        assertThat(t.channels(2)).isEqualTo(64);
        assertThat(t.downsample()).isEqualTo(4);
        assertThat(t.phiCount()).isEqualTo(4);
        assertThat(t.quantizerType()).isEqualTo("var_hybrid");
    }

    @Test
    void ffnHiddenFollowsTheLlamaFormula() {
        assertThat(withEmbed(1536).ffnHidden()).isEqualTo(4096);
        assertThat(withEmbed(96).ffnHidden()).isEqualTo(256);
        assertThat(withEmbed(128).ffnHidden()).isEqualTo(512);
    }

    private static HartConfig withEmbed(int c) {
        ObjectNode n = minimalLlm();
        n.put("embed_dim", c);
        n.put("num_heads", 4);
        return HartConfig.fromJson(n, "test");
    }

    private static ObjectNode minimalLlm() {
        ObjectNode n = JSON.createObjectNode();
        n.put("context_token", 8).put("context_dim", 32).put("embed_dim", 64).put("depth", 2).put("num_heads", 4)
                .put("diff_width", 64).put("diff_depth", 2);
        n.putArray("patch_nums").add(1).add(2).add(4);
        return n;
    }

    @Test
    void unknownFieldsAreToleratedAndDefaultsApplied() {
        ObjectNode n = minimalLlm();
        n.put("some_future_field", "whatever");
        n.putObject("nested_unknown").put("a", 1);
        HartConfig c = HartConfig.fromJson(n, "test");
        assertThat(c.sepAlnPoolingMode()).isEqualTo("max");
        assertThat(c.normEps()).isEqualTo(1e-6);
        assertThat(c.mlpRatio()).isEqualTo(4.0);
        assertThat(c.attnType()).isEqualTo("gpt2");
        assertThat(c.numSamplingSteps()).isEqualTo("8");
    }

    @Test
    void missingRequiredFieldNamesTheFieldAndSource() {
        ObjectNode n = minimalLlm();
        n.remove("embed_dim");
        assertThatThrownBy(() -> HartConfig.fromJson(n, "llm/config.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("llm/config.json").hasMessageContaining("'embed_dim'");
        ObjectNode t = JSON.createObjectNode().put("vocab_size", 16).put("ch", 32);
        t.putArray("ch_mult").add(1);
        assertThatThrownBy(() -> TokenizerConfig.fromJson(t, "tokenizer/config.json"))
                .hasMessageContaining("'z_channels'");
    }

    @Test
    void wrongTypesAndInconsistentValuesAreRejected() {
        ObjectNode n = minimalLlm();
        n.put("depth", "two");
        assertThatThrownBy(() -> HartConfig.fromJson(n, "x")).hasMessageContaining("'depth'").hasMessageContaining("integer");
        ObjectNode m = minimalLlm();
        m.put("num_heads", 5);
        assertThatThrownBy(() -> HartConfig.fromJson(m, "x")).hasMessageContaining("not divisible");
        ObjectNode p = minimalLlm();
        p.putArray("patch_nums").add(1).add(3).add(2);
        assertThatThrownBy(() -> HartConfig.fromJson(p, "x")).hasMessageContaining("increasing");
        assertThatThrownBy(() -> HartConfig.fromJson(JSON.createArrayNode(), "x")).hasMessageContaining("JSON object");
    }
}
