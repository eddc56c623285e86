package dev.hart.schemas.tensor;

import dev.hart.schemas.avro.Tensor;
import dev.hart.schemas.avro.TensorDType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Builds and reads {@link Tensor} records: row-major, little-endian, no padding.
 *
 * <p>Floats can travel as F32, F16 (IEEE half) or BF16; reading any of them gives float[]. Every read
 * validates that the byte length equals product(shape) x element size and throws
 * {@link InvalidTensorException} with the numbers otherwise.
 */
public final class Tensors {
    private Tensors() {
    }

    /** Bytes per element of a dtype. */
    public static int elementSize(TensorDType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        switch (dtype) {
            case F32:
            case I32:
                return 4;
            case F16:
            case BF16:
                return 2;
            case I64:
                return 8;
            case U8:
                return 1;
            default:
                throw new InvalidTensorException("unsupported tensor dtype " + dtype);
        }
    }

    // ---------------------------------------------------------------- building

    /** An F32 tensor. */
    public static Tensor ofFloats(float[] values, long... shape) {
        return ofFloats(values, TensorDType.F32, shape);
    }

    /** A float tensor encoded as F32, F16 or BF16 (16-bit encodings round to nearest even). */
    public static Tensor ofFloats(float[] values, TensorDType dtype, long... shape) {
        requireValues(values);
        checkCount(values.length, shape);
        ByteBuffer buffer = allocate(values.length, dtype);
        switch (dtype) {
            case F32:
                buffer.asFloatBuffer().put(values);
                break;
            case F16: {
                short[] halves = new short[values.length]; // convert in a plain loop, then one bulk copy
                for (int i = 0; i < values.length; i++) {
                    halves[i] = HalfFloats.floatToHalf(values[i]);
                }
                buffer.asShortBuffer().put(halves);
                break;
            }
            case BF16: {
                short[] halves = new short[values.length];
                for (int i = 0; i < values.length; i++) {
                    halves[i] = HalfFloats.floatToBFloat16(values[i]);
                }
                buffer.asShortBuffer().put(halves);
                break;
            }
            default:
                throw new InvalidTensorException("float values can be encoded as F32, F16 or BF16, not " + dtype);
        }
        return build(dtype, shape, buffer);
    }

    /** An I32 tensor. */
    public static Tensor ofInts(int[] values, long... shape) {
        requireValues(values);
        checkCount(values.length, shape);
        ByteBuffer buffer = allocate(values.length, TensorDType.I32);
        buffer.asIntBuffer().put(values);
        return build(TensorDType.I32, shape, buffer);
    }

    /** An I64 tensor. */
    public static Tensor ofLongs(long[] values, long... shape) {
        requireValues(values);
        checkCount(values.length, shape);
        ByteBuffer buffer = allocate(values.length, TensorDType.I64);
        buffer.asLongBuffer().put(values);
        return build(TensorDType.I64, shape, buffer);
    }

    /** A U8 tensor (e.g. image pixels); the bytes are copied. */
    public static Tensor ofUnsignedBytes(byte[] values, long... shape) {
        requireValues(values);
        checkCount(values.length, shape);
        return build(TensorDType.U8, shape, ByteBuffer.wrap(values.clone()));
    }

    /**
     * Wraps already-encoded little-endian bytes (e.g. straight from a DJL NDArray) after validating
     * their length. The buffer's remaining bytes are used without copying.
     */
    public static Tensor ofRawBytes(TensorDType dtype, ByteBuffer littleEndianData, long... shape) {
        Objects.requireNonNull(dtype, "dtype");
        if (littleEndianData == null) {
            throw new InvalidTensorException("tensor data must not be null");
        }
        Tensor tensor = Tensor.newBuilder().setDtype(dtype).setShape(shapeList(shape))
                .setData(littleEndianData.slice()).build();
        validate(tensor);
        return tensor;
    }

    // ---------------------------------------------------------------- reading

    /** The shape as a long[]. */
    public static long[] shape(Tensor tensor) {
        requireTensor(tensor);
        List<Long> shape = tensor.getShape();
        if (shape == null) {
            throw new InvalidTensorException("tensor has no shape");
        }
        long[] result = new long[shape.size()];
        for (int i = 0; i < result.length; i++) {
            Long dim = shape.get(i);
            if (dim == null) {
                throw new InvalidTensorException("tensor shape " + shape + " has a null dimension");
            }
            result[i] = dim;
        }
        return result;
    }

    /** product(shape); throws if a dimension is negative or the product overflows an int-indexed array. */
    public static int elementCount(Tensor tensor) {
        return elementCount(shape(tensor));
    }

