package dev.hart.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.hart.model.Trace;
import dev.hart.model.io.SafeTensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class Qwen2ModelTest {

    private static NDManager manager;
    private static Qwen2Model model;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        try (SafeTensors st = SafeTensors.open(TinyModel.DIR.resolve("model.safetensors"))) {
            model = Qwen2Model.load(Qwen2Config.load(TinyModel.DIR), st.withPrefix("model."), manager);
        }
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    private static float[] run(long[] ids, long[] mask, int batch) {
        try (NDManager m = manager.newSubManager()) {
            int t = ids.length / batch;
            NDArray x = m.create(ids, new Shape(batch, t));
            NDArray am = mask == null ? null : m.create(mask, new Shape(batch, t));
            return model.forward(x, am, Trace.NONE).toFloatArray();
        }
    }

    @Test
    void causalRightPaddingLeavesRealPositionsUnchanged() {
        long[] ids = {10, 20, 30, 40, 50};
        float[] alone = run(ids, null, 1);
        long[] padded = {10, 20, 30, 40, 50, TinyModel.PAD, TinyModel.PAD, TinyModel.PAD};
        float[] withPad = run(padded, new long[] {1, 1, 1, 1, 1, 0, 0, 0}, 1);
        int h = 64;
        for (int i = 0; i < 5 * h; i++) {
            assertThat(withPad[i]).isCloseTo(alone[i], within(1e-5f));
        }
        // a padded query still attends to the real keys: its output is not that of an unmasked pad token
        float[] unmasked = run(padded, null, 1);
        assertThat(Arrays.copyOfRange(withPad, 5 * h, 8 * h)).isNotEqualTo(Arrays.copyOfRange(unmasked, 5 * h, 8 * h));
    }

    @Test
    void nullMaskEqualsAllOnesAndRowsOfABatchAreIndependent() {
        long[] a = {1, 2, 3, 4};
        long[] b = {5, 6, 7, 8};
        float[] both = run(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, new long[] {1, 1, 1, 1, 1, 1, 1, 1}, 2);
        float[] onlyB = run(b, null, 1);
        float[] onlyA = run(a, null, 1);
        for (int i = 0; i < onlyA.length; i++) {
            assertThat(both[i]).isCloseTo(onlyA[i], within(1e-5f));
            assertThat(both[onlyA.length + i]).isCloseTo(onlyB[i], within(1e-5f));
        }
    }

    @Test
    void rowsWithoutAnyVisibleKeyStayFinite() {
        // left padding (and an empty prompt without system prompt) gives query rows that see no key
        float[] out = run(new long[] {TinyModel.PAD, TinyModel.PAD, 7, 8}, new long[] {0, 0, 1, 1}, 1);
        for (float v : out) {
            assertThat(Float.isFinite(v)).isTrue();
        }
        float[] allMasked = run(new long[] {TinyModel.PAD, TinyModel.PAD}, new long[] {0, 0}, 1);
        for (float v : allMasked) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void cachedPrefixEqualsRunningTheWholeSequence() {
        long[] prefixIds = {3, 14, 15, 92, 65, 35};
        long[] rows = {7, 8, 9, TinyModel.PAD, 11, 12, 13, 14};
        long[] rowMask = {1, 1, 1, 0, 1, 1, 1, 1};
        long[] full = new long[2 * 10];
        long[] fullMask = new long[2 * 10];
        for (int r = 0; r < 2; r++) {
            System.arraycopy(prefixIds, 0, full, r * 10, 6);
            System.arraycopy(rows, r * 4, full, r * 10 + 6, 4);
            Arrays.fill(fullMask, r * 10, r * 10 + 6, 1);
            System.arraycopy(rowMask, r * 4, fullMask, r * 10 + 6, 4);
        }
        float[] whole = run(full, fullMask, 2);
        try (NDManager m = manager.newSubManager(); Qwen2Model.Prefix prefix = model.prefix(prefixIds, manager)) {
            assertThat(prefix.length()).isEqualTo(6);
            float[] cached = model.forward(m.create(rows, new Shape(2, 4)), m.create(rowMask, new Shape(2, 4)), prefix, Trace.NONE)
                    .toFloatArray();
            float[] prefixHidden = prefix.lastHidden().toFloatArray();
            int h = 64;
            for (int r = 0; r < 2; r++) {
                for (int i = 0; i < 4 * h; i++) {
                    assertThat(cached[r * 4 * h + i]).isCloseTo(whole[r * 10 * h + 6 * h + i], within(1e-5f));
                }
                for (int i = 0; i < 6 * h; i++) {
                    assertThat(prefixHidden[i]).isCloseTo(whole[r * 10 * h + i], within(1e-5f));
                }
            }
        }
    }

    @Test
    void badInputFailsClearly() {
        assertThatThrownBy(() -> run(new long[] {1, 704}, null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token id out of range");
        try (NDManager m = manager.newSubManager()) {
            assertThatThrownBy(() -> model.forward(m.create(new long[] {1, 2}, new Shape(1, 2)),
                    m.create(new long[] {1, 1, 1}, new Shape(1, 3)), Trace.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
            assertThatThrownBy(() -> model.forward(m.create(new long[] {1, 2}), null, Trace.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[batch, length]");
        }
    }
}
