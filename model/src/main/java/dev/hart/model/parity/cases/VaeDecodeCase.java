package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.tokenizer.VaeDecoder;

/** {@code vae_decode}: fhat_to_img with the decoder intermediates. */
public final class VaeDecodeCase implements CaseKind {

    @Override
    public String kind() {
        return "vae_decode";
    }

    @Override
    public void run(CaseContext ctx) {
        try (SafeTensors file = ParityModels.tokenizerFile(ctx);
             VaeDecoder decoder = VaeDecoder.load(ParityModels.vae(file), ParityModels.tokenizerConfig(ctx), ctx.manager())) {
            NDArray img = decoder.decode(ctx.input("f_hat"), ctx.trace());
            img.close();
        }
    }
}
