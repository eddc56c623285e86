package dev.hart.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.Trace;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.checkpoint.RandomWeights;
import dev.hart.model.config.HartConfig;
import dev.hart.model.config.NamedConfigs;
import dev.hart.model.config.TokenizerConfig;
import dev.hart.model.diffusion.ResidualDiffusion;
import dev.hart.model.diffusion.SimpleMlpAdaLn;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.io.WeightSource;
import dev.hart.model.SeededRandomSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each pipeline stage loads only its part of the checkpoint; bad tensors fail at load with their name. */
class PartLoadingTest {

    private static final Path TINY_A = Path.of("src/test/resources/parity/models/tiny-a");

    /** Only the tensors whose names pass {@code keep}, as if the rest were not in the file. */
    private static WeightSource only(WeightSource w, Predicate<String> keep) {
        return new WeightSource() {
            @Override
            public Set<String> names() {
                return w.names().stream().filter(keep).collect(Collectors.toSet());
            }

            @Override
            public boolean contains(String name) {
                return keep.test(name) && w.contains(name);
            }

            @Override
            public long[] shape(String name) {
                if (!contains(name)) {
                    throw new IllegalArgumentException("no tensor " + name);
                }
                return w.shape(name);
            }

            @Override
            public NDArray load(NDManager manager, String name) {
                if (!contains(name)) {
                    throw new IllegalArgumentException("no tensor " + name);
                }
                return w.load(manager, name);
            }
        };
    }

    /** Reports a wrong shape for one tensor. */
    private static WeightSource misshapen(WeightSource w, String bad, long... shape) {
        return new WeightSource() {
            @Override
            public Set<String> names() {
                return w.names();
            }

            @Override
            public boolean contains(String name) {
                return w.contains(name);
            }

            @Override
            public long[] shape(String name) {
                return name.equals(bad) ? shape : w.shape(name);
            }

            @Override
            public NDArray load(NDManager manager, String name) {
                return w.load(manager, name);
            }
        };
    }

    @Test
    void eachPartLoadsFromItsOwnTensorsAlone() {
        TokenizerConfig tc = TokenizerConfig.load(TINY_A.resolve("tokenizer/config.json"));
        HartConfig hc = HartConfig.load(TINY_A.resolve("llm/config.json"));
        try (SafeTensors tokFile = SafeTensors.open(TINY_A.resolve("tokenizer/model.safetensors"));
             SafeTensors llmFile = SafeTensors.open(TINY_A.resolve("llm/model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            WeightSource vae = HartCheckpointDir.vaeView(tokFile);
            try (VaeDecoder dec = HybridTokenizer.loadDecoder(only(vae, n -> n.startsWith("decoder.") || n.startsWith("post_quant_conv.")), tc, m);
                 MultiScaleQuantizer q = HybridTokenizer.loadQuantizer(only(vae, n -> n.startsWith("quantize.")), tc, m);
                 VaeEncoder enc = HybridTokenizer.loadEncoder(only(vae, n -> n.startsWith("encoder.") || n.startsWith("quant_conv.")), tc, m);
                 SimpleMlpAdaLn net = SimpleMlpAdaLn.load(only(llmFile, n -> n.startsWith("diffloss.net.")), hc, tc.zChannels(), m)) {
                NDArray img = dec.decode(m.zeros(new Shape(1, 8, 8, 8)), Trace.NONE);
                assertThat(img.getShape().getShape()).containsExactly(1, 3, 32, 32);
                assertThat(q.codebook().getShape().getShape()).containsExactly(1024, 8);
                assertThat(enc.encode(m.zeros(new Shape(1, 3, 32, 32)), Trace.NONE).getShape().getShape()).containsExactly(1, 8, 8, 8);
                assertThat(net.width()).isEqualTo(64);
            }
            // the decoder cannot be loaded from the encoder's tensors: the first missing one is named
            assertThatThrownBy(() -> HybridTokenizer.loadDecoder(only(vae, n -> n.startsWith("encoder.")), tc, m))
                    .hasMessageContaining("missing tensor 'post_quant_conv.weight'");
        }
    }

    @Test
    void misshapenTensorFailsWithNameAndBothShapes() {
        TokenizerConfig tc = TokenizerConfig.load(TINY_A.resolve("tokenizer/config.json"));
        try (SafeTensors tokFile = SafeTensors.open(TINY_A.resolve("tokenizer/model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            WeightSource bad = misshapen(HartCheckpointDir.vaeView(tokFile), "decoder.up.1.block.0.nin_shortcut.weight", 32, 64, 3, 3);
            assertThatThrownBy(() -> HybridTokenizer.loadDecoder(bad, tc, m))
                    .hasMessageContaining("decoder.up.1.block.0.nin_shortcut.weight")
                    .hasMessageContaining("[32, 64, 3, 3]")
                    .hasMessageContaining("expected [32, 64, 1, 1]");
        }
    }

    @Test
    void randomWeightsDriveTheWholeDecodeAndDiffusionPaths() {
        NamedConfigs.NamedConfig c = NamedConfigs.get("tiny-b");
        try (NDManager m = NDManager.newBaseManager();
             VaeDecoder dec = HybridTokenizer.loadDecoder(RandomWeights.vae(c.tokenizer(), 3), c.tokenizer(), m);
             ResidualDiffusion diff = ResidualDiffusion.load(RandomWeights.llm(c.llm(), c.tokenizer(), 3), c.llm(),
                     c.tokenizer().zChannels(), m)) {
            NDArray residual = diff.sample(m.randomNormal(new Shape(4, 96)), 1.0, 4.5, new SeededRandomSource(1), Trace.NONE);
            assertThat(residual.getShape().getShape()).containsExactly(4, 16);
            assertThat(residual.isNaN().any().getBoolean()).isFalse();
            float[] img = dec.decode(m.randomNormal(new Shape(1, 16, 10, 10)), Trace.NONE).toFloatArray();
            assertThat(img).hasSize(3 * 20 * 20);
            for (float v : img) {
                assertThat(v).isBetween(-1f, 1f);
            }
        }
    }
}