    /**
     * Checks dtype, shape and data length. A claim-check tensor (uri set, empty data) is valid here;
     * reading its values throws until the payload has been fetched.
     */
    public static void validate(Tensor tensor) {
        requireTensor(tensor);
        if (tensor.getDtype() == null) {
            throw new InvalidTensorException("tensor has no dtype");
        }
        int count = elementCount(tensor);
        ByteBuffer data = tensor.getData();
        int actual = data == null ? 0 : data.remaining();
        if (tensor.getUri() != null && actual == 0) {
            return;
        }
        if (data == null) {
            throw new InvalidTensorException("tensor has no data");
        }
        long expected = (long) count * elementSize(tensor.getDtype());
        if (actual != expected) {
            throw new InvalidTensorException("tensor data has " + actual + " bytes but shape "
                    + Arrays.toString(shape(tensor)) + " of " + tensor.getDtype() + " needs " + count + " x "
                    + elementSize(tensor.getDtype()) + " = " + expected + " bytes");
        }
    }

    /** The values of an F32, F16 or BF16 tensor as float[]. */
    public static float[] toFloats(Tensor tensor) {
        ByteBuffer data = readableData(tensor);
        int count = elementCount(tensor);
        float[] values = new float[count];
        switch (tensor.getDtype()) {
            case F32:
                data.asFloatBuffer().get(values);
                break;
            case F16: {
                short[] halves = new short[count]; // one bulk copy, then a plain loop
                data.asShortBuffer().get(halves);
                for (int i = 0; i < count; i++) {
                    values[i] = HalfFloats.halfToFloat(halves[i]);
                }
                break;
            }
            case BF16: {
                short[] halves = new short[count];
                data.asShortBuffer().get(halves);
                for (int i = 0; i < count; i++) {
                    values[i] = HalfFloats.bfloat16ToFloat(halves[i]);
                }
                break;
            }
            default:
                throw new InvalidTensorException("cannot read a " + tensor.getDtype() + " tensor as floats "
                        + "(expected F32, F16 or BF16)");
        }
        return values;
    }

    /** The values of an I32 or U8 tensor as int[] (U8 read as 0..255). */
    public static int[] toInts(Tensor tensor) {
        ByteBuffer data = readableData(tensor);
        int count = elementCount(tensor);
        int[] values = new int[count];
        switch (tensor.getDtype()) {
            case I32:
                data.asIntBuffer().get(values);
                break;
            case U8:
                for (int i = 0; i < count; i++) {
                    values[i] = data.get() & 0xFF;
                }
                break;
            default:
                throw new InvalidTensorException("cannot read a " + tensor.getDtype() + " tensor as ints "
                        + "(expected I32 or U8)");
        }
        return values;
    }

    /** The values of an I64, I32 or U8 tensor as long[]. */
    public static long[] toLongs(Tensor tensor) {
        if (tensor != null && tensor.getDtype() != TensorDType.I64) {
            int[] ints = toInts(tensor);
            long[] values = new long[ints.length];
            for (int i = 0; i < ints.length; i++) {
                values[i] = ints[i];
            }
            return values;
        }
        ByteBuffer data = readableData(tensor);
        long[] values = new long[elementCount(tensor)];
        data.asLongBuffer().get(values);
        return values;
    }

    /** A little-endian, read-only view of the validated data (no copy), positioned at its first byte. */
    public static ByteBuffer data(Tensor tensor) {
        return readableData(tensor).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---------------------------------------------------------------- internals

    private static ByteBuffer readableData(Tensor tensor) {
        validate(tensor);
        if (tensor.getUri() != null && tensor.getData().remaining() == 0 && elementCount(tensor) > 0) {
            throw new InvalidTensorException("tensor payload is stored externally at " + tensor.getUri()
                    + "; fetch it before reading values");
        }
        return tensor.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new InvalidTensorException("tensor shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            count *= dim;
            if (count > Integer.MAX_VALUE - 8) {
                throw new InvalidTensorException("tensor shape " + Arrays.toString(shape)
                        + " has too many elements for one Java array (more than 2^31 - 9)");
            }
        }
        return (int) count;
    }

    private static void checkCount(int valueCount, long[] shape) {
        if (shape == null) {
            throw new InvalidTensorException("tensor shape must not be null");
        }
        int expected = elementCount(shape);
        if (expected != valueCount) {
            throw new InvalidTensorException("shape " + Arrays.toString(shape) + " holds " + expected
                    + " elements but " + valueCount + " values were given");
        }
    }

    private static ByteBuffer allocate(int count, TensorDType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        return ByteBuffer.allocate(count * elementSize(dtype)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Tensor build(TensorDType dtype, long[] shape, ByteBuffer buffer) {
        buffer.clear(); // position 0, limit = capacity: the whole encoded array
        return Tensor.newBuilder().setDtype(dtype).setShape(shapeList(shape)).setData(buffer).build();
    }

    private static List<Long> shapeList(long[] shape) {
        if (shape == null) {
            throw new InvalidTensorException("tensor shape must not be null");
        }
        elementCount(shape); // validates dimensions
        List<Long> list = new ArrayList<>(shape.length);
        for (long dim : shape) {
            list.add(dim);
        }
        return list;
    }

    private static void requireTensor(Tensor tensor) {
        if (tensor == null) {
            throw new InvalidTensorException("tensor must not be null");
        }
    }

    private static void requireValues(Object values) {
        if (values == null) {
            throw new InvalidTensorException("tensor values must not be null");
        }
    }
}
