package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.hart.model.text.PromptEncoding;
import dev.hart.model.text.Qwen2TextEncoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTextModelTest {

    @Test
    void tokenizerJsonLoadsInHuggingFaceTokenizersAndRoundTrips(@TempDir Path dir) throws Exception {
        ByteLevelBpe bpe = ByteLevelBpe.train(DemoDataset.allScenes().stream().map(DemoScene::caption).toList(), 400);
        bpe.write(dir);
        assertTrue(bpe.mergeCount() > 20);
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder().optTokenizerPath(dir.resolve("tokenizer.json"))
                .optAddSpecialTokens(false).optTruncation(false).optPadding(false).build()) {
            String caption = "a small green square in the top left on a white background";
            Encoding e = tok.encode(caption, false, false);
            // every caption word became one token through the learned merges
            assertEquals(caption.split(" ").length, e.getIds().length, List.of(e.getTokens()).toString());
            assertEquals(caption, tok.decode(e.getIds()));
            // bytes never seen in training still encode (byte-level) and decode exactly
            for (String s : new String[] {"Über ☃ café 12 + x\ty", "A RED CIRCLE", "<|endoftext|>"}) {
                long[] ids = tok.encode(s, false, false).getIds();
                assertEquals(s, tok.decode(ids, false), s);
            }
            long[] eot = tok.encode("<|endoftext|>", false, false).getIds();
            assertArrayEquals(new long[] {bpe.endOfTextId()}, eot);
        }
    }

    @Test
    void textModelLoadsWithTheProjectsQwen2Encoder(@TempDir Path dir) {
        DemoTextModel.write(dir, 5);
        try (Qwen2TextEncoder enc = Qwen2TextEncoder.load(dir, 16)) {
            assertEquals(DemoTextModel.HIDDEN, enc.hiddenSize());
            PromptEncoding p = enc.encode(List.of("a red circle on a blue background", "a red square on a blue background"), false);
            float[] ctx = p.context();
            assertEquals(2 * 16 * DemoTextModel.HIDDEN, ctx.length);
            for (float v : ctx) {
                assertTrue(Float.isFinite(v));
            }
            // position 2 holds "circle" vs "square": the contexts differ there
            boolean differ = false;
            for (int k = 0; k < DemoTextModel.HIDDEN; k++) {
                differ |= Math.abs(ctx[2 * DemoTextModel.HIDDEN + k] - ctx[(16 + 2) * DemoTextModel.HIDDEN + k]) > 1e-3;
            }
            assertTrue(differ);
            // 7 words, 7 tokens, then padding
            long[] mask = p.mask();
            assertEquals(7, java.util.Arrays.stream(mask, 0, 16).sum());
            assertFalse(mask[7] == 1);
        }
    }
}
