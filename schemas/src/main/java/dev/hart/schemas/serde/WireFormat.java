package dev.hart.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: byte 0 is the magic byte 0x00, bytes 1-4 the schema id (big-endian int),
 * then the Avro binary encoding of the record with the writer schema of that id.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0x0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The 5 header bytes for a schema id. */
    public static byte[] header(int schemaId) {
        return new byte[] {MAGIC_BYTE, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId};
    }

    /**
     * Reads the schema id after checking the magic byte and the minimum length.
     *
     * @throws SerializationException when the bytes cannot be in the wire format
     */
    public static int schemaId(byte[] data, String topic) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "': " + data.length
                    + " bytes is shorter than the " + HEADER_SIZE + "-byte Confluent wire-format header "
                    + "(magic byte 0 + 4-byte schema id)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException("Cannot deserialize record from topic '" + topic + "': unknown magic byte 0x"
                    + String.format("%02x", data[0] & 0xFF) + " (expected 0x00: the Confluent wire format; "
                    + "was it written by another serializer, e.g. plain JSON or String?)");
        }
        return ((data[1] & 0xFF) << 24) | ((data[2] & 0xFF) << 16) | ((data[3] & 0xFF) << 8) | (data[4] & 0xFF);
    }
}
