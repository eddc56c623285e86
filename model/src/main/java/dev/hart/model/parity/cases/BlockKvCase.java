package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.config.HartConfig;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.transformer.AdaLnBlock;
import dev.hart.model.transformer.AdaLnModulation;
import dev.hart.model.transformer.KvCache;
import dev.hart.model.transformer.PoolingMode;
import dev.hart.model.transformer.RotaryEmbedding;

/** {@code block_kv}: one AdaLN block called for stages 0, 1, 2 in sequence with its KV cache. */
public final class BlockKvCase implements CaseKind {

    @Override
    public String kind() {
        return "block_kv";
    }

    @Override
    public void run(CaseContext ctx) {
        try (HartCheckpointDir ckpt = ModelFiles.checkpoint(ctx)) {
            HartConfig cfg = ckpt.llmConfig();
            int index = ctx.args().get("block_index").asInt();
            int stages = ctx.args().get("num_stages").asInt();
            AdaLnBlock block = AdaLnBlock.load(ckpt.llmWeights(), ctx.manager(), "blocks." + index + ".", cfg.embedDim(),
                    cfg.condDim(), cfg.numHeads(), cfg.ffnHidden(), cfg.normEps(), PoolingMode.of(cfg.sepAlnPoolingMode()));
            RotaryEmbedding rope = new RotaryEmbedding(cfg.headDim());
            NDArray pos = ctx.input("context_position_ids");
            AdaLnModulation mod = block.modulation(ctx.input("cond_BD"), ctx.input("context_mask"));
            KvCache cache = new KvCache();
            for (int si = 0; si < stages; si++) {
                NDList tables = si == 0 ? rope.contextTables(pos)
                        : rope.imageTables(RotaryEmbedding.imagePositions(cfg.patchNum(si), cfg.lastPatch(), pos.get(":, -1")));
                NDArray y = block.forward(ctx.input("x" + si), mod, tables, cache);
                ctx.put("y" + si, y);
                ctx.put("k_cache" + si, cache.keys());
                ctx.put("v_cache" + si, cache.values());
            }
        }
    }
}
