package dev.hart.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.hart.model.config.NamedConfigs;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.io.WeightSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RandomWeightsTest {

    private static final Path MODELS = Path.of("src/test/resources/parity/models");

    @Test
    void layoutMatchesTheReferenceCheckpointsNameForNameAndShapeForShape() {
        for (String name : new String[] {"tiny-a", "tiny-b"}) {
            NamedConfigs.NamedConfig c = NamedConfigs.get(name);
            try (SafeTensors llm = SafeTensors.open(MODELS.resolve(name + "/llm/model.safetensors"));
                 SafeTensors tok = SafeTensors.open(MODELS.resolve(name + "/tokenizer/model.safetensors"))) {
                assertSameLayout(RandomWeights.llm(c.llm(), c.tokenizer(), 1), llm);
                assertSameLayout(RandomWeights.vae(c.tokenizer(), 1), HartCheckpointDir.vaeView(tok));
            }
        }
    }

    private static void assertSameLayout(WeightSource random, WeightSource real) {
        assertThat(random.names()).containsExactlyInAnyOrderElementsOf(real.names());
        for (String n : real.names()) {
            assertThat(random.shape(n)).as(n).containsExactly(real.shape(n));
        }
    }

    @Test
    void buffersAreBuiltAsTheReferenceBuildsThem() {
        NamedConfigs.NamedConfig c = NamedConfigs.get("tiny-b");
        RandomWeights w = RandomWeights.llm(c.llm(), c.tokenizer(), 7);
        try (SafeTensors llm = SafeTensors.open(MODELS.resolve("tiny-b/llm/model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertThat(w.load(m, "lvl_1L").toLongArray()).containsExactly(llm.longs("lvl_1L"));
            assertThat(w.floats("attn_bias_for_masking")).containsExactly(llm.floats("attn_bias_for_masking"));
            assertThat(w.floats("blocks.0.attn.zero_k_bias")).containsOnly(0f);
        }
    }

    @Test
    void valuesDependOnlyOnSeedAndNameAndArePlausible() {
        NamedConfigs.NamedConfig c = NamedConfigs.get("tiny-a");
        RandomWeights a = RandomWeights.llm(c.llm(), c.tokenizer(), 42);
        RandomWeights b = RandomWeights.llm(c.llm(), c.tokenizer(), 42);
        RandomWeights other = RandomWeights.llm(c.llm(), c.tokenizer(), 43);
        assertThat(a.floats("head.weight")).containsExactly(b.floats("head.weight"));
        assertThat(a.floats("head.weight")).isNotEqualTo(other.floats("head.weight"));
        assertThat(a.floats("head.weight")).isNotEqualTo(a.floats("blocks.0.attn.proj.weight"));
        float[] w = a.floats("blocks.0.ffn.down_proj.weight"); // fan-in 256: std 1/16
        double sq = 0;
        for (float v : w) {
            sq += v * v;
        }
        assertThat(Math.sqrt(sq / w.length)).isCloseTo(1.0 / 16, within(0.01));
        float[] norm = a.floats("blocks.0.ln_wo_grad.weight");
        for (float v : norm) {
            assertThat(v).isBetween(0.9f, 1.1f);
        }
    }

    @Test
    void officialSizesMatchTheSpecAndOnlyRequestedTensorsAreMaterialised() {
        NamedConfigs.NamedConfig c = NamedConfigs.get("hart-0.7b-1024px");
        RandomWeights llm = RandomWeights.llm(c.llm(), c.tokenizer(), 1);
        long transformer = 0;
        long diffusion = 0;
        for (Map.Entry<String, TensorSpec> e : llm.layout().entrySet()) {
            TensorSpec.Kind k = e.getValue().kind();
            if (k == TensorSpec.Kind.LEVELS || k == TensorSpec.Kind.CAUSAL_MASK || k == TensorSpec.Kind.ZEROS) {
                continue; // buffers
            }
            if (e.getKey().startsWith("diffloss.")) {
                diffusion += e.getValue().numel();
            } else {
                transformer += e.getValue().numel();
            }
        }
        // spec addendum: 693.2M transformer + 36.6M diffusion; VAE 108.9M
        assertThat(transformer / 1e6).isCloseTo(693.2, within(0.1));
        assertThat(diffusion / 1e6).isCloseTo(36.6, within(0.1));
        long vae = RandomWeights.vae(c.tokenizer(), 1).layout().values().stream()
                .filter(s -> s.kind() != TensorSpec.Kind.ZEROS).mapToLong(TensorSpec::numel).sum();
        assertThat(vae / 1e6).isCloseTo(108.9, within(0.1));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray head = llm.load(m, "head.weight", 4096, 1536);
            assertThat(head.getShape().getShape()).containsExactly(4096, 1536);
        }
    }
}
