package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import dev.hart.model.Trace;
import dev.hart.model.config.HartConfig;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.tokenizer.HybridTokenizer;

/** {@code vae_encode}: encoder, VAR and hybrid multi-scale quantisation, HART-style accumulation, reconstructions. */
public final class VaeEncodeCase implements CaseKind {

    @Override
    public String kind() {
        return "vae_encode";
    }

    @Override
    public void run(CaseContext ctx) {
        HartConfig llm = ParityModels.llmConfig(ctx);
        int[] patchNums = llm.patchNumsArray();
        try (SafeTensors file = ParityModels.tokenizerFile(ctx);
             HybridTokenizer tok = HybridTokenizer.load(ParityModels.vae(file), ParityModels.tokenizerConfig(ctx), ctx.manager())) {
            Trace trace = ctx.trace();
            HybridTokenizer.Encoding enc = tok.encode(ctx.input("image"), patchNums, trace);
            tok.quantizer().quantizeVar(enc.f(), patchNums, trace).forEach(NDArray::close);
            ctx.put("img_recon_discrete", tok.decode(enc.fHatDiscrete(), Trace.NONE));
            ctx.put("img_recon_hybrid", tok.decode(enc.fHatFull(), Trace.NONE));
        }
    }
}
