package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import dev.hart.model.diffusion.SimpleMlpAdaLn;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;

/** {@code diff_net}: the denoiser's forward, forward_with_cfg and timestep embedding. */
public final class DiffNetCase implements CaseKind {

    @Override
    public String kind() {
        return "diff_net";
    }

    @Override
    public void run(CaseContext ctx) {
        int cvae = ParityModels.tokenizerConfig(ctx).zChannels();
        try (SafeTensors file = ParityModels.llmFile(ctx);
             SimpleMlpAdaLn net = SimpleMlpAdaLn.load(file, ParityModels.llmConfig(ctx), cvae, ctx.manager())) {
            NDArray x = ctx.input("x");
            NDArray t = ctx.input("t");
            NDArray c = ctx.input("c");
            ctx.put("out", net.forward(x, t, c, ctx.trace()));
            ctx.put("out_cfg", net.forwardWithCfg(x, t, c, ctx.args().path("cfg_scale").asDouble()));
        }
    }
}
