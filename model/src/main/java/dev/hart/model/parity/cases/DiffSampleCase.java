package dev.hart.model.parity.cases;

import dev.hart.model.diffusion.ResidualDiffusion;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.parity.TapeRandomSource;

/** {@code diff_sample}: DiffLoss.sample with the recorded noise. */
public final class DiffSampleCase implements CaseKind {

    @Override
    public String kind() {
        return "diff_sample";
    }

    @Override
    public void run(CaseContext ctx) {
        int cvae = ParityModels.tokenizerConfig(ctx).zChannels();
        try (SafeTensors file = ParityModels.llmFile(ctx);
             ResidualDiffusion diff = ResidualDiffusion.load(file, ParityModels.llmConfig(ctx), cvae, ctx.manager())) {
            diff.sample(ctx.input("z"), ctx.args().path("temperature").asDouble(1.0),
                    ctx.args().path("cfg").asDouble(1.0), new TapeRandomSource(ctx), ctx.trace());
        }
    }
}
