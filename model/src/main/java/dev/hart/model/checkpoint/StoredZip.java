package dev.hart.model.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Random access to the uncompressed (STORED) entries of a zip archive, with zip64, by reading the central
 * directory directly: {@code torch.save} stores tensor data uncompressed, so each storage can be memory-
 * mapped in place instead of being inflated into the heap ({@link java.util.zip.ZipFile} offers only streams).
 */
final class StoredZip implements AutoCloseable {

    /** An entry's data region in the file. */
    record Entry(String name, int method, long dataOffset, long size) {
    }

    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> entries;

    private StoredZip(Path file, FileChannel channel, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
    }

    static StoredZip open(Path file) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            return new StoredZip(file, ch, readDirectory(file, ch));
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot read zip archive " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static Map<String, Entry> readDirectory(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        int tailLen = (int) Math.min(size, 65_535 + 22);
        ByteBuffer tail = read(ch, size - tailLen, tailLen);
        int eocd = -1;
        for (int i = tailLen - 22; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIG) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new IllegalArgumentException(file + ": not a zip archive (no end-of-central-directory record)");
        }
        long count = tail.getShort(eocd + 10) & 0xffff;
        long cdSize = tail.getInt(eocd + 12) & 0xffffffffL;
        long cdOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        if (eocd >= 20 && tail.getInt(eocd - 20) == ZIP64_LOCATOR_SIG) {
            long z64 = tail.getLong(eocd - 20 + 8);
            ByteBuffer rec = read(ch, z64, 56);
            if (rec.getInt(0) != ZIP64_EOCD_SIG) {
                throw new IllegalArgumentException(file + ": corrupt zip64 end-of-central-directory record");
            }
            count = rec.getLong(32);
            cdSize = rec.getLong(40);
            cdOffset = rec.getLong(48);
        }
        ByteBuffer cd = read(ch, cdOffset, Math.toIntExact(cdSize));
        Map<String, Entry> out = new LinkedHashMap<>();
        int p = 0;
        for (long n = 0; n < count; n++) {
            if (cd.getInt(p) != CENTRAL_SIG) {
                throw new IllegalArgumentException(file + ": corrupt zip central directory");
            }
            int method = cd.getShort(p + 10) & 0xffff;
            long compSize = cd.getInt(p + 20) & 0xffffffffL;
            long uncompSize = cd.getInt(p + 24) & 0xffffffffL;
            int nameLen = cd.getShort(p + 28) & 0xffff;
            int extraLen = cd.getShort(p + 30) & 0xffff;
            int commentLen = cd.getShort(p + 32) & 0xffff;
            long localOffset = cd.getInt(p + 42) & 0xffffffffL;
            byte[] nameBytes = new byte[nameLen];
            cd.get(p + 46, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            // zip64 extra field: the values that overflowed, in this order
            int e = p + 46 + nameLen;
            int end = e + extraLen;
            while (e + 4 <= end) {
                int id = cd.getShort(e) & 0xffff;
                int len = cd.getShort(e + 2) & 0xffff;
                if (id == 0x0001) {
                    int q = e + 4;
                    if (uncompSize == 0xffffffffL) {
                        uncompSize = cd.getLong(q);
                        q += 8;
                    }
                    if (compSize == 0xffffffffL) {
                        compSize = cd.getLong(q);
                        q += 8;
                    }
                    if (localOffset == 0xffffffffL) {
                        localOffset = cd.getLong(q);
                    }
                }
                e += 4 + len;
            }
            ByteBuffer local = read(ch, localOffset, 30);
            if (local.getInt(0) != LOCAL_SIG) {
                throw new IllegalArgumentException(file + ": corrupt local header of '" + name + "'");
            }
            long dataOffset = localOffset + 30 + (local.getShort(26) & 0xffff) + (local.getShort(28) & 0xffff);
            out.put(name, new Entry(name, method, dataOffset, method == 0 ? uncompSize : compSize));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return Collections.unmodifiableMap(out);
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        b.flip();
        return b;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    Path file() {
        return file;
    }

    /** The bytes of a STORED entry (or a part of it), memory-mapped, little-endian. */
    ByteBuffer map(Entry entry, long offset, long length) {
        if (entry.method() != 0) {
            throw new IllegalArgumentException(file + ": entry '" + entry.name() + "' is compressed; torch.save stores tensor data uncompressed");
        }
        if (offset < 0 || length < 0 || offset + length > entry.size()) {
            throw new IllegalArgumentException(file + ": read of " + length + " bytes at " + offset + " is outside entry '"
                    + entry.name() + "' of " + entry.size() + " bytes");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, entry.dataOffset() + offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map '" + entry.name() + "' of " + file, e);
        }
    }

    /** A whole small entry copied to the heap (e.g. data.pkl); deflated entries are inflated. */
    byte[] readAll(Entry entry) {
        if (entry.method() == 8) {
            return inflate(entry);
        }
        ByteBuffer b = map(entry, 0, entry.size());
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private byte[] inflate(Entry entry) {
        try {
            ByteBuffer compressed = channel.map(FileChannel.MapMode.READ_ONLY, entry.dataOffset(), entry.size());
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            try {
                inflater.setInput(compressed);
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[64 * 1024];
                while (!inflater.finished()) {
                    int n = inflater.inflate(buf);
                    if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        throw new IllegalArgumentException(file + ": truncated deflated entry '" + entry.name() + "'");
                    }
                    out.write(buf, 0, n);
                }
                return out.toByteArray();
            } finally {
                inflater.end();
            }
        } catch (IOException | java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException(file + ": cannot inflate '" + entry.name() + "': " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
