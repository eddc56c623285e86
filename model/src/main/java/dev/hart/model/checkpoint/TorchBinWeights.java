package dev.hart.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.io.DType;
import dev.hart.model.io.HalfFloat;
import dev.hart.model.io.WeightSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a PyTorch state dict written by {@code torch.save} (the zip format of torch ≥ 1.6:
 * {@code <archive>/data.pkl} + one raw little-endian file per storage under {@code <archive>/data/<key>})
 * without Python. The pickle is interpreted by {@link TorchPickle} (no code execution); tensor data is
 * memory-mapped per tensor on load. F32 and F64 load as they are, F16 and BF16 are widened to FLOAT32 in
 * Java, integer and bool tensors load as INT64 — the same contract as {@link dev.hart.model.io.SafeTensors}.
 * Strided views (e.g. a transposed tensor saved as such) are gathered into row-major order.
 */
public final class TorchBinWeights implements WeightSource, AutoCloseable {

    private final StoredZip zip;
    private final String dataDir;
    private final Map<String, TorchPickle.TensorRef> tensors;

    private TorchBinWeights(StoredZip zip, String dataDir, Map<String, TorchPickle.TensorRef> tensors) {
        this.zip = zip;
        this.dataDir = dataDir;
        this.tensors = tensors;
    }

    public static TorchBinWeights open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("PyTorch checkpoint " + file + " does not exist");
        }
        StoredZip zip = StoredZip.open(file);
        try {
            StoredZip.Entry pkl = zip.entries().values().stream()
                    .filter(e -> e.name().endsWith("/data.pkl") && e.name().indexOf('/') == e.name().length() - "/data.pkl".length())
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(file + ": no <archive>/data.pkl entry; "
                            + "only the zip format of torch.save (torch >= 1.6) is supported"));
            String archive = pkl.name().substring(0, pkl.name().length() - "data.pkl".length());
            Map<String, TorchPickle.TensorRef> refs = TorchPickle.readStateDict(zip.readAll(pkl), file.toString());
            TorchBinWeights w = new TorchBinWeights(zip, archive + "data/", Collections.unmodifiableMap(new LinkedHashMap<>(refs)));
            for (String name : refs.keySet()) {
                w.storageEntry(name); // fail now, with the name, if a storage file is missing
            }
            return w;
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private TorchPickle.TensorRef ref(String name) {
        TorchPickle.TensorRef t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(zip.file() + ": no tensor named '" + name + "'");
        }
        return t;
    }

    private StoredZip.Entry storageEntry(String name) {
        TorchPickle.TensorRef t = ref(name);
        StoredZip.Entry e = zip.entries().get(dataDir + t.storage().key());
        if (e == null) {
            throw new IllegalArgumentException(zip.file() + ": storage '" + t.storage().key() + "' of tensor '" + name + "' is missing");
        }
        return e;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        return ref(name).size().clone();
    }

    public DType dtype(String name) {
        return DType.parse(ref(name).storage().dtype());
    }

    @Override
    public NDArray load(NDManager manager, String name) {
        TorchPickle.TensorRef t = ref(name);
        DType dt = DType.parse(t.storage().dtype());
        Shape shape = new Shape(t.size());
        int n = Math.toIntExact(shape.size());
        ByteBuffer raw = elements(name, t, dt);
        int es = dt.bytes();
        boolean contiguous = isContiguous(t);
        return switch (dt) {
            case F32 -> contiguous ? manager.create(raw.asFloatBuffer(), shape, DataType.FLOAT32)
                    : manager.create(gatherFloats(t, raw, dt, n), shape);
            case F64 -> {
                double[] d = new double[n];
                int[] idx = offsets(t, n);
                for (int i = 0; i < n; i++) {
                    d[i] = raw.getDouble(idx[i] * es);
                }
                yield manager.create(d, shape);
            }
            case F16, BF16 -> manager.create(gatherFloats(t, raw, dt, n), shape);
            default -> {
                long[] l = new long[n];
                int[] idx = offsets(t, n);
                for (int i = 0; i < n; i++) {
                    int p = idx[i] * es;
                    l[i] = switch (dt) {
                        case I64 -> raw.getLong(p);
                        case I32 -> raw.getInt(p);
                        case I16 -> raw.getShort(p);
                        case I8 -> raw.get(p);
                        default -> raw.get(p) & 0xff;
                    };
                }
                yield manager.create(l, shape);
            }
        };
    }

    /** The bytes the tensor spans in its storage, starting at its storage offset. */
    private ByteBuffer elements(String name, TorchPickle.TensorRef t, DType dt) {
        long span = 1;
        for (int i = 0; i < t.size().length; i++) {
            if (t.size()[i] == 0) {
                span = 0;
                break;
            }
            span += (t.size()[i] - 1) * t.stride()[i];
        }
        return zip.map(storageEntry(name), t.offset() * dt.bytes(), span * dt.bytes());
    }

    private static boolean isContiguous(TorchPickle.TensorRef t) {
        long expected = 1;
        for (int i = t.size().length - 1; i >= 0; i--) {
            if (t.size()[i] != 1 && t.stride()[i] != expected) {
                return false;
            }
            expected *= t.size()[i];
        }
        return true;
    }

    /** Element offsets (relative to the tensor's start) of every element in row-major order. */
    private static int[] offsets(TorchPickle.TensorRef t, int n) {
        int[] out = new int[n];
        if (isContiguous(t)) {
            Arrays.setAll(out, i -> i);
            return out;
        }
        int dims = t.size().length;
        long[] counter = new long[dims];
        for (int i = 0; i < n; i++) {
            long off = 0;
            for (int d = 0; d < dims; d++) {
                off += counter[d] * t.stride()[d];
            }
            out[i] = Math.toIntExact(off);
            for (int d = dims - 1; d >= 0; d--) {
                if (++counter[d] < t.size()[d]) {
                    break;
                }
                counter[d] = 0;
            }
        }
        return out;
    }

    private static float[] gatherFloats(TorchPickle.TensorRef t, ByteBuffer raw, DType dt, int n) {
        float[] out = new float[n];
        int[] idx = offsets(t, n);
        int es = dt.bytes();
        for (int i = 0; i < n; i++) {
            int p = idx[i] * es;
            out[i] = switch (dt) {
                case F32 -> raw.getFloat(p);
                case F16 -> HalfFloat.toFloat(raw.getShort(p));
                case BF16 -> Float.intBitsToFloat((raw.getShort(p) & 0xffff) << 16);
                default -> throw new IllegalStateException(dt.toString());
            };
        }
        return out;
    }

    @Override
    public void close() {
        zip.close();
    }
}
