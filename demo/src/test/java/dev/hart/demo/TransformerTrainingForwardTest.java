package dev.hart.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.Trace;
import dev.hart.model.config.HartConfig;
import dev.hart.model.transformer.Conditioning;
import dev.hart.model.transformer.HartTransformer;
import dev.hart.model.transformer.KvCache;
import dev.hart.model.transformer.RotaryEmbedding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The training forward must compute exactly what the inference transformer computes, stage by stage. */
class TransformerTrainingForwardTest {

    @Test
    void matchesTheInferenceTransformerOnEveryStage() {
        ai.djl.engine.Engine.getInstance();
        JniUtils.setGradMode(false);
        for (String pooling : new String[] {"max", "avg"}) {
            var json = DemoCheckpoint.llmConfigJson();
            json.put("sep_aln_pooling_mode", pooling);
            HartConfig cfg = HartConfig.fromJson(json, "test");
            int v = 64;
            int cvae = 16;
            try (NDManager m = NDManager.newBaseManager(); TrainableWeights w = new TrainableWeights(m, 3)) {
                w.recording(true);
                HartTransformer.load(w, cfg, v, cvae, m).close();
                w.recording(false);
                // make the AdaLN terms large so a wrong chunk order would show
                for (String n : new ArrayList<>(w.names())) {
                    if (n.contains("ada_lin") || n.equals("lvl_embed.weight")) {
                        w.put(n, w.param(n).mul(20f));
                    }
                }
                w.detached(true);
                int b = 2;
                int t = cfg.contextToken();
                NDArray ctx = m.randomNormal(new Shape(b, t, cfg.contextDim()));
                long[] mask = new long[b * t];
                long[] pos = new long[b * t];
                int[] lens = {7, 12};
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < t; j++) {
                        mask[i * t + j] = j < lens[i] ? 1 : 0;
                        pos[i * t + j] = Math.min(j, lens[i] - 1);
                    }
                }
                NDArray maskA = m.create(mask, new Shape(b, t));
                NDArray posA = m.create(pos, new Shape(b, t));
                int[] pns = cfg.patchNumsArray();
                List<NDArray> nextIn = new ArrayList<>();
                for (int si = 1; si < pns.length; si++) {
                    nextIn.add(m.randomNormal(new Shape(b, (long) pns[si] * pns[si], cvae)));
                }
                NDArray codes = m.randomNormal(new Shape(b, (long) cfg.lastPatch() * cfg.lastPatch(), cvae));

                HartTransformer ht = HartTransformer.load(w, cfg, v, cvae, m);
                NDArray condBD = ht.embedContext(ctx);
                Conditioning cond = ht.condition(condBD, maskA);
                KvCache[] caches = ht.newCaches();
                NDArray lastCtx = posA.get(new NDIndex(":, -1"));
                NDArray h = ht.runBlocks(condBD.add(ht.levelEmbedding(m, 0)), cond, ht.rope().contextTables(posA), caches, Trace.NONE);
                List<NDArray> want = new ArrayList<>();
                want.add(ht.logits(h, cond));
                for (int si = 1; si < pns.length; si++) {
                    NDArray x = ht.wordEmbed(nextIn.get(si - 1)).add(ht.levelEmbedding(m, si));
                    NDList tables = ht.rope().imageTables(RotaryEmbedding.imagePositions(pns[si], cfg.lastPatch(), lastCtx));
                    h = ht.runBlocks(x, cond, tables, caches, Trace.NONE);
                    want.add(ht.logits(h, cond));
                }
                NDArray wantZ = ht.diffusionCondition(h, ht.wordEmbed(codes));

                TransformerTrainingForward tf = new TransformerTrainingForward(cfg, w, m);
                NDArray g = tf.startContext(ctx, maskA, posA);
                List<NDArray> got = new ArrayList<>();
                got.add(tf.logits(g));
                for (int si = 1; si < pns.length; si++) {
                    g = tf.scale(si, nextIn.get(si - 1), lastCtx);
                    got.add(tf.logits(g));
                }
                NDArray gotZ = tf.diffusionCondition(g, codes);
                for (int si = 0; si < want.size(); si++) {
                    float diff = want.get(si).sub(got.get(si)).abs().max().getFloat();
                    float scale = want.get(si).abs().max().getFloat();
                    assertTrue(diff <= 1e-4f * Math.max(1f, scale), pooling + " stage " + si + " logits differ by " + diff + " (scale " + scale + ")");
                }
                float dz = wantZ.sub(gotZ).abs().max().getFloat();
                assertTrue(dz <= 1e-4f, "diffusion condition differs by " + dz);
            }
        }
    }
}
