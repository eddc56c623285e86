package dev.hart.schemas.serde;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Avro binary decoder over a byte array that refuses lengths and collection sizes larger than the
 * input itself. Avro's own decoder allocates a declared length before reading it, so one corrupt
 * length prefix could allocate up to 2 GiB; here corrupt input fails fast with an EOFException.
 * (Collections of zero-byte items, e.g. array&lt;null&gt;, longer than the input are refused too; no
 * pipeline schema has them.)
 */
final class BoundedBinaryDecoder extends Decoder {
    private final BinaryDecoder in;
    private final int limit;

    BoundedBinaryDecoder(byte[] data, int offset, int length) {
        this.in = DecoderFactory.get().binaryDecoder(data, offset, length, null);
        this.limit = length;
    }

    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int checkedLength(long length, String what) throws IOException {
        if (length < 0 || length > limit) {
            throw new EOFException("corrupt Avro data: " + what + " length " + length + " but the record body has only "
                    + limit + " bytes");
        }
        return (int) length;
    }

    private long checkedCount(long count, String what) throws IOException {
        if (count < 0 || count > limit) {
            throw new EOFException("corrupt Avro data: " + what + " block of " + count + " items but the record body has only "
                    + limit + " bytes");
        }
        return count;
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        byte[] bytes = new byte[checkedLength(in.readLong(), "string")];
        in.readFixed(bytes);
        return new Utf8(bytes);
    }

    @Override
    public String readString() throws IOException {
        byte[] bytes = new byte[checkedLength(in.readLong(), "string")];
        in.readFixed(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(checkedLength(in.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        byte[] bytes = new byte[checkedLength(in.readLong(), "bytes")];
        in.readFixed(bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(checkedLength(in.readLong(), "bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkedCount(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkedCount(in.arrayNext(), "array");
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return checkedCount(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkedCount(in.mapNext(), "map");
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
