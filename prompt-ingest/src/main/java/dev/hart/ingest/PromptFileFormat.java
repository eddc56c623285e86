package dev.hart.ingest;

import java.util.Locale;

/** Formats {@link PromptPublisher} reads. */
public enum PromptFileFormat {
    /** One prompt per line; blank lines are skipped (and counted). */
    TXT,
    /** One JSON object per line with {@link PromptFields} names; {@code prompt} is required. */
    JSONL,
    /** A header row naming {@link PromptFields} (and {@code metadata.<key>} columns), then one prompt per row. */
    CSV;

    /** By extension: {@code .jsonl}/{@code .ndjson}/{@code .json} JSONL, {@code .csv} CSV, anything else TXT. */
    public static PromptFileFormat fromFileName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
            return JSONL;
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        return TXT;
    }

    /** Case-insensitive name ({@code txt}, {@code jsonl}, {@code csv}). */
    public static PromptFileFormat parse(String name) {
        for (PromptFileFormat f : values()) {
            if (f.name().equalsIgnoreCase(name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown prompt file format '" + name + "' (use txt, jsonl or csv)");
    }
}
