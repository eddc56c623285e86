package dev.hart.runtime.stage;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Test deserializer that rejects bytes that are not valid UTF-8 (so garbage input is a deserialization error). */
public final class StrictUtf8Deserializer implements Deserializer<String> {
    @Override
    public String deserialize(String topic, byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw new SerializationException("not valid UTF-8 (" + data.length + " bytes)", e);
        }
    }
}
