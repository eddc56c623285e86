package dev.hart.model.parity.cases;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.parity.CaseContext;
import dev.hart.model.parity.CaseKind;
import dev.hart.model.text.Qwen2Config;
import dev.hart.model.text.Qwen2Model;

import java.nio.file.Path;

/** {@code qwen2_forward}: Qwen2Model on given ids and mask; every hidden state, the final-norm input and the output. */
public final class Qwen2ForwardCase implements CaseKind {

    @Override
    public String kind() {
        return "qwen2_forward";
    }

    @Override
    public void run(CaseContext ctx) {
        JniUtils.setGradMode(false);
        Path dir = ctx.resolve(ctx.modelInfo().path("dir").asText());
        Qwen2Config config = Qwen2Config.load(dir);
        try (SafeTensors weights = SafeTensors.open(dir.resolve("model.safetensors"));
             Qwen2Model model = Qwen2Model.load(config, weights.withPrefix("model."), ctx.manager())) {
            NDArray ids = ctx.input("input_ids");
            NDArray mask = ctx.hasInput("attention_mask") ? ctx.input("attention_mask") : null;
            model.forward(ids, mask, ctx.trace());
        }
    }
}
