package dev.hart.schemas.tensor;

/** A {@link dev.hart.schemas.avro.Tensor} whose dtype, shape and data do not fit together, or a conversion it cannot make. */
public class InvalidTensorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidTensorException(String message) {
        super(message);
    }
}
