package dev.hart.stage.decoder;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes {@code <out>/<job>/<request>.png} and {@code <request>.json}. Each file is written to a temporary name in the
 * same folder and atomically renamed over the final name (JSON first, so a PNG always has its JSON), and names depend
 * only on the ids: a crash leaves at most a {@code .tmp} file, never a torn PNG. A request whose PNG already exists is
 * not written again (its bytes are the same: the seed follows from the request id), so a retried batch or a resumed
 * job leaves finished files untouched, timestamps included; {@code skipExisting = false} rewrites them instead.
 * Several stage instances (threads or processes) may share one folder.
 */
public final class DirectorySink implements ImageSink {
    private final Path root;
    private final boolean skipExisting;

    public DirectorySink(Path root) throws IOException {
        this(root, true);
    }

    public DirectorySink(Path root, boolean skipExisting) throws IOException {
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
        this.skipExisting = skipExisting;
    }

    public Path root() {
        return root;
    }

    /** Where the PNG of a request goes. */
    public Path pngPath(String jobId, String requestId) {
        return root.resolve(SafeNames.of(jobId)).resolve(SafeNames.of(requestId) + ".png");
    }

    @Override
    public String write(ImageRecord image) throws IOException {
        Path png = pngPath(image.request().getJobId(), image.requestId());
        if (skipExisting && Files.isRegularFile(png)) {
            return png.toUri().toString();
        }
        Path dir = Files.createDirectories(png.getParent());
        String base = SafeNames.of(image.requestId());
        // metadata first: a PNG that exists always has its JSON next to it
        writeAtomically(dir.resolve(base + ".json"), ImageMetadata.bytes(ImageMetadata.toJson(image)));
        writeAtomically(png, image.png());
        return png.toUri().toString();
    }

    @Override
    public boolean contains(String jobId, String requestId) {
        return Files.isRegularFile(pngPath(jobId, requestId));
    }

    /** The metadata JSON written next to a request's PNG. */
    public Path jsonPath(String jobId, String requestId) {
        return root.resolve(SafeNames.of(jobId)).resolve(SafeNames.of(requestId) + ".json");
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            readableByAll(tmp);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Temporary files are created owner-only; images are for everyone who can read the folder. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // keep the file system's default
        }
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "DirectorySink[" + root + "]";
    }
}
