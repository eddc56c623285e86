package dev.hart.stage.decoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The small part of POSIX ustar that WebDataset shards need: regular files with short names. */
public final class TarFormat {
    public static final int BLOCK = 512;

    private TarFormat() {
    }

    /** A member as found in a tar file: its name, the offset of its data, its size, and the offset after it. */
    public record Member(String name, long dataOffset, long size, long end) {
    }

    /** Header + data + padding of one regular-file member. */
    public static ByteBuffer member(String name, byte[] data, long mtimeSeconds) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 99) {
            throw new IllegalArgumentException("tar member name longer than 99 bytes: " + name);
        }
        int padded = (data.length + BLOCK - 1) / BLOCK * BLOCK;
        ByteBuffer b = ByteBuffer.allocate(BLOCK + padded);
        byte[] h = new byte[BLOCK];
        System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, data.length);
        octal(h, 136, 12, Math.max(0, mtimeSeconds));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = '0';
        byte[] magic = "ustar\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 257, magic.length);
        h[263] = '0';
        h[264] = '0';
        octal(h, 148, 7, checksum(h));
        h[155] = ' ';
        b.put(h).put(data);
        b.position(0);
        return b;
    }

    /** The two zero blocks that end an archive. */
    public static ByteBuffer endOfArchive() {
        return ByteBuffer.allocate(2 * BLOCK);
    }

    /**
     * Reads the members of a tar file, stopping at the end-of-archive marker, at a bad header, or at a member whose
     * data runs past the end of the file (a torn write).
     */
    public static List<Member> read(Path file) throws IOException {
        List<Member> members = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            byte[] h = new byte[BLOCK];
            while (pos + BLOCK <= size) {
                ByteBuffer hb = ByteBuffer.wrap(h);
                while (hb.hasRemaining()) {
                    if (ch.read(hb, pos + hb.position()) < 0) {
                        return members;
                    }
                }
                if (isZero(h) || !validChecksum(h)) {
                    break;
                }
                int nameEnd = 0;
                while (nameEnd < 100 && h[nameEnd] != 0) {
                    nameEnd++;
                }
                String name = new String(h, 0, nameEnd, StandardCharsets.UTF_8);
                long len = parseOctal(h, 124, 12);
                long end = pos + BLOCK + (len + BLOCK - 1) / BLOCK * BLOCK;
                if (end > size) {
                    break;
                }
                members.add(new Member(name, pos + BLOCK, len, end));
                pos = end;
            }
        }
        return members;
    }

    public static byte[] readData(Path file, Member m) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(m.size()));
            while (b.hasRemaining()) {
                if (ch.read(b, m.dataOffset() + b.position()) < 0) {
                    throw new IOException("tar member " + m.name() + " is truncated in " + file);
                }
            }
            return b.array();
        }
    }

    private static boolean isZero(byte[] h) {
        for (byte x : h) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean validChecksum(byte[] h) {
        long stored;
        try {
            stored = parseOctal(h, 148, 8);
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] copy = h.clone();
        for (int i = 148; i < 156; i++) {
            copy[i] = ' ';
        }
        return checksum(copy) == stored;
    }

    private static int checksum(byte[] h) {
        int sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        return sum;
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a " + len + "-byte tar field");
        }
        s = "0".repeat(len - 1 - s.length()) + s;
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
        h[off + len - 1] = 0;
    }

    private static long parseOctal(byte[] h, int off, int len) {
        String s = new String(h, off, len, StandardCharsets.US_ASCII).replace('\0', ' ').trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }
}
