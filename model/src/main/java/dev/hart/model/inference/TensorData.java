package dev.hart.model.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * A float32 tensor as plain Java values (row-major), so stage outputs can be serialised onto topics
 * without any native memory.
 */
public record TensorData(long[] shape, float[] data) {

    public TensorData {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("TensorData needs a shape and data");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values but data has " + data.length);
        }
        shape = shape.clone();
    }

    /** Copies a floating-point NDArray out (converted to float32). */
    public static TensorData of(NDArray array) {
        NDArray f = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        return new TensorData(f.getShape().getShape(), f.toFloatArray());
    }

    /** A new NDArray in {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(shape));
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Throws with {@code what} in the message unless the shape is exactly {@code expected} (−1 = any). */
    public TensorData requireShape(String what, long... expected) {
        boolean ok = expected.length == shape.length;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = expected[i] < 0 || expected[i] == shape[i];
        }
        if (!ok) {
            throw new IllegalArgumentException(what + " has shape " + Arrays.toString(shape) + ", expected "
                    + Arrays.toString(expected).replace("-1", "*"));
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
