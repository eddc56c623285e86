package dev.hart.model.parity.cases;

import dev.hart.model.nn.RmsNorm;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;

/** {@code rmsnorm}: the weighted RMSNorm on a given input. */
public final class RmsNormCase implements CaseKind {

    @Override
    public String kind() {
        return "rmsnorm";
    }

    @Override
    public void run(CaseContext ctx) {
        RmsNorm norm = new RmsNorm(ctx.input("weight"), ctx.args().get("eps").asDouble());
        ctx.put("y", norm.forward(ctx.input("x")));
    }
}
