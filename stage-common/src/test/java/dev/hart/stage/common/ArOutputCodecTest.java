package dev.hart.stage.common;

import dev.hart.model.inference.ArResult;
import dev.hart.model.inference.TensorData;
import dev.hart.schemas.avro.ArOutput;
import dev.hart.schemas.avro.RequestInfo;
import dev.hart.schemas.avro.TensorDType;
import dev.hart.schemas.tensor.Tensors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArOutputCodecTest {
    static final int C = ArOutputFixtures.C;
    static final int P = ArOutputFixtures.P;
    static final int W = ArOutputFixtures.W;

    private static ArResult result() {
        return ArOutputFixtures.result();
    }

    private static RequestInfo request() {
        return ArOutputFixtures.request();
    }

    @Test
    void f32RoundTripIsExact() {
        ArResult in = result();
        ArOutput out = new ArOutputCodec(TensorDType.F32).encode(request(), "c", in, 8);
        assertThat(Tensors.shape(out.getDiffusionCondition())).containsExactly(2, P * P, W);
        assertThat(out.getNumDiffusionSteps()).isEqualTo(8);
        ArResult back = ArOutputCodec.decode(out);
        assertThat(back.fHat()).isEqualTo(in.fHat());
        assertThat(back.finalTokens()).isEqualTo(in.finalTokens());
        assertThat(back.diffusionCondition()).isEqualTo(in.diffusionCondition());
        assertThat(back.indices()).hasSize(1);
        assertThat(back.indices().get(0)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(back.seed()).isEqualTo(42);
        assertThat(back.diffusionCfg()).isEqualTo((double) (float) 3.6);
    }

    @Test
    void f16HalvesTheConditionWithinHalfPrecision() {
        ArResult in = result();
        ArOutput f32 = new ArOutputCodec(TensorDType.F32).encode(request(), "c", in, 8);
        ArOutput f16 = new ArOutputCodec(TensorDType.F16).encode(request(), "c", in, 8);
        assertThat(f16.getDiffusionCondition().getData().remaining() * 2)
                .isEqualTo(f32.getDiffusionCondition().getData().remaining());
        ArResult back = ArOutputCodec.decode(f16);
        float[] a = in.diffusionCondition().data();
        float[] b = back.diffusionCondition().data();
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(Math.abs(a[i]) / 1024 + 1e-6f));
        }
    }

    @Test
    void refusesOtherWireTypes() {
        assertThatThrownBy(() -> new ArOutputCodec(TensorDType.I32)).hasMessageContaining("F32 or F16");
    }
}
