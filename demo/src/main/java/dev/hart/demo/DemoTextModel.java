package dev.hart.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hart.model.io.SafeTensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo checkpoint's text model: a tiny Qwen2 (2 layers, width 64) with seeded random weights that
 * stay frozen (HART freezes its text model too; a random one still maps each caption word to a distinct
 * hidden state, which is all the transformer needs to condition on), and a byte-level BPE tokenizer
 * trained on the demo captions. Written in the Hugging Face Qwen2 layout: {@code config.json},
 * {@code model.safetensors} (tensors {@code model.*}), {@code tokenizer.json}, {@code tokenizer_config.json}.
 */
public final class DemoTextModel {

    public static final int HIDDEN = 64;
    public static final int LAYERS = 2;
    public static final int HEADS = 4;
    public static final int KV_HEADS = 2;
    public static final int HEAD_DIM = HIDDEN / HEADS;
    public static final int INTERMEDIATE = 128;
    /** Merges learned on the captions (enough for every caption word to become one token). */
    public static final int MERGES = 400;

    private DemoTextModel() {
    }

    /** Trains the tokenizer on every caption of the data set (both splits: the words are all known) and writes the model. */
    public static void write(Path dir, long seed) {
        List<String> captions = DemoDataset.allScenes().stream().map(DemoScene::caption).toList();
        ByteLevelBpe bpe = ByteLevelBpe.train(captions, MERGES);
        bpe.write(dir);
        writeConfig(dir, bpe.vocabSize(), bpe.endOfTextId());
        writeRandomWeights(dir, bpe.vocabSize(), seed);
    }

    private static void writeConfig(Path dir, int vocab, int eos) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("Qwen2Model");
        c.put("model_type", "qwen2");
        c.put("hidden_size", HIDDEN);
        c.put("num_hidden_layers", LAYERS);
        c.put("num_attention_heads", HEADS);
        c.put("num_key_value_heads", KV_HEADS);
        c.put("intermediate_size", INTERMEDIATE);
        c.put("vocab_size", vocab);
        c.put("max_position_embeddings", 4096);
        c.put("rope_theta", 10000.0);
        c.put("rms_norm_eps", 1e-6);
        c.put("hidden_act", "silu");
        c.put("tie_word_embeddings", true);
        c.put("bos_token_id", eos);
        c.put("eos_token_id", eos);
        c.put("torch_dtype", "float32");
        c.put("use_sliding_window", false);
        c.put("attention_dropout", 0.0);
        c.put("initializer_range", 0.02);
        try {
            Files.createDirectories(dir);
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("config.json"), e);
        }
    }

    private static void writeRandomWeights(Path dir, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
        // unit-variance embeddings so token identity dominates the (normalised) last hidden state
        w.addF32("model.embed_tokens.weight", new long[] {vocab, HIDDEN}, gaussian(r, vocab * HIDDEN, 1.0));
        int q = HEADS * HEAD_DIM;
        int kv = KV_HEADS * HEAD_DIM;
        double std = 0.02 * 5; // larger than HF's 0.02 so attention mixes some context into each position
        for (int i = 0; i < LAYERS; i++) {
            String p = "model.layers." + i + ".";
            w.addF32(p + "input_layernorm.weight", new long[] {HIDDEN}, ones(HIDDEN));
            w.addF32(p + "post_attention_layernorm.weight", new long[] {HIDDEN}, ones(HIDDEN));
            w.addF32(p + "self_attn.q_proj.weight", new long[] {q, HIDDEN}, gaussian(r, q * HIDDEN, std));
            w.addF32(p + "self_attn.q_proj.bias", new long[] {q}, gaussian(r, q, std));
            w.addF32(p + "self_attn.k_proj.weight", new long[] {kv, HIDDEN}, gaussian(r, kv * HIDDEN, std));
            w.addF32(p + "self_attn.k_proj.bias", new long[] {kv}, gaussian(r, kv, std));
            w.addF32(p + "self_attn.v_proj.weight", new long[] {kv, HIDDEN}, gaussian(r, kv * HIDDEN, std));
            w.addF32(p + "self_attn.v_proj.bias", new long[] {kv}, gaussian(r, kv, std));
            w.addF32(p + "self_attn.o_proj.weight", new long[] {HIDDEN, q}, gaussian(r, HIDDEN * q, std));
            w.addF32(p + "mlp.gate_proj.weight", new long[] {INTERMEDIATE, HIDDEN}, gaussian(r, INTERMEDIATE * HIDDEN, std));
            w.addF32(p + "mlp.up_proj.weight", new long[] {INTERMEDIATE, HIDDEN}, gaussian(r, INTERMEDIATE * HIDDEN, std));
            w.addF32(p + "mlp.down_proj.weight", new long[] {HIDDEN, INTERMEDIATE}, gaussian(r, HIDDEN * INTERMEDIATE, std));
        }
        w.addF32("model.norm.weight", new long[] {HIDDEN}, ones(HIDDEN));
        w.write(dir.resolve("model.safetensors"));
    }

    private static float[] gaussian(SplittableRandom r, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i += 2) {
            // Box-Muller: two normals per pair of uniforms
            double u1 = 1.0 - r.nextDouble();
            double u2 = r.nextDouble();
            double rad = Math.sqrt(-2 * Math.log(u1));
            v[i] = (float) (std * rad * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                v[i + 1] = (float) (std * rad * Math.sin(2 * Math.PI * u2));
            }
        }
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
