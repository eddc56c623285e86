package dev.hart.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.diffusion.SimpleMlpAdaLn;

/**
 * A differentiable forward of the residual diffusion MLP ({@code diffloss.net.*}) for training. The
 * inference {@link SimpleMlpAdaLn} pre-transposes its weight matrices with a copy that drops the
 * autograd edge, so only its biases would train; this class computes the same function (checked in the
 * tests) directly from the parameters. Timestep features come from {@link SimpleMlpAdaLn#timestepFeatures}.
 */
public final class DiffusionTrainingForward {

    private static final String P = "diffloss.net.";
    private static final double LN_EPS = 1e-6;

    private final TrainableWeights w;
    private final NDManager m;
    private final int depth;

    public DiffusionTrainingForward(TrainableWeights weights, NDManager m, int depth) {
        this.w = weights;
        this.m = m;
        this.depth = depth;
    }

    private NDArray linear(NDArray x, String name) {
        return x.matMul(w.load(m, P + name + ".weight").transpose()).add(w.load(m, P + name + ".bias"));
    }

    private static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    private static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        long width = x.getShape().getLastDimension();
        return JniUtils.layerNorm((PtNDArray) x, new Shape(width), (PtNDArray) weight, (PtNDArray) bias, LN_EPS);
    }

    /** {@code net(x, t, c)}: x [N, Cvae], t [N] original timesteps (float), c [N, C] → [N, 2·Cvae]. */
    public NDArray forward(NDArray x, NDArray t, NDArray c) {
        NDArray tEmb = linear(silu(linear(SimpleMlpAdaLn.timestepFeatures(t), "time_embed.mlp.0")), "time_embed.mlp.2");
        NDArray ys = silu(tEmb.add(linear(c, "cond_embed")));
        NDArray h = linear(x, "input_proj");
        long width = h.getShape().getLastDimension();
        for (int j = 0; j < depth; j++) {
            String b = "res_blocks." + j + ".";
            NDArray mod = linear(ys, b + "adaLN_modulation.1");        // shift, scale, gate
            NDArray shift = mod.get(":, 0:" + width);
            NDArray scale = mod.get(":, " + width + ":" + 2 * width);
            NDArray gate = mod.get(":, " + 2 * width + ":");
            NDArray n = layerNorm(h, w.load(m, P + b + "in_ln.weight"), w.load(m, P + b + "in_ln.bias"));
            NDArray out = linear(silu(linear(n.mul(scale.add(1f)).add(shift), b + "mlp.0")), b + "mlp.2");
            h = h.add(gate.mul(out));
        }
        NDArray mod = linear(ys, "final_layer.adaLN_modulation.1");  // shift, scale
        NDArray shift = mod.get(":, 0:" + width);
        NDArray scale = mod.get(":, " + width + ":");
        NDArray n = layerNorm(h, m.ones(new Shape(width)), m.zeros(new Shape(width)));
        return linear(n.mul(scale.add(1f)).add(shift), "final_layer.linear");
    }
}
