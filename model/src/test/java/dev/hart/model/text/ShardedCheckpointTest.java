package dev.hart.model.text;

import dev.hart.model.io.SafeTensors;
import dev.hart.model.io.SafeTensorsWriter;
import dev.hart.model.io.ShardedWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tiny checkpoint split into two shards with an index loads and encodes exactly like the single file. */
class ShardedCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void shardedCheckpointEncodesLikeTheSingleFile() throws Exception {
        Map<String, SafeTensorsWriter.Tensor> first = new LinkedHashMap<>();
        Map<String, SafeTensorsWriter.Tensor> second = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\":{\"total_size\":0},\"weight_map\":{");
        try (SafeTensors st = SafeTensors.open(TinyModel.DIR.resolve("model.safetensors"))) {
            int i = 0;
            for (String name : st.names()) {
                boolean inFirst = i++ % 2 == 0;
                (inFirst ? first : second).put(name, new SafeTensorsWriter.Tensor(st.shape(name), st.floats(name)));
                index.append(i > 1 ? "," : "").append('"').append(name).append("\":\"")
                        .append(inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors").append('"');
            }
        }
        // an LM head the text encoder must ignore
        second.put("lm_head.weight", new SafeTensorsWriter.Tensor(new long[] {2, 2}, new float[4]));
        index.append(",\"lm_head.weight\":\"model-00002-of-00002.safetensors\"}}");
        SafeTensorsWriter.write(tmp.resolve("model-00001-of-00002.safetensors"), first);
        SafeTensorsWriter.write(tmp.resolve("model-00002-of-00002.safetensors"), second);
        Files.writeString(tmp.resolve("model.safetensors.index.json"), index);
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(TinyModel.DIR.resolve(f), tmp.resolve(f));
        }

        try (ShardedWeights sharded = ShardedWeights.open(tmp.resolve("model.safetensors.index.json"), SafeTensors::open)) {
            assertThat(sharded.names()).contains("model.norm.weight", "model.embed_tokens.weight", "lm_head.weight");
            assertThat(sharded.shape("model.embed_tokens.weight")).containsExactly(704, 64);
            assertThatThrownBy(() -> sharded.shape("model.nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("model.nope");
        }

        List<String> prompts = List.of("Crocodile in a sweater.", "A red circle on a blue background.");
        try (Qwen2TextEncoder single = Qwen2TextEncoder.load(TinyModel.DIR, 24);
             Qwen2TextEncoder fromShards = Qwen2TextEncoder.load(tmp, 24)) {
            assertThat(fromShards.encode(prompts, true).context()).containsExactly(single.encode(prompts, true).context());
        }
    }

    @Test
    void qwen2VlLayoutWithLanguageModelPrefixAndNestedTextConfigLoads() throws Exception {
        Map<String, SafeTensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(TinyModel.DIR.resolve("model.safetensors"))) {
            for (String name : st.names()) {
                tensors.put(name.replaceFirst("^model\\.", "model.language_model."), new SafeTensorsWriter.Tensor(st.shape(name), st.floats(name)));
            }
        }
        tensors.put("model.visual.patch_embed.proj.weight", new SafeTensorsWriter.Tensor(new long[] {2}, new float[2]));
        SafeTensorsWriter.write(tmp.resolve("model.safetensors"), tensors);
        String text = Files.readString(TinyModel.DIR.resolve("config.json"));
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\":\"qwen2_vl\",\"vision_config\":{\"depth\":2},\"text_config\":" + text + "}");
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(TinyModel.DIR.resolve(f), tmp.resolve(f));
        }
        List<String> prompts = List.of("Crocodile in a sweater.");
        try (Qwen2TextEncoder single = Qwen2TextEncoder.load(TinyModel.DIR, 24);
             Qwen2TextEncoder vl = Qwen2TextEncoder.load(tmp, 24)) {
            assertThat(vl.config()).isEqualTo(single.config());
            assertThat(vl.encode(prompts, false).context()).containsExactly(single.encode(prompts, false).context());
        }
    }

    @Test
    void indexNamingAMissingShardFailsClearly() throws Exception {
        Files.writeString(tmp.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"model.norm.weight\":\"model-00009-of-00009.safetensors\"}}");
        assertThatThrownBy(() -> ShardedWeights.openSafetensorsDirectory(tmp))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model-00009-of-00009.safetensors");
        Files.delete(tmp.resolve("model.safetensors.index.json"));
        assertThatThrownBy(() -> ShardedWeights.openSafetensorsDirectory(tmp))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model.safetensors");
    }
}
