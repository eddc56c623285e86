package dev.hart.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hart.schemas.avro.PromptEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads prompt events from a text, JSONL or CSV stream line by line (millions of prompts need no memory). Each line
 * becomes a {@link Line}: a prompt event, a parse error with the line number, or blank.
 *
 * <p>Every event without a {@code requestId} gets {@link RequestIds#derive}(job, position, prompt), where the position
 * counts the file's non-blank lines (comments excluded, lines with errors included, so fixing a bad line does not move
 * the others): reading the same file for the same job always gives the same ids. In text files a line starting with
 * {@code #} is a comment.
 *
 * <p>CSV: RFC 4180 quoting ({@code "a, b"}, {@code ""} for a quote) within one line; a quoted field spanning lines is
 * an error. An unknown header column fails the whole file ({@link PromptFileException}) before anything is read.
 */
public final class PromptFileReader implements Iterator<PromptFileReader.Line> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One input line: exactly one of {@code event} / {@code error} is set, or neither for a blank line. */
    public record Line(int number, PromptEvent event, String error) {
        public boolean isBlank() {
            return event == null && error == null;
        }
    }

    private final BufferedReader in;
    private final PromptFileFormat format;
    private final String defaultJobId;
    private List<String> header;
    private int lineNumber;
    private long position;
    private String pending;
    private boolean done;

    public PromptFileReader(Reader reader, PromptFileFormat format, String defaultJobId) {
        this.in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        this.format = format;
        this.defaultJobId = defaultJobId;
        if (format == PromptFileFormat.CSV) {
            readHeader();
        }
    }

    private void readHeader() {
        String line = nextRawLine();
        while (line != null && line.isBlank()) {
            line = nextRawLine();
        }
        if (line == null) {
            throw new PromptFileException("CSV input is empty: expected a header row naming the fields (e.g. prompt,seed)");
        }
        List<String> columns;
        try {
            columns = splitCsv(line);
        } catch (IllegalArgumentException e) {
            throw new PromptFileException("line " + lineNumber + " (header): " + e.getMessage());
        }
        List<String> cleaned = new ArrayList<>();
        for (String c : columns) {
            String name = c.strip();
            if (!PromptFields.isKnown(name) || name.equals("metadata")) {
                throw new PromptFileException("line " + lineNumber + " (header): " + PromptFields.unknownField(name)
                        + "; metadata goes in metadata.<key> columns");
            }
            if (cleaned.contains(name)) {
                throw new PromptFileException("line " + lineNumber + " (header): column '" + name + "' appears twice");
            }
            cleaned.add(name);
        }
        if (!cleaned.contains("prompt")) {
            throw new PromptFileException("line " + lineNumber + " (header): no 'prompt' column (columns: " + cleaned + ")");
        }
        header = cleaned;
    }

    private String nextRawLine() {
        try {
            String line = in.readLine();
            if (line != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // UTF-8 byte order mark
                }
            }
            return line;
        } catch (IOException e) {
            throw new PromptFileException("reading line " + (lineNumber + 1) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !done) {
            pending = nextRawLine();
            done = pending == null;
        }
        return pending != null;
    }

    @Override
    public Line next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException();
        }
        String line = pending;
        pending = null;
        if (line.isBlank() || (format == PromptFileFormat.TXT && line.strip().startsWith("#"))) {
            return new Line(lineNumber, null, null);
        }
        long at = position++;
        try {
            PromptEvent event = switch (format) {
                case TXT -> PromptFields.newEvent(defaultJobId).setPrompt(line.strip()).build();
                case JSONL -> fromJson(line);
                case CSV -> fromCsv(line);
            };
            String job = event.getJobId() == null || event.getJobId().isBlank() ? defaultJobId : event.getJobId().strip();
            if ((event.getRequestId() == null || event.getRequestId().isBlank()) && job != null) {
                event.setRequestId(RequestIds.derive(job, at, event.getPrompt()));
            }
            return new Line(lineNumber, event, null);
        } catch (IllegalArgumentException | org.apache.avro.AvroRuntimeException e) {
            return new Line(lineNumber, null, e.getMessage());
        }
    }

    private PromptEvent fromJson(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        if (!node.hasNonNull("prompt")) {
            throw new IllegalArgumentException("missing field 'prompt'");
        }
        PromptEvent.Builder b = PromptFields.newEvent(defaultJobId);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode value = f.getValue();
            if (!PromptFields.NAMES.contains(name)) {
                throw new IllegalArgumentException(PromptFields.unknownField(name));
            }
            if (value.isNull()) {
                continue;
            }
            if (name.equals("metadata")) {
                b.setMetadata(metadata(value));
            } else if (value.isContainerNode()) {
                throw new IllegalArgumentException("field '" + name + "': expected a single value, got " + value.getNodeType());
            } else if (name.equals("prompt") && !value.isTextual()) {
                throw new IllegalArgumentException("field 'prompt': expected a string, got " + value.getNodeType());
            } else if ((name.equals("moreSmooth") || name.equals("useSystemPrompt")) && !value.isBoolean()) {
                throw new IllegalArgumentException("field '" + name + "': expected true or false, got " + value);
            } else if (value.isFloatingPointNumber() && !(name.equals("cfg") || name.equals("topP"))) {
                throw new IllegalArgumentException("field '" + name + "': expected an integer, got " + value);
            } else {
                PromptFields.set(b, name, value.asText());
            }
        }
        return b.build();
    }

    private static Map<String, String> metadata(JsonNode value) {
        if (!value.isObject()) {
            throw new IllegalArgumentException("field 'metadata': expected an object of strings, got " + value.getNodeType());
        }
        Map<String, String> m = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isContainerNode()) {
                throw new IllegalArgumentException("field 'metadata." + e.getKey() + "': expected a string, got "
                        + e.getValue().getNodeType());
            }
            m.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        return m;
    }

    private PromptEvent fromCsv(String line) {
        List<String> cells = splitCsv(line);
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " columns " + header + ", got " + cells.size());
        }
        PromptEvent.Builder b = PromptFields.newEvent(defaultJobId);
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            String name = header.get(i);
            if (cell.isEmpty() && !name.equals("prompt")) {
                continue; // empty cell: field absent, the default applies
            }
            PromptFields.set(b, name, cell);
        }
        return b.build();
    }

    /** Splits one CSV line (RFC 4180 quoting, within the line). */
    static List<String> splitCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                if (cell.length() > 0 && !cell.toString().isBlank()) {
                    throw new IllegalArgumentException("stray quote in column " + (cells.size() + 1));
                }
                cell.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                cells.add(wasQuoted ? cell.toString() : cell.toString().strip());
                cell.setLength(0);
                wasQuoted = false;
            } else if (wasQuoted && !Character.isWhitespace(c)) {
                throw new IllegalArgumentException("text after a closing quote in column " + (cells.size() + 1));
            } else if (!wasQuoted) {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in column " + (cells.size() + 1)
                    + " (quoted fields may not span lines)");
        }
        cells.add(wasQuoted ? cell.toString() : cell.toString().strip());
        return cells;
    }
}
