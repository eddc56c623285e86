package dev.hart.model.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Typed access to the fields of a JSON config object with errors that name the file and the field.
 * Unknown fields are simply never asked for, so they are tolerated.
 */
final class JsonFields {

    private final JsonNode node;
    private final String source;

    JsonFields(JsonNode node, String source) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object");
        }
        this.node = node;
        this.source = source;
    }

    private JsonNode required(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + ": missing required field '" + field + "'");
        }
        return v;
    }

    private IllegalArgumentException wrongType(String field, String expected, JsonNode v) {
        return new IllegalArgumentException(source + ": field '" + field + "' must be " + expected + ", found " + v);
    }

    int requireInt(String field) {
        JsonNode v = required(field);
        if (!v.canConvertToInt() || !(v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble())))) {
            throw wrongType(field, "an integer", v);
        }
        return v.asInt();
    }

    int optInt(String field, int dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : requireInt(field);
    }

    double optDouble(String field, double dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw wrongType(field, "a number", v);
        }
        return v.asDouble();
    }

    boolean optBool(String field, boolean dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw wrongType(field, "true or false", v);
        }
        return v.asBoolean();
    }

    String optString(String field, String dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        // num_sampling_steps is a string in the reference but a number is an obvious equivalent
        if (!v.isTextual() && !v.isNumber()) {
            throw wrongType(field, "a string", v);
        }
        return v.asText();
    }

    List<Integer> requireIntList(String field) {
        return intList(field, required(field));
    }

    List<Integer> optIntList(String field, List<Integer> dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : intList(field, v);
    }

    private List<Integer> intList(String field, JsonNode v) {
        if (!v.isArray() || v.isEmpty()) {
            throw wrongType(field, "a non-empty list of integers", v);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw wrongType(field, "a non-empty list of integers", v);
            }
            out.add(e.asInt());
        }
        return Collections.unmodifiableList(out);
    }

    String source() {
        return source;
    }
}
