package dev.hart.schemas.tensor;

/**
 * IEEE 754 binary16 ("half") and bfloat16 conversions. Java 17 has no {@code Float.floatToFloat16}
 * (it arrived in Java 20), so the bit manipulation is done here. Float to 16-bit rounds to nearest,
 * ties to even, like the hardware conversions PyTorch uses; NaN stays NaN, overflow becomes infinity.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** Converts a float to IEEE half bits, round-to-nearest-even. */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7FFFFF;

        if (exponent == 0xFF) { // infinity or NaN
            if (mantissa == 0) {
                return (short) (sign | 0x7C00);
            }
            // keep the top payload bits, force quiet bit so a NaN never turns into infinity
            return (short) (sign | 0x7C00 | 0x0200 | (mantissa >>> 13));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1F) { // too large: infinity
            return (short) (sign | 0x7C00);
        }
        if (halfExponent <= 0) { // half subnormal or zero
            if (halfExponent < -10) { // below half of the smallest subnormal: rounds to zero
                return (short) sign;
            }
            int fullMantissa = mantissa | 0x800000; // implicit leading one
            int shift = 14 - halfExponent; // 14..24
            int halfMantissa = fullMantissa >>> shift;
            int remainder = fullMantissa & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (remainder > halfway || (remainder == halfway && (halfMantissa & 1) == 1)) {
                halfMantissa++; // may carry into the smallest normal exponent, which is the right answer
            }
            return (short) (sign | halfMantissa);
        }
        int halfBits = (halfExponent << 10) | (mantissa >>> 13);
        // round half to even without a branch: +1 when the dropped 13 bits exceed 0x1000, or equal it with an odd lsb.
        // A carry out of the mantissa bumps the exponent; 0x7C00 is infinity, as it should be.
        halfBits += ((mantissa & 0x1FFF) + (halfBits & 1) + 0x0FFF) >>> 13;
        return (short) (sign | halfBits);
    }

    /** Converts IEEE half bits to the exactly equal float. */
    public static float halfToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mantissa * 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** Converts a float to bfloat16 bits (the upper 16 bits of the float), round-to-nearest-even. */
    public static short floatToBFloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x7FFFFF) != 0) {
            return (short) ((bits >>> 16) | 0x0040); // quiet NaN, never rounds into infinity
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Converts bfloat16 bits to the exactly equal float. */
    public static float bfloat16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }
}
