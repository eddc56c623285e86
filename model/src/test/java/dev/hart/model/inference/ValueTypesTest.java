package dev.hart.model.inference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueTypesTest {

    @Test
    void tensorDataChecksShapeAgainstData() {
        assertThatThrownBy(() -> new TensorData(new long[] {2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 6 values but data has 5");
        assertThatThrownBy(() -> new TensorData(null, new float[0])).isInstanceOf(IllegalArgumentException.class);
        TensorData t = new TensorData(new long[] {2, 3}, new float[6]);
        assertThat(t).isEqualTo(new TensorData(new long[] {2, 3}, new float[6]));
        assertThatThrownBy(() -> t.requireShape("x", 3, -1)).hasMessageContaining("x has shape [2, 3], expected [3, *]");
    }

    @Test
    void samplingDefaultsAreTheReferenceScripts() {
        SamplingParams d = SamplingParams.defaults();
        assertThat(d.cfg()).isEqualTo(4.5);
        assertThat(d.moreSmooth()).isTrue();
        assertThat(d.topP()).isZero();
        assertThat(d.seed()).isEqualTo(1);
        assertThat(d.topKAt(0)).isEqualTo(600);
        assertThat(d.topKAt(6)).isEqualTo(600);
        assertThat(d.topKAt(7)).isEqualTo(300);
        assertThat(d.withTopK(50).topKAt(9)).isEqualTo(50);
    }

    @Test
    void samplingParamsRejectNonsense() {
        assertThatThrownBy(() -> new SamplingParams(-1, 0, 0, true, 1)).hasMessageContaining("cfg");
        assertThatThrownBy(() -> new SamplingParams(1, -1, 0, true, 1)).hasMessageContaining("topK");
        assertThatThrownBy(() -> new SamplingParams(1, 0, 2, true, 1)).hasMessageContaining("topP");
    }
}
