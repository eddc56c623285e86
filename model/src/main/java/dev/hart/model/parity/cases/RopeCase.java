package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.hart.model.config.HartConfig;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.transformer.RotaryEmbedding;

/** {@code rope}: 1-D context and 2-D image rotary tables, positions per stage, and their application to q/k. */
public final class RopeCase implements CaseKind {

    @Override
    public String kind() {
        return "rope";
    }

    @Override
    public void run(CaseContext ctx) {
        HartConfig cfg = ModelFiles.llmConfig(ctx);
        RotaryEmbedding rope = new RotaryEmbedding(cfg.headDim());
        NDArray pos = ctx.input("context_position_ids");
        NDList ctxTables = rope.contextTables(pos);
        ctx.put("ctx.cos", ctxTables.get(0));
        ctx.put("ctx.sin", ctxTables.get(1));
        ctx.put("ctx.q_rot", RotaryEmbedding.apply(ctx.input("q_ctx"), ctxTables.get(0), ctxTables.get(1)));
        ctx.put("ctx.k_rot", RotaryEmbedding.apply(ctx.input("k_ctx"), ctxTables.get(0), ctxTables.get(1)));

        NDArray last = pos.get(":, -1");
        int imgStage = ctx.args().get("img_stage").asInt();
        for (int si = 1; si < cfg.numScales(); si++) {
            NDArray p = RotaryEmbedding.imagePositions(cfg.patchNum(si), cfg.lastPatch(), last);
            ctx.put("img.pos_ids." + si, p);
            if (si == imgStage) {
                NDList t = rope.imageTables(p);
                ctx.put("img.cos", t.get(0));
                ctx.put("img.sin", t.get(1));
                ctx.put("img.q_rot", RotaryEmbedding.apply(ctx.input("q_img"), t.get(0), t.get(1)));
                ctx.put("img.k_rot", RotaryEmbedding.apply(ctx.input("k_img"), t.get(0), t.get(1)));
            }
        }
        float[] inv1 = rope.invFreq1d();
        float[] inv2 = rope.invFreq2d();
        ctx.put("inv_freq_1d", ctx.manager().create(inv1));
        ctx.put("inv_freq_2d", ctx.manager().create(inv2));
    }
}
