package dev.hart.model.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Qwen2ConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheTinyCheckpointConfig() {
        Qwen2Config c = Qwen2Config.load(TinyModel.DIR);
        assertThat(c).isEqualTo(new Qwen2Config(64, 2, 4, 2, 16, 176, 704, 1_000_000.0, 1e-6, true));
        assertThat(c.queryDim()).isEqualTo(64);
        assertThat(c.keyValueDim()).isEqualTo(32);
    }

    @Test
    void readsNestedTextConfigAndRopeParametersOfNewerQwen2VlConfigs() throws Exception {
        String json = "{\"model_type\":\"qwen2_vl\",\"vision_config\":{\"hidden_size\":1280},"
                + "\"text_config\":{\"hidden_size\":1536,\"num_hidden_layers\":28,\"num_attention_heads\":12,"
                + "\"num_key_value_heads\":2,\"intermediate_size\":8960,\"vocab_size\":151936,\"rms_norm_eps\":1e-6,"
                + "\"rope_parameters\":{\"rope_type\":\"mrope\",\"rope_theta\":1000000.0,\"mrope_section\":[16,24,24]},"
                + "\"some_unknown_field\":true},\"tie_word_embeddings\":true}";
        assertThat(Qwen2Config.fromJson(JSON.readTree(json), "test")).isEqualTo(Qwen2Config.qwen2Vl1_5B());
    }

    @Test
    void missingOrInconsistentFieldsFailWithTheirName() throws Exception {
        assertThatThrownBy(() -> Qwen2Config.fromJson(JSON.readTree("{\"num_hidden_layers\":2}"), "cfg"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden_size");
        String badHeads = "{\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":3,"
                + "\"intermediate_size\":8,\"vocab_size\":10}";
        assertThatThrownBy(() -> Qwen2Config.fromJson(JSON.readTree(badHeads), "cfg"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_key_value_heads");
        assertThatThrownBy(() -> Qwen2Config.load(TinyModel.DIR.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config.json");
    }
}
