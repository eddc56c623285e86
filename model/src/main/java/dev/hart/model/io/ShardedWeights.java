package dev.hart.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A checkpoint split into shards, described by a Hugging Face index file
 * ({@code model.safetensors.index.json} / {@code pytorch_model.bin.index.json}: {@code weight_map} from
 * tensor name to shard file name). Shards are opened once each, when the index is read.
 */
public final class ShardedWeights implements WeightSource, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, WeightSource> byName;
    private final List<WeightSource> shards;

    private ShardedWeights(Map<String, WeightSource> byName, List<WeightSource> shards) {
        this.byName = byName;
        this.shards = shards;
    }

    /** The shards of an index, each opened with {@code opener} (e.g. {@code SafeTensors::open}, a .bin reader). */
    public static ShardedWeights open(Path indexJson, Function<Path, WeightSource> opener) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(indexJson));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard index " + indexJson, e);
        }
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new IllegalArgumentException(indexJson + ": no 'weight_map' object");
        }
        Map<String, WeightSource> openedShards = new LinkedHashMap<>();
        Map<String, WeightSource> byName = new LinkedHashMap<>();
        try {
            for (var it = map.fields(); it.hasNext(); ) {
                var e = it.next();
                String shardFile = e.getValue().asText();
                WeightSource shard = openedShards.get(shardFile);
                if (shard == null) {
                    Path p = indexJson.resolveSibling(shardFile);
                    if (!Files.isRegularFile(p)) {
                        throw new IllegalArgumentException(indexJson + ": shard '" + shardFile + "' of tensor '"
                                + e.getKey() + "' does not exist");
                    }
                    shard = opener.apply(p);
                    openedShards.put(shardFile, shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new IllegalArgumentException(indexJson + ": shard '" + shardFile + "' has no tensor '" + e.getKey() + "'");
                }
                byName.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            openedShards.values().forEach(ShardedWeights::closeIfPossible);
            throw e;
        }
        return new ShardedWeights(Collections.unmodifiableMap(byName), new ArrayList<>(openedShards.values()));
    }

    /**
     * The weights of a Hugging Face safetensors directory: {@code model.safetensors.index.json} with its shards when
     * present, else the single {@code model.safetensors}.
     */
    public static WeightSource openSafetensorsDirectory(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            return open(index, SafeTensors::open);
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return SafeTensors.open(single);
        }
        throw new IllegalArgumentException("no model.safetensors or model.safetensors.index.json in " + dir.toAbsolutePath());
    }

    private WeightSource shardOf(String name) {
        WeightSource s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("checkpoint has no tensor named '" + name + "'");
        }
        return s;
    }

    @Override
    public Set<String> names() {
        return byName.keySet();
    }

    @Override
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        return shardOf(name).shape(name);
    }

    @Override
    public NDArray load(NDManager manager, String name) {
        return shardOf(name).load(manager, name);
    }

    public static void closeIfPossible(WeightSource s) {
        if (s instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing read-only files cannot lose data
            }
        }
    }

    @Override
    public void close() {
        shards.forEach(ShardedWeights::closeIfPossible);
    }
}
