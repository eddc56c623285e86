package dev.hart.schemas.registry;

/**
 * A Schema Registry call failed. Carries the HTTP status and the registry's {@code error_code} (e.g.
 * 40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema) when known,
 * or -1 when the failure happened before a response (connection refused, timeout).
 */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
    }

    /** HTTP status of the registry's answer, -1 if there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code}, -1 if there was none. */
    public int errorCode() {
        return errorCode;
    }
}
