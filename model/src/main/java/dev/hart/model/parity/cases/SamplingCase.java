package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.parity.TapeRandomSource;
import dev.hart.model.sampling.ArgmaxTokenSampler;
import dev.hart.model.sampling.GumbelSmoothing;
import dev.hart.model.sampling.SharedRandomness;
import dev.hart.model.sampling.ScaleRandomness;
import dev.hart.model.sampling.TopKTopPFilter;

/** {@code sampling}: top-k/top-p masking per filter (probabilities, kept mask, argmax) and the gumbel softmax. */
public final class SamplingCase implements CaseKind {

    @Override
    public String kind() {
        return "sampling";
    }

    @Override
    public void run(CaseContext ctx) {
        NDArray logits = ctx.input("logits");
        int i = 0;
        for (JsonNode f : ctx.args().get("filters")) {
            NDArray masked = TopKTopPFilter.filterInPlace(logits.duplicate(), f.get(0).asInt(), f.get(1).asDouble());
            NDArray probs = masked.softmax(-1);
            ctx.put("f" + i + ".probs", probs);
            ctx.put("f" + i + ".keep_mask", masked.isInfinite().logicalNot().toType(DataType.INT64, false));
            ctx.put("f" + i + ".argmax_idx", ArgmaxTokenSampler.INSTANCE.sample(probs, null));
            i++;
        }
        long[] s = logits.getShape().getShape();
        ScaleRandomness rnd = new SharedRandomness(new TapeRandomSource(ctx));
        NDArray e = rnd.exponential(ctx.manager(), (int) s[0], s[1], s[2]);
        float mul = (float) ctx.args().get("gumbel_mul").asDouble();
        ctx.put("gumbel.y", GumbelSmoothing.softSample(logits.mul(mul), ctx.args().get("gumbel_tau").asDouble(), e));
    }
}
