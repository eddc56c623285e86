package dev.hart.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the safetensors format that {@link SafeTensors} reads: u64 little-endian header length, a JSON
 * header (tensor name to dtype, shape, data offsets; optional {@code __metadata__} of strings) padded
 * with spaces to a multiple of 8 bytes, then the raw little-endian data of each tensor in name order.
 * F32 and I64 only. The file is written to a temporary sibling and moved into place, so a reader never
 * sees half a file.
 */
public final class SafeTensorsWriter {

    private record Stored(DType dtype, long[] shape, byte[] data) {
    }

    /** An F32 tensor for {@link #write(Path, Map)}. */
    public record Tensor(long[] shape, float[] values) {
    }

    /** Writes F32 tensors in one call (the test helper's API this class replaces). */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        tensors.forEach((name, t) -> w.addF32(name, t.shape(), t.values()));
        try {
            w.write(file);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private final Map<String, Stored> tensors = new TreeMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds an F32 tensor; fails if the value count does not match the shape or the name is taken. */
    public SafeTensorsWriter addF32(String name, long[] shape, float[] values) {
        checkCount(name, shape, values == null ? -1 : values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return put(name, new Stored(DType.F32, shape.clone(), b.array()));
    }

    /** Adds an I64 tensor. */
    public SafeTensorsWriter addI64(String name, long[] shape, long[] values) {
        checkCount(name, shape, values == null ? -1 : values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return put(name, new Stored(DType.I64, shape.clone(), b.array()));
    }

    /** Adds an NDArray as F32 (float types) or I64 (integer types), copying it out. */
    public SafeTensorsWriter add(String name, NDArray array) {
        long[] shape = array.getShape().getShape();
        DataType t = array.getDataType();
        if (t.isFloating()) {
            return addF32(name, shape, array.toType(DataType.FLOAT32, false).toFloatArray());
        }
        if (t.isInteger()) {
            return addI64(name, shape, array.toType(DataType.INT64, false).toLongArray());
        }
        throw new IllegalArgumentException("tensor '" + name + "': cannot write data type " + t + " (F32/I64 only)");
    }

    /** A string entry of the header's {@code __metadata__}. */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public int size() {
        return tensors.size();
    }

    public void write(Path file) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Stored> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype().name());
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            var offsets = t.putArray("data_offsets");
            offsets.add(offset);
            offset += e.getValue().data().length;
            offsets.add(offset);
        }
        byte[] headerBytes;
        try {
            headerBytes = json.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = Arrays.copyOf(headerBytes, padded);
        Arrays.fill(headerPadded, headerBytes.length, padded, (byte) ' ');
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                out.write(headerPadded);
                for (Stored t : tensors.values()) {
                    out.write(t.data());
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write safetensors file " + file, e);
        }
    }

    private SafeTensorsWriter put(String name, Stored t) {
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        tensors.put(name, t);
        return this;
    }

    private static void checkCount(String name, long[] shape, int count) {
        if (name == null || name.isEmpty() || name.equals("__metadata__")) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        if (shape == null || count < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': shape and values must not be null");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " holds " + n
                    + " values, got " + count);
        }
    }
}
