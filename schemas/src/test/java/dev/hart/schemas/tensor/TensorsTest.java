package dev.hart.schemas.tensor;

import dev.hart.schemas.avro.Tensor;
import dev.hart.schemas.avro.TensorDType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorsTest {

    private static byte[] bytes(Tensor t) {
        ByteBuffer data = t.getData().duplicate();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    @Test
    void f32RoundTripsWithLittleEndianLayout() {
        float[] values = {1.0f, -2.5f, 3.25e-3f, Float.MAX_VALUE, -0.0f, 7f};
        Tensor t = Tensors.ofFloats(values, 2, 3);
        assertThat(t.getDtype()).isEqualTo(TensorDType.F32);
        assertThat(t.getShape()).containsExactly(2L, 3L);
        assertThat(Tensors.toFloats(t)).containsExactly(values);
        // 1.0f = 0x3F800000, little-endian first
        assertThat(bytes(t)).hasSize(24).startsWith((byte) 0x00, (byte) 0x00, (byte) 0x80, (byte) 0x3F);
    }

    @Test
    void f16RoundTripsExactlyRepresentableValuesAndRoundsOthers() {
        float[] values = {1.0f, -2.0f, 0.5f, 65504f, 0x1p-24f, 0f};
        Tensor t = Tensors.ofFloats(values, TensorDType.F16, 6);
        assertThat(bytes(t)).hasSize(12).startsWith((byte) 0x00, (byte) 0x3C); // 1.0 = 0x3C00, little-endian
        assertThat(Tensors.toFloats(t)).containsExactly(values);

        Tensor rounded = Tensors.ofFloats(new float[] {0.1f}, TensorDType.F16, 1);
        assertThat(Tensors.toFloats(rounded)[0]).isEqualTo(HalfFloats.halfToFloat((short) 0x2E66)).isNotEqualTo(0.1f);
    }

    @Test
    void bf16RoundTrips() {
        float[] values = {1.0f, -3.0f, 1.5f};
        Tensor t = Tensors.ofFloats(values, TensorDType.BF16, 3);
        assertThat(bytes(t)).containsExactly(0x80, 0x3F, 0x40, 0xC0, 0xC0, 0x3F);
        assertThat(Tensors.toFloats(t)).containsExactly(values);
    }

    @Test
    void i32AndI64RoundTrip() {
        int[] ints = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 4095};
        Tensor i32 = Tensors.ofInts(ints, 3, 2);
        assertThat(Tensors.toInts(i32)).containsExactly(ints);
        assertThat(Tensors.toLongs(i32)).containsExactly(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 4095);
        assertThat(bytes(i32)).startsWith(0, 0, 0, 0, 1, 0, 0, 0, (byte) 0xFF);

        long[] longs = {1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE};
        Tensor i64 = Tensors.ofLongs(longs, 4);
        assertThat(i64.getDtype()).isEqualTo(TensorDType.I64);
        assertThat(Tensors.toLongs(i64)).containsExactly(longs);
        assertThat(bytes(i64)).hasSize(32).startsWith(1, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF);
    }

    @Test
    void u8ReadsUnsigned() {
        Tensor t = Tensors.ofUnsignedBytes(new byte[] {0, 127, (byte) 200, (byte) 255}, 2, 2);
        assertThat(Tensors.toInts(t)).containsExactly(0, 127, 200, 255);
    }

    @Test
    void scalarAndEmptyTensors() {
        Tensor scalar = Tensors.ofFloats(new float[] {42f});
        assertThat(scalar.getShape()).isEmpty();
        assertThat(Tensors.toFloats(scalar)).containsExactly(42f);
        Tensor empty = Tensors.ofInts(new int[0], 0, 5);
        assertThat(Tensors.toInts(empty)).isEmpty();
    }

    @Test
    void rawBytesAreWrappedAfterValidation() {
        ByteBuffer raw = ByteBuffer.wrap(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40});
        Tensor t = Tensors.ofRawBytes(TensorDType.F32, raw, 2);
        assertThat(Tensors.toFloats(t)).containsExactly(1f, 2f);
        assertThat(Tensors.data(t).getFloat()).isEqualTo(1f);
        assertThatThrownBy(() -> Tensors.ofRawBytes(TensorDType.F32, ByteBuffer.wrap(new byte[7]), 2))
                .isInstanceOf(InvalidTensorException.class)
                .hasMessageContaining("7 bytes").hasMessageContaining("needs 2 x 4 = 8 bytes");
    }

    @Test
    void valuesThatDoNotFitTheShapeAreRefused() {
        assertThatThrownBy(() -> Tensors.ofFloats(new float[5], 2, 3))
                .isInstanceOf(InvalidTensorException.class).hasMessageContaining("[2, 3] holds 6 elements but 5 values");
        assertThatThrownBy(() -> Tensors.ofInts(new int[2], -1, -2))
                .isInstanceOf(InvalidTensorException.class).hasMessageContaining("negative dimension");
        assertThatThrownBy(() -> Tensors.ofLongs(null, 1)).isInstanceOf(InvalidTensorException.class);
        assertThatThrownBy(() -> Tensors.ofFloats(new float[1], TensorDType.I32, 1))
                .isInstanceOf(InvalidTensorException.class).hasMessageContaining("F32, F16 or BF16, not I32");
        assertThatThrownBy(() -> Tensors.ofFloats(new float[0], 1L << 20, 1L << 20))
                .isInstanceOf(InvalidTensorException.class).hasMessageContaining("too many elements");
    }

    @Test
    void recordsWithWrongByteLengthAreRefusedOnRead() {
        Tensor bad = Tensor.newBuilder().setDtype(TensorDType.F16).setShape(List.of(2L, 2L))
                .setData(ByteBuffer.wrap(new byte[6])).build();
        assertThatThrownBy(() -> Tensors.toFloats(bad))
                .isInstanceOf(InvalidTensorException.class)
                .hasMessage("tensor data has 6 bytes but shape [2, 2] of F16 needs 4 x 2 = 8 bytes");
        Tensor i64 = Tensor.newBuilder().setDtype(TensorDType.I64).setShape(List.of(3L))
                .setData(ByteBuffer.wrap(new byte[16])).build();
        assertThatThrownBy(() -> Tensors.toLongs(i64)).isInstanceOf(InvalidTensorException.class).hasMessageContaining("needs 3 x 8 = 24");
        assertThatThrownBy(() -> Tensors.validate(null)).isInstanceOf(InvalidTensorException.class).hasMessageContaining("null");
    }

    @Test
    void readingWithTheWrongTypeIsRefused() {
        Tensor ints = Tensors.ofInts(new int[] {1}, 1);
        assertThatThrownBy(() -> Tensors.toFloats(ints)).isInstanceOf(InvalidTensorException.class)
                .hasMessageContaining("cannot read a I32 tensor as floats");
        Tensor floats = Tensors.ofFloats(new float[] {1}, 1);
        assertThatThrownBy(() -> Tensors.toInts(floats)).isInstanceOf(InvalidTensorException.class);
        assertThatThrownBy(() -> Tensors.toLongs(floats)).isInstanceOf(InvalidTensorException.class);
    }

    @Test
    void claimCheckTensorValidatesButCannotBeReadUntilFetched() {
        Tensor external = Tensor.newBuilder().setDtype(TensorDType.F16).setShape(List.of(2L, 4096L, 1536L))
                .setData(ByteBuffer.allocate(0)).setUri("file:///blobs/req-1.cond").setSha256("ab").build();
        Tensors.validate(external);
        assertThatThrownBy(() -> Tensors.toFloats(external)).isInstanceOf(InvalidTensorException.class)
                .hasMessageContaining("stored externally at file:///blobs/req-1.cond");
    }

    @Test
    void readingHonoursTheBufferPosition() {
        ByteBuffer shifted = ByteBuffer.wrap(new byte[] {9, 9, 1, 0, 0, 0});
        shifted.position(2);
        Tensor t = Tensor.newBuilder().setDtype(TensorDType.I32).setShape(List.of(1L)).setData(shifted).build();
        assertThat(Tensors.toInts(t)).containsExactly(1);
        assertThat(shifted.position()).isEqualTo(2); // reading does not move the record's buffer
    }
}
