package dev.hart.cli.bench;

import dev.hart.model.config.NamedConfigs;
import dev.hart.model.text.Qwen2Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The analytic MAC counts against sums worked out by hand from the architecture (numbers in the comments). */
class ModelMacsTest {

    @Test
    void decoderOfTinyAMatchesTheHandCount() {
        // tiny-a tokenizer: z 8, ch 32, ch_mult (1,1,2), latent 8x8 -> image 32x32. Per layer H*W*Cin*Cout*k*k:
        // post_quant_conv 36864, conv_in 294912, mid: 2 resnets 2x4718592 + attn 1572864 (qkv 786432, proj 262144,
        // attention 2*64^2*64 = 524288), up.2 (64 ch @8): 3 resnets 14155776 + 3 attn 4718592 + upsample conv @16
        // 9437184, up.1 (32 ch @16): 7602176 (with nin_shortcut) + 9437184 + upsample @32 9437184,
        // up.0 (32 ch @32): 56623104, conv_out 884736.
        var c = NamedConfigs.get("tiny-a");
        assertThat(ModelMacs.decoder(c.tokenizer(), 8, 1)).isEqualTo(123_637_760.0);
        assertThat(ModelMacs.decoder(c.tokenizer(), 8, 3)).isEqualTo(3 * 123_637_760.0);
    }

    @Test
    void oneArScaleOfTinyAMatchesTheHandCount() {
        // tiny-a: C 64, depth 2, FFN 256, V 1024, T 8. Scale 1: pn 2 -> 4 query tokens, KV length 8 + 4 = 12, rows 2 (CFG).
        // per row and block: 4*(3*64^2 + 64^2 + 3*64*256) + 2*4*12*64 + 64*6*64 = 292864 -> x2 rows x2 blocks = 1171456
        // head 2*(4*64*1024 + 64*2*64) = 540672; next word_embed 9*8*64 = 4608; phi conv on 8x8x8 with k3 = 36864
        var c = NamedConfigs.get("tiny-a");
        assertThat(ModelMacs.arStage(c.llm(), c.tokenizer(), 1, 1)).isEqualTo(1_753_600.0);
    }

    @Test
    void arCostGrowsWithBatchAndScales() {
        var c = NamedConfigs.get("hart-0.7b-256px");
        double one = ModelMacs.arTotal(c.llm(), c.tokenizer(), 1);
        // per request, except scale 0's single unconditional token, which the batch shares
        assertThat(ModelMacs.arTotal(c.llm(), c.tokenizer(), 4)).isCloseTo(4 * one, within(one * 1e-2));
        var big = NamedConfigs.get("hart-0.7b-1024px");
        assertThat(ModelMacs.arTotal(big.llm(), big.tokenizer(), 1)).isGreaterThan(10 * one);
        // under 1 TMAC per 256 px image: (2 x 680 image + 300 context) token rows x 16 blocks x ~28M MACs each
        assertThat(one).isBetween(0.6e12, 1.0e12);
        // the reference's scale 0 (2 x 300 rows) would be about 40% more than this one's (300 + 1)
        assertThat(ModelMacs.arStage(c.llm(), c.tokenizer(), 1, 0)).isBetween(1.2e11, 1.6e11);
    }

    @Test
    void textEncoderMatchesTheHandCount() {
        // hidden 8, q 2x4, kv 1x4, MLP 16, T 3: per token 8*8 + 2*8*4 + 8*8 + 3*8*16 = 576; x3 = 1728; attention 2*3*3*8 = 144
        Qwen2Config c = new Qwen2Config(8, 1, 2, 1, 4, 16, 10, 10000, 1e-6, true);
        assertThat(ModelMacs.textEncoder(c, 1, 3)).isEqualTo(1872.0);
        assertThat(ModelMacs.textEncoder(c.withLayers(3), 2, 3)).isEqualTo(6 * 1872.0);
    }

    @Test
    void diffusionCountsBothGuidanceHalvesAndEveryStep() {
        var c = NamedConfigs.get("tiny-a");
        double one = ModelMacs.diffusion(c.llm(), c.tokenizer(), 1);
        double w = c.llm().diffWidth();
        double rows = 2.0 * 8 * 8;
        double perStep = 8 * w + c.llm().diffDepth() * 5 * w * w + 2 * w * w + 2 * w * 8;
        assertThat(one).isEqualTo(rows * (c.llm().embedDim() * w + c.llm().diffusionSteps() * perStep));
        assertThat(ModelMacs.diffusion(c.llm(), c.tokenizer(), 2)).isEqualTo(2 * one);
    }
}
