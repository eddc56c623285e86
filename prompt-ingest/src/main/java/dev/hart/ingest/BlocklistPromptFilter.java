package dev.hart.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default {@link PromptFilter}: rejects prompts that contain a blocked word or phrase, matched case-insensitively
 * as whole words ("ass" blocks "an ass" but not "class"; a phrase's words may be separated by any whitespace).
 *
 * <p>The list file ({@code hart.ingest.blocklist.file}) holds one word or phrase per line; blank lines and lines
 * starting with {@code #} are ignored. Without a file nothing is blocked.
 */
public final class BlocklistPromptFilter implements PromptFilter {
    public static final String FILE_PROPERTY = "hart.ingest.blocklist.file";

    private Pattern pattern;
    private List<String> terms = List.of();

    /** For reflective construction; {@link #configure} sets the list. */
    public BlocklistPromptFilter() {
    }

    public BlocklistPromptFilter(Collection<String> terms) {
        setTerms(terms);
    }

    public static BlocklistPromptFilter fromFile(Path file) {
        try {
            List<String> terms = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    terms.add(t);
                }
            }
            return new BlocklistPromptFilter(terms);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("Blocklist file not found: " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read blocklist file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void configure(Map<String, String> properties) {
        String file = properties.get(FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            setTerms(fromFile(Path.of(file.trim())).terms);
        }
    }

    private void setTerms(Collection<String> raw) {
        List<String> cleaned = raw.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        this.terms = cleaned;
        if (cleaned.isEmpty()) {
            pattern = null;
            return;
        }
        StringBuilder alternatives = new StringBuilder();
        for (String term : cleaned) {
            StringBuilder words = new StringBuilder();
            for (String w : term.split("\\s+")) {
                words.append(words.length() == 0 ? "" : "\\s+").append(Pattern.quote(w));
            }
            alternatives.append(alternatives.length() == 0 ? "" : "|").append(words);
        }
        // whole words: no letter, digit or underscore right before or after the match
        pattern = Pattern.compile("(?<![\\p{L}\\p{N}_])(?:" + alternatives + ")(?![\\p{L}\\p{N}_])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    public List<String> terms() {
        return terms;
    }

    @Override
    public Optional<String> check(String prompt) {
        if (pattern == null || prompt == null) {
            return Optional.empty();
        }
        Matcher m = pattern.matcher(prompt);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of("prompt contains blocked term '" + m.group().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT) + "'");
    }
}
