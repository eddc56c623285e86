package dev.hart.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Memory-mapped reader of the safetensors format (u64 LE header length, JSON header, raw LE data).
 *
 * <p>Each tensor is mapped on its own, so files over 2 GiB work (one mapping is limited to 2 GiB on
 * Java 17). DJL's own {@code NDList.decode} is not used: it aborts the JVM on BF16 and cannot read
 * large files. BF16 and F16 are widened to F32 in Java; no BF16 array is ever created.
 */
public final class SafeTensors implements WeightSource, AutoCloseable {

    /** One tensor's header entry; {@code begin}/{@code end} are absolute file offsets. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, FileChannel channel, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafeTensors open(Path file) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            long size = ch.size();
            if (size < 8) {
                throw new IllegalArgumentException(file + ": not a safetensors file (" + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > 100_000_000L || 8 + headerLen > size) {
                throw new IllegalArgumentException(file + ": corrupt safetensors header length " + headerLen);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLen;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode v = f.getValue();
                DType dt = DType.parse(v.path("dtype").asText());
                JsonNode shapeNode = v.path("shape");
                long[] shape = new long[shapeNode.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                }
                long b = dataStart + v.path("data_offsets").get(0).asLong();
                long e = dataStart + v.path("data_offsets").get(1).asLong();
                Entry entry = new Entry(f.getKey(), dt, shape, b, e);
                if (e > size || e - b != entry.numel() * dt.bytes()) {
                    throw new IllegalArgumentException(file + ": tensor '" + f.getKey() + "' has inconsistent offsets");
                }
                entries.put(f.getKey(), entry);
            }
            return new SafeTensors(file, ch, Collections.unmodifiableMap(entries), metadata);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot read safetensors file " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do: we are already failing
            }
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public long[] shape(String name) {
        return entry(name).shape();
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + ": no tensor named '" + name + "'");
        }
        return e;
    }

    /** The raw little-endian bytes of one tensor, memory-mapped. */
    public ByteBuffer bytes(String name) {
        Entry e = entry(name);
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, e.begin(), e.end() - e.begin()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot map tensor '" + name + "' of " + file, ex);
        }
    }

    /** Any float tensor as float32 values (F64 narrowed, F16/BF16 widened). */
    public float[] floats(String name) {
        Entry e = entry(name);
        ByteBuffer b = bytes(name);
        int n = Math.toIntExact(e.numel());
        float[] out = new float[n];
        switch (e.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloat.toFloat(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                }
            }
            default -> {
                long[] l = longs(name);
                for (int i = 0; i < n; i++) {
                    out[i] = l[i];
                }
            }
        }
        return out;
    }

    /** A float tensor as float64 values (exact for F64 tables such as the diffusion schedule). */
    public double[] doubles(String name) {
        Entry e = entry(name);
        int n = Math.toIntExact(e.numel());
        double[] out = new double[n];
        if (e.dtype() == DType.F64) {
            bytes(name).asDoubleBuffer().get(out);
        } else {
            float[] f = floats(name);
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    /** Any integer or bool tensor as longs. */
    public long[] longs(String name) {
        Entry e = entry(name);
        ByteBuffer b = bytes(name);
        int n = Math.toIntExact(e.numel());
        long[] out = new long[n];
        switch (e.dtype()) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
            case I16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(i * 2);
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            default -> throw new IllegalArgumentException(file + ": tensor '" + name + "' is " + e.dtype() + ", not an integer tensor");
        }
        return out;
    }

    /** Raw bytes of a U8 tensor (e.g. UTF-8 text stored in parity vectors). */
    public byte[] u8(String name) {
        ByteBuffer b = bytes(name);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /**
     * Loads a tensor into {@code manager}: float types as FLOAT32 (F64 stays FLOAT64), integer and bool
     * types as INT64.
     */
    @Override
    public NDArray load(NDManager manager, String name) {
        Entry e = entry(name);
        Shape shape = new Shape(e.shape());
        return switch (e.dtype()) {
            case F32 -> manager.create(bytes(name).asFloatBuffer(), shape, DataType.FLOAT32);
            case F64 -> manager.create(bytes(name).asDoubleBuffer(), shape, DataType.FLOAT64);
            case F16, BF16 -> manager.create(floats(name), shape);
            default -> manager.create(longs(name), shape);
        };
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
