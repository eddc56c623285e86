package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RandomQwen2WeightsTest {

    @Test
    void seededPerTensorAndIndependentOfLoadOrder() {
        Qwen2Config c = Qwen2Config.load(TinyModel.DIR);
        try (NDManager m = NDManager.newBaseManager()) {
            RandomQwen2Weights a = new RandomQwen2Weights(c, 7);
            RandomQwen2Weights b = new RandomQwen2Weights(c, 7);
            float[] up = b.load(m, "layers.1.mlp.up_proj.weight").toFloatArray();
            b.load(m, "layers.0.self_attn.q_proj.weight");
            assertThat(a.load(m, "layers.1.mlp.up_proj.weight").toFloatArray()).containsExactly(up);
            assertThat(new RandomQwen2Weights(c, 8).load(m, "layers.1.mlp.up_proj.weight").toFloatArray()).isNotEqualTo(up);
            assertThat(a.load(m, "layers.0.self_attn.q_proj.weight", 64, 64).toFloatArray())
                    .isNotEqualTo(a.load(m, "layers.0.self_attn.k_proj.weight", 32, 64).toFloatArray());
            assertThat(a.load(m, "norm.weight").toFloatArray()).containsOnly(1f);
            assertThat(a.names()).hasSize(1 + 2 * 12 + 1);
            assertThatThrownBy(() -> a.shape("lm_head.weight")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void largeTensorsAreFilledChunkByChunkWithTheRightSpread() {
        // 70000 x 64 = 4.48M values: more than one generation chunk
        Qwen2Config c = new Qwen2Config(64, 1, 4, 2, 16, 176, 70_000, 1e6, 1e-6, true);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = new RandomQwen2Weights(c, 3).load(m, "embed_tokens.weight");
            assertThat(e.getShape().getShape()).containsExactly(70_000, 64);
            float[] v = e.toFloatArray();
            double sum = 0;
            double sq = 0;
            for (float x : v) {
                sum += x;
                sq += x * x;
            }
            assertThat(sum / v.length).isCloseTo(0.0, within(1e-3));
            assertThat(Math.sqrt(sq / v.length)).isCloseTo(0.02, within(1e-3));
            float lastRowAbs = 0;
            for (int i = v.length - 64; i < v.length; i++) {
                lastRowAbs += Math.abs(v[i]);
            }
            assertThat(lastRowAbs).isGreaterThan(0f);
        }
    }

    @Test
    void anEncoderRunsOnRandomWeights() {
        Qwen2Config c = Qwen2Config.load(TinyModel.DIR);
        try (Qwen2TextEncoder enc = Qwen2TextEncoder.create(c, new RandomQwen2Weights(c, 1), Qwen2Tokenizer.load(TinyModel.DIR), 16)) {
            PromptEncoding e = enc.encode(List.of("a red circle"), true);
            assertThat(e.context()).hasSize(16 * 64);
            for (float x : e.context()) {
                assertThat(Float.isFinite(x)).isTrue();
            }
        }
    }
}
