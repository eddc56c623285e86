package dev.hart.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsWriterTest {

    @Test
    void writtenTensorsReadBackWithTheReader(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.safetensors");
        float[] w = {1.5f, -2f, 3.25f, 0f, Float.MIN_VALUE, -0f};
        long[] ids = {0, 1, Long.MAX_VALUE};
        new SafeTensorsWriter()
                .metadata("format", "pt")
                .addF32("b.weight", new long[] {2, 3}, w)
                .addI64("a.ids", new long[] {1, 3}, ids)
                .addF32("scalar", new long[0], new float[] {7f})
                .write(f);
        byte[] bytes = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header padded to 8 bytes");
        assertEquals(8 + headerLen + 6 * 4 + 3 * 8 + 4, bytes.length);
        try (SafeTensors st = SafeTensors.open(f)) {
            assertEquals(Set.of("a.ids", "b.weight", "scalar"), st.names());
            assertArrayEquals(new long[] {2, 3}, st.shape("b.weight"));
            assertArrayEquals(w, st.floats("b.weight"));
            assertArrayEquals(ids, st.longs("a.ids"));
            assertArrayEquals(new float[] {7f}, st.floats("scalar"));
            assertEquals("pt", st.metadata().get("format"));
            assertTrue(st.entry("a.ids").begin() % 8 == 0);
        }
        assertTrue(Files.list(dir).allMatch(p -> p.equals(f)), "no temporary file left behind");
    }

    @Test
    void rejectsBadInput() {
        SafeTensorsWriter w = new SafeTensorsWriter();
        assertThrows(IllegalArgumentException.class, () -> w.addF32("x", new long[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> w.addF32("x", new long[] {2}, null));
        assertThrows(IllegalArgumentException.class, () -> w.addF32("", new long[] {1}, new float[1]));
        w.addI64("x", new long[] {1}, new long[1]);
        assertThrows(IllegalArgumentException.class, () -> w.addI64("x", new long[] {1}, new long[1]));
    }
}
