package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hart.model.checkpoint.HartCheckpointDir;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.parity.TapeRandomSource;
import dev.hart.model.inference.ArGenerator;
import dev.hart.model.inference.SamplingParams;
import dev.hart.model.sampling.ArgmaxTokenSampler;
import dev.hart.model.sampling.SharedRandomness;
import dev.hart.model.tokenizer.MultiScaleQuantizer;
import dev.hart.model.tokenizer.VaeDecoder;

import java.util.Collections;

/**
 * {@code t2i}: the whole text-to-image inference on a batch — AR loop with argmax sampling and the
 * batch-wide tape (as recorded), residual diffusion on the batch's condition, final f_hat and the decoder.
 */
public final class T2iCase implements CaseKind {

    @Override
    public String kind() {
        return "t2i";
    }

    @Override
    public void run(CaseContext ctx) {
        JsonNode a = ctx.args();
        SamplingParams p = new SamplingParams(a.get("cfg").asDouble(), 0, a.get("top_p").asDouble(),
                a.get("more_smooth").asBoolean(), a.get("g_seed").asLong());
        NDManager m = ctx.manager();
        NDArray context = ctx.input("context");
        int b = (int) context.getShape().get(0);
        TapeRandomSource tape = new TapeRandomSource(ctx);
        try (HartCheckpointDir ckpt = ModelFiles.checkpoint(ctx);
             ArGenerator gen = ArGenerator.load(ckpt, m)) {
            ArGenerator.BatchSettings settings = new ArGenerator.BatchSettings(Collections.nCopies(b, p),
                    ArgmaxTokenSampler.INSTANCE, new SharedRandomness(tape));
            ArGenerator.BatchOutput out = gen.run(m, context, ctx.input("context_mask"), ctx.input("context_position_ids"),
                    settings, ctx.trace());
            int last = gen.config().lastPatch();
            long p2 = (long) last * last;
            int cvae = gen.quantizer().codeDim();

            NDArray residual = FinalScale.residual(ckpt, gen.config(), gen.quantizer().codeDim(), m, out.diffusionCondition(), out.diffusionCfg()[0],
                    tape, ctx.trace());
            NDArray res = residual.reshape(2L * b, p2, cvae).get("0:" + b);
            ctx.put("final.residual", res);
            // the hard codebook rows of the final indices (with more_smooth the tokens themselves are the soft mix)
            ctx.put("final.h_discrete_embed", gen.quantizer().embed(out.indices().get(out.indices().size() - 1)));
            NDArray tokens = out.finalTokens().add(res);
            ctx.put("final.tokens_added", tokens);
            NDArray fHat = gen.quantizer().addFinal(out.fHat(), MultiScaleQuantizer.tokensToLatent(tokens, last));
            ctx.put("f_hat_final", fHat);
            try (VaeDecoder decoder = VaeDecoder.load(ckpt.tokenizerWeights(), ckpt.tokenizerConfig(), m)) {
                NDArray img = decoder.decode(fHat);
                ctx.put("img_pm1", img);
                ctx.put("img", img.add(1f).mul(0.5f));
            }
        }
    }

}
