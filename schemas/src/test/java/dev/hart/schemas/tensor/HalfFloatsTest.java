package dev.hart.schemas.tensor;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HalfFloatsTest {

    /** Exact value of positive finite half bits, computed independently of HalfFloats. */
    private static double halfValue(int bits) {
        int e = bits >>> 10;
        int m = bits & 0x3FF;
        return e == 0 ? Math.scalb((double) m, -24) : Math.scalb((double) (1024 + m), e - 25);
    }

    /** Reference rounding by search: nearest half, ties to the even bit pattern, >= 65520 overflows. */
    private static int referenceHalf(float f) {
        int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x8000 : 0;
        double a = Math.abs((double) f);
        if (a >= 65520.0) {
            return sign | 0x7C00;
        }
        int lo = 0;
        int hi = 0x7BFF;
        while (lo < hi) { // largest bits with value <= a
            int mid = (lo + hi + 1) >>> 1;
            if (halfValue(mid) <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (lo == 0x7BFF) {
            return sign | (a - halfValue(lo) < 16.0 ? lo : (lo & 1) == 0 ? lo : 0x7C00);
        }
        double down = a - halfValue(lo);
        double up = halfValue(lo + 1) - a;
        int chosen = down < up ? lo : up < down ? lo + 1 : ((lo & 1) == 0 ? lo : lo + 1);
        return sign | chosen;
    }

    @Test
    void everyHalfSurvivesHalfToFloatToHalf() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float f = HalfFloats.halfToFloat((short) bits);
            boolean nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x3FF) != 0;
            if (nan) {
                assertThat(Float.isNaN(f)).as("NaN bits %04x", bits).isTrue();
                short back = HalfFloats.floatToHalf(f);
                assertThat((back & 0x7C00) == 0x7C00 && (back & 0x3FF) != 0).as("NaN %04x stays NaN", bits).isTrue();
            } else {
                assertThat(HalfFloats.floatToHalf(f) & 0xFFFF).as("half %04x", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    void halfToFloatGivesExactValues() {
        assertThat(HalfFloats.halfToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(HalfFloats.halfToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x7BFF)).isEqualTo(65504.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.halfToFloat((short) 0x03FF)).isEqualTo(1023 * 0x1p-24f);
        assertThat(HalfFloats.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(HalfFloats.halfToFloat((short) 0x8000))).isEqualTo(0x80000000);
        for (int bits = 0; bits < 0x7C00; bits++) {
            assertThat((double) HalfFloats.halfToFloat((short) bits)).isEqualTo(halfValue(bits));
        }
    }

    @Test
    void floatToHalfRoundsToNearestEven() {
        // 1 + 2^-11 is exactly between 1.0 (0x3C00, even) and 1 + 2^-10 (0x3C01): ties to even
        assertThat(HalfFloats.floatToHalf(1.0f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        // 1 + 3 * 2^-11 is between 0x3C01 (odd) and 0x3C02 (even)
        assertThat(HalfFloats.floatToHalf(1.0f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        assertThat(HalfFloats.floatToHalf(1.0f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
        assertThat(HalfFloats.floatToHalf(65504f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloats.floatToHalf(65519.99f)).isEqualTo((short) 0x7BFF);
        assertThat(HalfFloats.floatToHalf(65520f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.floatToHalf(1e10f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.floatToHalf(-1e10f)).isEqualTo((short) 0xFC00);
        assertThat(HalfFloats.floatToHalf(0x1p-25f)).isEqualTo((short) 0x0000); // tie with 0: even
        assertThat(HalfFloats.floatToHalf(0x1p-25f * 1.0001f)).isEqualTo((short) 0x0001);
        assertThat(HalfFloats.floatToHalf(3 * 0x1p-25f)).isEqualTo((short) 0x0002); // tie 1 vs 2: even
        assertThat(HalfFloats.floatToHalf(Float.MIN_VALUE)).isEqualTo((short) 0x0000);
        assertThat(HalfFloats.floatToHalf(-0.0f)).isEqualTo((short) 0x8000);
        // largest subnormal rounds up into the smallest normal
        assertThat(HalfFloats.floatToHalf(0x1p-14f - 0x1p-26f)).isEqualTo((short) 0x0400);
    }

    @Test
    void floatToHalfMatchesReferenceRoundingOnRandomAndEdgeFloats() {
        SplittableRandom random = new SplittableRandom(20241125L);
        for (int i = 0; i < 200_000; i++) {
            float f;
            switch (i % 4) {
                case 0:
                    f = Float.intBitsToFloat(random.nextInt()); // any bit pattern
                    break;
                case 1: // around the half range, including subnormals
                    f = (float) (Math.scalb(random.nextDouble(), random.nextInt(-30, 18)) * (random.nextBoolean() ? 1 : -1));
                    break;
                case 2: // exact ties and neighbours: a half value plus half an ulp, +-1 float ulp
                    int bits = random.nextInt(0x7BFF);
                    float tie = (float) ((halfValue(bits) + halfValue(bits + 1)) / 2);
                    f = random.nextBoolean() ? tie : Math.nextAfter(tie, random.nextBoolean() ? 1e9 : -1e9);
                    break;
                default:
                    f = (float) random.nextGaussian();
            }
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            assertThat(HalfFloats.floatToHalf(f) & 0xFFFF).as("float %s (bits %08x)", f, Float.floatToRawIntBits(f))
                    .isEqualTo(referenceHalf(f));
        }
    }

    @Test
    void nanAndInfinityConvert() {
        short nan = HalfFloats.floatToHalf(Float.NaN);
        assertThat(Float.isNaN(HalfFloats.halfToFloat(nan))).isTrue();
        // a NaN whose payload lives only in low bits must not become infinity
        short lowPayloadNan = HalfFloats.floatToHalf(Float.intBitsToFloat(0x7F800001));
        assertThat(Float.isNaN(HalfFloats.halfToFloat(lowPayloadNan))).isTrue();
        assertThat(HalfFloats.floatToHalf(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7C00);
    }

    @Test
    void bfloat16RoundsToNearestEvenAndWidensExactly() {
        assertThat(HalfFloats.floatToBFloat16(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(HalfFloats.bfloat16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
        // 1 + 2^-8 is the tie between 0x3F80 (even) and 0x3F81
        assertThat(HalfFloats.floatToBFloat16(1.0f + 0x1p-8f)).isEqualTo((short) 0x3F80);
        assertThat(HalfFloats.floatToBFloat16(1.0f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
        assertThat(HalfFloats.floatToBFloat16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
        assertThat(Float.isNaN(HalfFloats.bfloat16ToFloat(HalfFloats.floatToBFloat16(Float.intBitsToFloat(0x7F800001))))).isTrue();
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float f = HalfFloats.bfloat16ToFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertThat(HalfFloats.floatToBFloat16(f) & 0xFFFF).isEqualTo(bits);
            }
        }
    }
}
