package dev.hart.stage.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WebDataset shards in img2dataset's layout: {@code 00000.tar} holding {@code <key>.png}, {@code <key>.txt} (the
 * prompt) and {@code <key>.json} (the metadata) per sample, and next to each finished shard {@code 00000_stats.json}
 * (counts, keys, times) and {@code 00000.parquet} (one metadata row per sample, {@link DatasetParquet}). The key is the request id (made file-safe by {@link SafeNames}).
 *
 * <p><b>Open shards.</b> Samples are appended to {@code NNNNN.tar.partial}, which this writer holds an exclusive file
 * lock on; the number is claimed by creating the file (create-new), so several writers, in one JVM or many, can share
 * a folder. {@link #flush()} (before the stage commits a batch) forces the appended bytes to disk. A shard is finished
 * when it holds {@code shardSize} samples, and on {@link #close()} (graceful shutdown) whatever it holds: the
 * end-of-archive blocks are written, it is renamed atomically to {@code NNNNN.tar}, and its stats and parquet files are
 * written (and re-derived from the tar on start-up if a crash came in between).
 *
 * <p><b>Crashes.</b> A writer killed mid-shard leaves an unlocked {@code .partial}. The next writer to open the folder
 * salvages it: complete samples (all three members, checksummed headers, data within the file) are kept, a torn
 * trailing member is dropped, and the result is finished as a normal shard. Samples whose Kafka commit never happened
 * are re-processed by the stage anyway; those that were committed survive in the salvaged shard.
 *
 * <p><b>Retries.</b> Writes are idempotent by key: a key already in a finished shard of this folder, or in this
 * writer's open shard, is not written again and the existing URI is returned. The one case this cannot see is a key
 * sitting in another live writer's open shard (a batch re-read by a second instance after a rebalance while the
 * first still runs); salvage drops keys already present in finished shards, and readers should de-duplicate by key.
 * The {@code hart.images} topic, written exactly once, is the authoritative list.
 */
public final class WebDatasetSink implements ImageSink {
    private static final Logger log = LoggerFactory.getLogger(WebDatasetSink.class);
    private static final Pattern SHARD = Pattern.compile("(\\d{5,})\\.tar");
    private static final Pattern PARTIAL = Pattern.compile("(\\d{5,})\\.tar\\.partial");
    private static final String[] EXTENSIONS = {".png", ".txt", ".json"};

    private final Path dir;
    private final int shardSize;
    /** key -> finished (or this writer's open) shard file name */
    private final Map<String, String> index = new HashMap<>();

    private OpenShard open;

    public WebDatasetSink(Path dir, int shardSize) throws IOException {
        if (shardSize < 1) {
            throw new IllegalArgumentException("WebDataset shard size must be >= 1, got " + shardSize);
        }
        this.dir = Files.createDirectories(dir.toAbsolutePath().normalize());
        this.shardSize = shardSize;
        indexFinishedShards();
        salvagePartials();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized String write(ImageRecord image) throws IOException {
        String key = SafeNames.of(image.requestId());
        String existing = index.get(key);
        if (existing != null) {
            return uri(existing, key);
        }
        if (open == null) {
            open = OpenShard.claim(dir);
        }
        long mtime = Math.max(0, image.request().getSubmittedAtMs() / 1000);
        ObjectNode meta = ImageMetadata.toJson(image);
        meta.put("key", key);
        open.append(TarFormat.member(key + ".png", image.png(), mtime));
        open.append(TarFormat.member(key + ".txt", image.request().getPrompt().getBytes(StandardCharsets.UTF_8), mtime));
        open.append(TarFormat.member(key + ".json", ImageMetadata.bytes(meta), mtime));
        open.count++;
        String shardName = open.finalName();
        index.put(key, shardName);
        if (open.count >= shardSize) {
            finishOpenShard();
        }
        return uri(shardName, key);
    }

    private String uri(String shardName, String key) {
        return dir.resolve(shardName).toUri() + "#" + key + ".png";
    }

    /** True for a key in a finished shard (durable); a key only in this writer's open shard is not yet. */
    @Override
    public synchronized boolean contains(String jobId, String requestId) {
        String shard = index.get(SafeNames.of(requestId));
        return shard != null && (open == null || !shard.equals(open.finalName()));
    }

    /** The metadata JSON of every sample in the finished shards, by key. */
    public synchronized Map<String, JsonNode> finishedMetadata() throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.tar")) {
            for (Path tar : files) {
                if (!SHARD.matcher(tar.getFileName().toString()).matches()) {
                    continue;
                }
                for (Map.Entry<String, List<TarFormat.Member>> e : completeSamples(tar).entrySet()) {
                    for (TarFormat.Member m : e.getValue()) {
                        if (m.name().endsWith(".json")) {
                            out.put(e.getKey(), ImageMetadata.JSON.readTree(TarFormat.readData(tar, m)));
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public synchronized void flush() throws IOException {
        if (open != null) {
            open.channel.force(false);
        }
    }

    /** Finishes the open shard (even if not full) and releases it. */
    @Override
    public synchronized void close() throws IOException {
        if (open == null) {
            return;
        }
        if (open.count == 0) {
            open.discard();
        } else {
            finishOpenShard();
        }
        open = null;
    }

    private void finishOpenShard() throws IOException {
        OpenShard s = open;
        open = null;
        s.append(TarFormat.endOfArchive());
        s.channel.force(true);
        Path tar = dir.resolve(s.finalName());
        // renamed while still locked, so no other writer can take it for a crashed one's partial
        Files.move(s.path, tar, StandardCopyOption.ATOMIC_MOVE);
        s.release();
        writeShardMetadata(tar);
        log.info("WebDataset shard {} finished with {} samples", tar, s.count);
    }

    private void indexFinishedShards() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.tar")) {
            for (Path tar : files) {
                if (!SHARD.matcher(tar.getFileName().toString()).matches()) {
                    continue;
                }
                for (String key : completeSamples(tar).keySet()) {
                    index.put(key, tar.getFileName().toString());
                }
                if (!Files.exists(statsPath(tar))) {
                    writeShardMetadata(tar);
                }
            }
        }
    }

    private void salvagePartials() throws IOException {
        List<Path> partials = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.tar.partial")) {
            files.forEach(partials::add);
        }
        for (Path partial : partials) {
            Matcher m = PARTIAL.matcher(partial.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException inThisJvm) {
                    continue; // another writer in this JVM is using it
                }
                if (lock == null) {
                    continue; // a live writer in another process holds it
                }
                Map<String, List<TarFormat.Member>> samples = completeSamples(partial);
                Path tmp = dir.resolve(m.group(1) + ".tar.salvage");
                int kept = 0;
                try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    for (Map.Entry<String, List<TarFormat.Member>> e : samples.entrySet()) {
                        if (index.containsKey(e.getKey())) {
                            continue; // a retry already put it in a finished shard
                        }
                        for (TarFormat.Member member : e.getValue()) {
                            writeFully(out, TarFormat.member(member.name(), TarFormat.readData(partial, member), 0));
                        }
                        kept++;
                    }
                    writeFully(out, TarFormat.endOfArchive());
                    out.force(true);
                }
                Path tar = dir.resolve(m.group(1) + ".tar");
                if (kept == 0) {
                    Files.delete(tmp);
                } else {
                    Files.move(tmp, tar, StandardCopyOption.ATOMIC_MOVE);
                    for (String key : completeSamples(tar).keySet()) {
                        index.put(key, tar.getFileName().toString());
                    }
                    writeShardMetadata(tar);
                }
                Files.delete(partial);
                lock.release();
                log.info("Salvaged WebDataset partial shard {}: {} complete samples kept", partial, kept);
            }
        }
    }

    /** Samples with all three members, by key, in file order. */
    static Map<String, List<TarFormat.Member>> completeSamples(Path tar) throws IOException {
        Map<String, List<TarFormat.Member>> byKey = new LinkedHashMap<>();
        for (TarFormat.Member m : TarFormat.read(tar)) {
            int dot = m.name().indexOf('.');
            if (dot <= 0) {
                continue;
            }
            byKey.computeIfAbsent(m.name().substring(0, dot), k -> new ArrayList<>()).add(m);
        }
        byKey.values().removeIf(members -> members.size() != EXTENSIONS.length);
        return byKey;
    }

    /** {@code NNNNN_stats.json} and {@code NNNNN.parquet}, derived from the shard itself. */
    private static void writeShardMetadata(Path tar) throws IOException {
        String stem = tar.getFileName().toString().replaceFirst("\\.tar$", "");
        List<DatasetParquet.Row> rows = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, List<TarFormat.Member>> e : completeSamples(tar).entrySet()) {
            keys.add(e.getKey());
            for (TarFormat.Member m : e.getValue()) {
                if (m.name().endsWith(".json")) {
                    rows.add(DatasetParquet.Row.success(e.getKey(),
                            ImageMetadata.JSON.readTree(TarFormat.readData(tar, m))));
                }
            }
        }
        ObjectNode stats = ImageMetadata.JSON.createObjectNode();
        stats.put("count", keys.size());
        stats.put("successes", keys.size());
        stats.put("failed_to_download", 0);
        stats.put("failed_to_resize", 0);
        stats.putObject("status_dict").put("success", keys.size());
        stats.put("shard", tar.getFileName().toString());
        var k = stats.putArray("keys");
        keys.forEach(k::add);
        DatasetParquet.write(tar.resolveSibling(stem + ".parquet"), rows);
        DirectorySink.writeAtomically(statsPath(tar), ImageMetadata.bytes(stats));
    }

    private static Path statsPath(Path tar) {
        return tar.resolveSibling(tar.getFileName().toString().replaceFirst("\\.tar$", "") + "_stats.json");
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** The shard this writer appends to, locked for as long as it is open. */
    private static final class OpenShard {
        final Path path;
        final String number;
        final FileChannel channel;
        final FileLock lock;
        int count;

        private OpenShard(Path path, String number, FileChannel channel, FileLock lock) {
            this.path = path;
            this.number = number;
            this.channel = channel;
            this.lock = lock;
        }

        /** Claims the lowest free shard number by creating its partial file. */
        static OpenShard claim(Path dir) throws IOException {
            int n = nextNumber(dir);
            while (true) {
                String number = String.format("%05d", n);
                Path p = dir.resolve(number + ".tar.partial");
                if (!Files.exists(dir.resolve(number + ".tar"))) {
                    try {
                        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        return new OpenShard(p, number, ch, ch.lock());
                    } catch (FileAlreadyExistsException taken) {
                        // another writer claimed it first
                    }
                }
                n++;
            }
        }

        private static int nextNumber(Path dir) throws IOException {
            int max = -1;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    Matcher m = SHARD.matcher(name);
                    Matcher p = PARTIAL.matcher(name);
                    if (m.matches()) {
                        max = Math.max(max, Integer.parseInt(m.group(1)));
                    } else if (p.matches()) {
                        max = Math.max(max, Integer.parseInt(p.group(1)));
                    }
                }
            }
            return max + 1;
        }

        String finalName() {
            return number + ".tar";
        }

        void append(ByteBuffer b) throws IOException {
            writeFully(channel, b);
        }

        void release() throws IOException {
            lock.release();
            channel.close();
        }

        void discard() throws IOException {
            release();
            Files.deleteIfExists(path);
        }
    }
}
