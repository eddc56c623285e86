package dev.hart.model.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeTensorsTest {

    @TempDir
    Path tmp;

    /** Builds a file by hand: F16 [2], BF16 [2], I64 [1,2]. */
    private Path handBuilt() throws Exception {
        ByteBuffer data = ByteBuffer.allocate(4 + 4 + 16).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3c00).putShort((short) 0xc000);          // f16: 1.0, -2.0
        data.putShort((short) 0x3fc0).putShort((short) 0x4049);          // bf16: 1.5, 3.140625
        data.putLong(7).putLong(-3);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[8,24]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length).array());
        out.write(hb);
        out.write(data.array());
        Path f = tmp.resolve("t.safetensors");
        Files.write(f, out.toByteArray());
        return f;
    }

    @Test
    void readsHalfBfloatAndLongsWithoutBf16Arrays() throws Exception {
        try (SafeTensors st = SafeTensors.open(handBuilt())) {
            assertThat(st.names()).containsExactly("h", "b", "i");
            assertThat(st.floats("h")).containsExactly(1.0f, -2.0f);
            assertThat(st.floats("b")).containsExactly(1.5f, 3.140625f);
            assertThat(st.longs("i")).containsExactly(7L, -3L);
            assertThat(st.entry("i").shape()).containsExactly(1L, 2L);
            assertThat(st.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void missingTensorAndCorruptFileFailClearly() throws Exception {
        try (SafeTensors st = SafeTensors.open(handBuilt())) {
            assertThatThrownBy(() -> st.entry("nope")).hasMessageContaining("no tensor named 'nope'");
        }
        Path bad = tmp.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SafeTensors.open(bad)).hasMessageContaining("not a safetensors file");
    }

    @Test
    void halfFloatRoundTripsAndRoundsToNearestEven() {
        for (float f : new float[] {0f, 1f, -2.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f}) {
            assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(f))).isEqualTo(f);
        }
        assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(1e6f))).isInfinite();
        // 1 + 2^-11 lies exactly between two halves: ties to even (1.0)
        assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(1f + (float) Math.pow(2, -11)))).isEqualTo(1f);
    }
}
