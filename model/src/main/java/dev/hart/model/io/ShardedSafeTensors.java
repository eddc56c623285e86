package dev.hart.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split over several safetensors files, as Hugging Face saves large models: an index
 * ({@code model.safetensors.index.json}, {@code weight_map: {tensor name: shard file}}) next to the
 * shards. Every shard is opened (memory-mapped, lazily read) once.
 */
public final class ShardedSafeTensors implements WeightSource, AutoCloseable {

    private final Map<String, SafeTensors> byName;
    private final Map<String, SafeTensors> shards;

    private ShardedSafeTensors(Map<String, SafeTensors> byName, Map<String, SafeTensors> shards) {
        this.byName = byName;
        this.shards = shards;
    }

    /** Opens the shards listed by an index file. */
    public static ShardedSafeTensors open(Path indexFile) {
        JsonNode weightMap;
        try {
            weightMap = new ObjectMapper().readTree(indexFile.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse safetensors index " + indexFile, e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new IllegalArgumentException(indexFile + ": no 'weight_map' in the safetensors index");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafeTensors> shards = new LinkedHashMap<>();
        Map<String, SafeTensors> byName = new LinkedHashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String shardName = e.getValue().asText();
                SafeTensors shard = shards.get(shardName);
                if (shard == null) {
                    Path file = dir.resolve(shardName);
                    if (!Files.isRegularFile(file)) {
                        throw new IllegalArgumentException(indexFile + ": shard '" + shardName + "' (for tensor '" + e.getKey() + "') does not exist");
                    }
                    shard = SafeTensors.open(file);
                    shards.put(shardName, shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new IllegalArgumentException(indexFile + ": tensor '" + e.getKey() + "' is not in its shard " + shardName);
                }
                byName.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafeTensors::close);
            throw e;
        }
        return new ShardedSafeTensors(Collections.unmodifiableMap(byName), shards);
    }

    /**
     * The weights of a Hugging Face checkpoint directory: {@code model.safetensors.index.json} with its
     * shards when present, else the single {@code model.safetensors}.
     */
    public static WeightSource openDirectory(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            return open(index);
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return SafeTensors.open(single);
        }
        throw new IllegalArgumentException("no model.safetensors or model.safetensors.index.json in " + dir.toAbsolutePath());
    }

    private SafeTensors shard(String name) {
        SafeTensors s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("sharded checkpoint has no tensor named '" + name + "'");
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
        return shard(name).shape(name);
    }

    @Override
    public NDArray load(NDManager manager, String name) {
        return shard(name).load(manager, name);
    }

    @Override
    public void close() {
        shards.values().forEach(SafeTensors::close);
    }
}
