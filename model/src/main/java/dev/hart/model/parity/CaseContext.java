package dev.hart.model.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hart.model.Trace;
import dev.hart.model.io.SafeTensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a {@link CaseKind} gets to run one case: inputs, args, model directory, and a sink for outputs. */
public final class CaseContext {

    /** An output value as produced, widened for comparison. */
    public record Produced(long[] shape, double[] floats, long[] ints) {
    }

    private final ParityManifest manifest;
    private final ParityCase parityCase;
    private final SafeTensors file;
    private final NDManager manager;
    private final Map<String, Produced> produced = new LinkedHashMap<>();
    private int nextDraw;

    CaseContext(ParityManifest manifest, ParityCase parityCase, SafeTensors file, NDManager manager) {
        this.manifest = manifest;
        this.parityCase = parityCase;
        this.file = file;
        this.manager = manager;
    }

    public ParityCase parityCase() {
        return parityCase;
    }

    public ParityManifest manifest() {
        return manifest;
    }

    public NDManager manager() {
        return manager;
    }

    public JsonNode args() {
        return parityCase.args();
    }

    /** The manifest entry of the case's model ({@code models.<name>}). */
    public JsonNode modelInfo() {
        return manifest.model(parityCase.model());
    }

    /** Resolves a path given relative to the vector directory (e.g. a model's {@code llm_dir}). */
    public Path resolve(String relative) {
        return manifest.dir().resolve(relative);
    }

    public boolean hasInput(String name) {
        return parityCase.inputs().containsKey(name);
    }

    private String inputTensor(String name) {
        String t = parityCase.inputs().get(name);
        if (t == null) {
            throw new IllegalArgumentException("case " + parityCase.name() + " has no input '" + name + "'");
        }
        return t;
    }

    /** An input as an NDArray (floats as FLOAT32, F64 as FLOAT64, integers as INT64). */
    public NDArray input(String name) {
        return file.load(manager, inputTensor(name));
    }

    public float[] inputFloats(String name) {
        return file.floats(inputTensor(name));
    }

    public long[] inputLongs(String name) {
        return file.longs(inputTensor(name));
    }

    public byte[] inputBytes(String name) {
        return file.u8(inputTensor(name));
    }

    public long[] inputShape(String name) {
        return file.entry(inputTensor(name)).shape();
    }

    /** The case file itself, for kinds that read extra stored tensors. */
    public SafeTensors file() {
        return file;
    }

    /** The next recorded random draw, in the reference's call order. */
    public NDArray nextDraw(String expectedKind) {
        if (nextDraw >= parityCase.rngTape().size()) {
            throw new IllegalStateException("case " + parityCase.name() + ": the model asked for more random draws than the "
                    + parityCase.rngTape().size() + " recorded");
        }
        ParityCase.RngDraw d = parityCase.rngTape().get(nextDraw++);
        if (expectedKind != null && !expectedKind.equals(d.kind())) {
            throw new IllegalStateException("case " + parityCase.name() + ": draw " + d.name() + " is " + d.kind()
                    + " but the model asked for " + expectedKind);
        }
        // the tape names the case input ("rng.000"), whose tensor is stored as "in.rng.000"
        String tensor = parityCase.inputs().containsKey(d.name()) ? inputTensor(d.name()) : d.name();
        return file.load(manager, tensor);
    }

    public int drawsConsumed() {
        return nextDraw;
    }

    /** Records an output; the array is copied out at once, so it may be closed afterwards. */
    public void put(String name, NDArray value) {
        long[] shape = value.getShape().getShape();
        DataType t = value.getDataType();
        if (t.isFloating()) {
            produced.put(name, new Produced(shape, value.toType(DataType.FLOAT64, false).toDoubleArray(), null));
        } else if (t == DataType.BOOLEAN) {
            produced.put(name, new Produced(shape, null, value.toType(DataType.INT64, false).toLongArray()));
        } else {
            produced.put(name, new Produced(shape, null, value.toType(DataType.INT64, false).toLongArray()));
        }
    }

    public void put(String name, long[] shape, double[] values) {
        produced.put(name, new Produced(shape, values, null));
    }

    public void put(String name, long[] shape, long[] values) {
        produced.put(name, new Produced(shape, null, values));
    }

    /** A trace that records every intermediate under its name (a prefix may be added with {@link Trace#prefixed}). */
    public Trace trace() {
        return this::put;
    }

    Map<String, Produced> produced() {
        return produced;
    }
}
