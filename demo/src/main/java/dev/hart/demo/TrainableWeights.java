package dev.hart.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.hart.model.io.SafeTensors;
import dev.hart.model.io.SafeTensorsWriter;
import dev.hart.model.io.WeightSource;
import dev.hart.model.nn.TorchMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Parameters under training, named exactly as in the checkpoint, served to the project's inference
 * loaders as a {@link WeightSource}: each {@code load} returns a differentiable copy of the parameter, so
 * a component built from it inside a gradient collector back-propagates into the parameter. In
 * {@link #recording} mode an unknown name is created on first request with the requested shape and an
 * initial value chosen by name (the loaders themselves thereby define the parameter set and shapes).
 *
 * <p>Also the optimiser: Adam with bias correction over the trainable parameters, whose state can be saved
 * and restored for resuming.
 */
public final class TrainableWeights implements WeightSource, AutoCloseable {

    /** Global gradient norm clipped to this before the Adam update. */
    public static final double CLIP_NORM = 1.0;
    /** A gradient norm above this is treated as corrupt and the step is skipped. */
    public static final double SKIP_NORM = 1e4;

    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final Map<String, NDArray> adamM = new LinkedHashMap<>();
    private final Map<String, NDArray> adamV = new LinkedHashMap<>();
    /** Exponential moving averages of the parameters {@link #updateAverage} covers. */
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private boolean servingAverage;
    private final SplittableRandom random;
    private boolean recording;
    private boolean detached;
    private long adamStep;

    public TrainableWeights(NDManager parent, long seed) {
        this.manager = parent.newSubManager();
        this.random = new SplittableRandom(seed);
    }

    /** While on, unknown names are created (initialised by name) instead of failing. */
    public TrainableWeights recording(boolean on) {
        this.recording = on;
        return this;
    }

    /** While on, {@code load} returns plain copies with no gradient path (for frozen parts and inference). */
    public TrainableWeights detached(boolean on) {
        this.detached = on;
        return this;
    }

    /** While on, {@code load} serves a parameter's moving average where one is kept (to validate the average). */
    public TrainableWeights servingAverage(boolean on) {
        this.servingAverage = on;
        return this;
    }

    @Override
    public Set<String> names() {
        return params.keySet();
    }

    @Override
    public boolean contains(String name) {
        return params.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        return require(name).getShape().getShape();
    }

    @Override
    public NDArray load(NDManager target, String name) {
        NDArray p = servingAverage && average.containsKey(name) ? average.get(name) : require(name);
        // a product rather than duplicate(): DJL's duplicate does not keep the autograd edge to the parameter
        NDArray copy = detached || servingAverage ? p.stopGradient().duplicate() : TorchMemory.mul(p, 1f);
        copy.attach(target);
        return copy;
    }

    @Override
    public NDArray load(NDManager target, String name, long... expectedShape) {
        if (recording && !params.containsKey(name)) {
            create(name, expectedShape);
        }
        return WeightSource.super.load(target, name, expectedShape);
    }

    /** The parameter itself (the leaf that receives gradients). */
    public NDArray param(String name) {
        return require(name);
    }

    /** The parameter's moving average, or the parameter itself when no average is kept. */
    public NDArray averaged(String name) {
        NDArray a = average.get(name);
        return a != null ? a : require(name);
    }

    /**
     * Moves the average of each parameter passing {@code filter} towards it: {@code avg = decay·avg + (1 − decay)·p},
     * starting from the parameter's value at the first call. Late in training the weights still wander from step to
     * step; their average is the steadier model (what the reference ships as {@code ema_model.bin}).
     */
    public void updateAverage(java.util.function.Predicate<String> filter, double decay) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        // every temporary (the detached views, the products) is freed with the scope; a new average is kept
        try (NDScope ignored = new NDScope()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                if (!filter.test(e.getKey())) {
                    continue;
                }
                NDArray p = e.getValue().stopGradient();
                NDArray a = average.get(e.getKey());
                if (a == null) {
                    NDArray start = attached(p);
                    NDScope.unregister(start);
                    average.put(e.getKey(), start);
                } else {
                    a.muli(decay).addi(p.mul(1 - decay));
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Whether Adam updates this parameter (buffers such as {@code zero_k_bias} stay fixed). */
    public static boolean trainable(String name) {
        return !name.endsWith("zero_k_bias");
    }

    private NDArray require(String name) {
        NDArray p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' (known: " + params.size() + " parameters)");
        }
        return p;
    }

    /** Adds a parameter with a given value (a copy). */
    public void put(String name, NDArray value) {
        NDArray p = value.toType(DataType.FLOAT32, true).duplicate();
        p.attach(manager);
        if (trainable(name)) {
            p.setRequiresGradient(true);
        }
        NDArray old = params.put(name, p);
        // a replaced parameter starts its optimiser state and its average afresh
        for (Map<String, NDArray> state : List.of(adamM, adamV, average)) {
            NDArray stale = state.remove(name);
            if (stale != null) {
                stale.close();
            }
        }
        if (old != null) {
            old.close();
        }
    }

    private void create(String name, long[] shape) {
        int n = (int) new Shape(shape).size();
        float[] v = new float[n];
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        if (shape.length == 1 && (leaf.equals("weight"))) {
            Arrays.fill(v, 1f);                                  // norm scales
        } else if (leaf.equals("bias") || leaf.endsWith("_bias") || name.contains("adaLN_modulation")
                || name.startsWith("diffloss.net.final_layer.linear")) {
            // zero: biases, and the diffusion MLP's modulations/output (DiT-style identity start)
        } else {
            long fanIn = 1;
            for (int i = 1; i < shape.length; i++) {
                fanIn *= shape[i];
            }
            double std = name.equals("lvl_embed.weight") ? 0.02
                    : name.contains("ada_lin") ? 0.2 / Math.sqrt(fanIn)   // gentle AdaLN at start
                    : name.endsWith("quantize.embedding.weight") ? 0.3
                    : name.equals("decoder.conv_out.weight") ? 0.1 / Math.sqrt(fanIn)   // start inside the clamp
                    : 1.0 / Math.sqrt(fanIn);
            for (int i = 0; i < n; i++) {
                v[i] = (float) (gaussian() * std);
            }
        }
        NDArray p = TorchMemory.copyOf(manager, v, new Shape(shape));
        if (trainable(name)) {
            p.setRequiresGradient(true);
        }
        params.put(name, p);
    }

    private double gaussian() {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * One Adam step over the parameters whose name passes {@code filter} and that have a gradient, then
     * zeroes their gradients (the collector does not). The global gradient norm is clipped to
     * {@link #CLIP_NORM}; the update is skipped (false returned) when the norm is not finite or above
     * {@link #SKIP_NORM}.
     */
    public boolean adamStep(java.util.function.Predicate<String> filter, double lr, double beta1, double beta2, double eps) {
        return adamStep(filter, lr, beta1, beta2, eps, 0);
    }

    /**
     * {@link #adamStep(java.util.function.Predicate, double, double, double, double)} with decoupled weight decay
     * (AdamW): matrices shrink by {@code lr * weightDecay} of themselves each step; vectors (norm scales,
     * biases) do not.
     */
    public boolean adamStep(java.util.function.Predicate<String> filter, double lr, double beta1, double beta2, double eps,
                            double weightDecay) {
        double norm = gradientNorm(filter);
        if (!Double.isFinite(norm) || norm > SKIP_NORM) {
            // a non-finite or absurd gradient must not poison the moments (a guard: with TorchMemory and the
            // narrow-conv padding none has been seen since)
            zeroGradients(filter);
            return false;
        }
        float clip = (float) Math.min(1.0, CLIP_NORM / Math.max(norm, 1e-12));
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            adamStep++;
            double c1 = 1 - Math.pow(beta1, adamStep);
            double c2 = 1 - Math.pow(beta2, adamStep);
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                String name = e.getKey();
                NDArray p = e.getValue();
                if (!trainable(name) || !filter.test(name)) {
                    continue;
                }
                NDArray m = adamM.computeIfAbsent(name, k -> manager.zeros(p.getShape()));
                NDArray v = adamV.computeIfAbsent(name, k -> manager.zeros(p.getShape()));
                // every temporary of the update is freed here (they would otherwise live in the weights' manager)
                try (NDScope ignored = new NDScope()) {
                    NDArray g = p.getGradient();
                    if (!g.getShape().equals(p.getShape())) {
                        continue;     // no gradient this step (parameter unused)
                    }
                    if (clip < 1f) {
                        g = g.mul(clip);
                    }
                    if (weightDecay > 0 && p.getShape().dimension() >= 2) {
                        p.subi(p.mul(lr * weightDecay));
                    }
                    m.muli(beta1).addi(g.mul(1 - beta1));
                    v.muli(beta2).addi(g.square().muli(1 - beta2));
                    p.subi(m.div(c1).divi(v.div(c2).sqrt().addi(eps)).muli(lr));
                }
            }
            zeroGradients(filter);
        } finally {
            JniUtils.setGradMode(grad);
        }
        return true;
    }

    /** Sets the gradients of the parameters passing the filter to zero. */
    public void zeroGradients(java.util.function.Predicate<String> filter) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                if (trainable(e.getKey()) && filter.test(e.getKey())) {
                    NDArray g = e.getValue().getGradient();
                    g.set(new ai.djl.ndarray.index.NDIndex(":"), 0f);   // a fill, so a NaN gradient is cleared too
                    g.close();
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Global L2 norm of the gradients of the parameters passing the filter. */
    public double gradientNorm(java.util.function.Predicate<String> filter) {
        double s = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            if (trainable(e.getKey()) && filter.test(e.getKey())) {
                try (NDScope ignored = new NDScope()) {
                    s += e.getValue().getGradient().square().sum().getFloat();
                }
            }
        }
        return Math.sqrt(s);
    }

    /** Writes the parameters whose name starts with {@code prefix}, renamed with {@code newPrefix}. */
    public void writeTo(SafeTensorsWriter w, String prefix, String newPrefix) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                w.add(newPrefix + e.getKey().substring(prefix.length()), e.getValue().stopGradient());
            }
        }
    }

    /** Saves parameters, Adam state and moving averages (training state, not a checkpoint). */
    public void saveState(Path file) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        params.forEach((k, v) -> w.add("p." + k, v.stopGradient()));
        adamM.forEach((k, v) -> w.add("m." + k, v));
        adamV.forEach((k, v) -> w.add("v." + k, v));
        average.forEach((k, v) -> w.add("e." + k, v));
        w.addI64("adam_step", new long[] {1}, new long[] {adamStep});
        w.write(file);
    }

    /** Restores what {@link #saveState} wrote. */
    public void loadState(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no training state at " + file);
        }
        try (SafeTensors st = SafeTensors.open(file)) {
            // parameters first: put() resets a parameter's moments
            List<String> names = new ArrayList<>(st.names());
            names.sort(java.util.Comparator.comparing((String n) -> !n.startsWith("p.")));
            for (String name : names) {
                if (name.equals("adam_step")) {
                    adamStep = st.longs(name)[0];
                    continue;
                }
                String key = name.substring(2);
                try (NDManager tmp = manager.newSubManager()) {
                    NDArray a = st.load(tmp, name);
                    switch (name.charAt(0)) {
                        case 'p' -> put(key, a);
                        case 'm' -> adamM.put(key, attached(a));
                        case 'v' -> adamV.put(key, attached(a));
                        case 'e' -> average.put(key, attached(a));
                        default -> throw new IllegalArgumentException("unexpected tensor in training state: " + name);
                    }
                }
            }
        }
    }

    private NDArray attached(NDArray a) {
        NDArray c = a.duplicate();
        c.attach(manager);
        return c;
    }

    public int size() {
        return params.size();
    }

    public long parameterCount(String prefix) {
        return params.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().getShape().size()).sum();
    }

    @Override
    public void close() {
        manager.close();
    }
}
