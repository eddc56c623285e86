package dev.hart.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small GPT-2/Qwen2-style byte-level BPE vocabulary trained on a text corpus (the demo captions),
 * written as a Hugging Face {@code tokenizer.json} (+ {@code tokenizer_config.json}) that the Rust
 * tokenizers library loads. Every byte has a token, so any text encodes; merges are learned greedily
 * (most frequent adjacent pair first, ties by first occurrence) on pre-tokenized words, the way the
 * library's BpeTrainer does.
 */
public final class ByteLevelBpe {

    /** GPT-2's pre-tokenizer split (what the ByteLevel pre-tokenizer with use_regex applies). */
    private static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    public static final String END_OF_TEXT = "<|endoftext|>";
    private static final String[] SPECIAL = {END_OF_TEXT, "<|im_start|>", "<|im_end|>"};

    private final List<String> vocab;
    private final List<String[]> merges;

    private ByteLevelBpe(List<String> vocab, List<String[]> merges) {
        this.vocab = vocab;
        this.merges = merges;
    }

    /** Learns up to {@code maxMerges} merges (stopping when no pair occurs twice) from the corpus. */
    public static ByteLevelBpe train(List<String> corpus, int maxMerges) {
        String[] byteToChar = byteToUnicode();
        Map<String, Integer> wordFreq = new LinkedHashMap<>();
        for (String text : corpus) {
            Matcher m = SPLIT.matcher(text);
            while (m.find()) {
                wordFreq.merge(m.group(), 1, Integer::sum);
            }
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> freqs = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordFreq.entrySet()) {
            List<String> symbols = new ArrayList<>();
            for (byte b : e.getKey().getBytes(StandardCharsets.UTF_8)) {
                symbols.add(byteToChar[b & 0xff]);
            }
            words.add(symbols);
            freqs.add(e.getValue());
        }
        List<String> vocab = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            vocab.add(byteToChar[b]);
        }
        List<String[]> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<String, Integer> pairCount = new LinkedHashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    pairCount.merge(s.get(i) + "\u0000" + s.get(i + 1), freqs.get(w), Integer::sum);
                }
            }
            String best = null;
            int bestCount = 1;
            for (Map.Entry<String, Integer> e : pairCount.entrySet()) {
                if (e.getValue() > bestCount) {
                    bestCount = e.getValue();
                    best = e.getKey();
                }
            }
            if (best == null) {
                break;
            }
            String[] pair = best.split("\u0000", -1);
            String joined = pair[0] + pair[1];
            merges.add(pair);
            vocab.add(joined);
            for (List<String> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(pair[0]) && s.get(i + 1).equals(pair[1])) {
                        s.set(i, joined);
                        s.remove(i + 1);
                    }
                }
            }
        }
        return new ByteLevelBpe(vocab, merges);
    }

    /** Size of the vocabulary including the special tokens. */
    public int vocabSize() {
        return vocab.size() + SPECIAL.length;
    }

    public int mergeCount() {
        return merges.size();
    }

    /** Id of the pad / end-of-text token. */
    public int endOfTextId() {
        return vocab.size();
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. */
    public void write(Path dir) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIAL.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", vocab.size() + i);
            t.put("content", SPECIAL[i]);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putObject("normalizer").put("type", "NFC");
        root.set("pre_tokenizer", byteLevel(json, false));
        root.set("post_processor", byteLevel(json, false));
        root.set("decoder", byteLevel(json, false));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        ArrayNode m = model.putArray("merges");
        for (String[] pair : merges) {
            m.add(pair[0] + " " + pair[1]);
        }
        ObjectNode config = json.createObjectNode();
        config.put("tokenizer_class", "Qwen2Tokenizer");
        config.put("model_max_length", 32768);
        config.put("pad_token", END_OF_TEXT);
        config.put("eos_token", END_OF_TEXT);
        config.putNull("bos_token");
        config.put("padding_side", "right");
        config.put("truncation_side", "right");
        config.put("clean_up_tokenization_spaces", false);
        config.put("add_prefix_space", false);
        try {
            Files.createDirectories(dir);
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer.json").toFile(), root);
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokenizer to " + dir, e);
        }
    }

    private static ObjectNode byteLevel(ObjectMapper json, boolean addPrefixSpace) {
        ObjectNode n = json.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", false);
        n.put("use_regex", true);
        return n;
    }

    /** GPT-2's reversible byte to printable-character table. */
    static String[] byteToUnicode() {
        String[] table = new String[256];
        Map<Integer, Integer> map = new HashMap<>();
        List<Integer> direct = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) direct.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) direct.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) direct.add(b);
        for (int b : direct) {
            map.put(b, b);
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!map.containsKey(b)) {
                map.put(b, 256 + n++);
            }
        }
        for (int b = 0; b < 256; b++) {
            table[b] = new String(Character.toChars(map.get(b)));
        }
        return table;
    }
}
