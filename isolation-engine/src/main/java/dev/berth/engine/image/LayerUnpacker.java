package dev.berth.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies one image layer (an uncompressed tar stream) onto a root filesystem directory, as the OCI
 * image spec describes: entries in order, whiteouts ({@code .wh.NAME}) remove what lower layers
 * put there and an opaque whiteout ({@code .wh..wh..opq}) empties a directory.
 *
 * <p>The unpacker runs as the service user on the host, so a layer is treated as hostile: an entry
 * whose name is absolute, contains {@code ..}, or reaches its place through a symlink is refused,
 * as are symlinks whose relative target climbs above the root and hard links to anything outside
 * it. Device nodes and FIFOs are dropped (a job has no use for them and cannot make them), and
 * setuid and setgid bits are cleared. A limit on the unpacked bytes stops a decompression bomb.
 *
 * <p>Most entries land in a directory an earlier entry made: the unpacker remembers the
 * directories it made or found real on the way, so it need not look at every part of every path
 * again, and forgets a directory and everything below it as soon as anything removes or replaces
 * it (a later entry could put a symlink there).
 */
public final class LayerUnpacker {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int SETUID = 04000;
    private static final int SETGID = 02000;
    private static final Set<PosixFilePermission> OWNER_ACCESS = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final Path root;
    private final long maxBytes;
    /** Real directories under the root, each with every directory above it; never a symlink. */
    private final Set<Path> directories = new HashSet<>();
    private long bytes;
    private int entries;
    private int dropped;
    private int privilegeBitsCleared;

    /** What was applied: entries written, bytes, special files dropped, setuid/setgid bits cleared. */
    public record Report(int entries, long bytes, int droppedSpecialFiles, int privilegeBitsCleared) {
    }

    private LayerUnpacker(Path root, long maxBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        directories.add(this.root);
    }

    /** Applies the layer onto {@code root}; on a refusal the caller must discard the root. */
    public static Report apply(InputStream layer, Path root, long maxBytes) throws IOException {
        LayerUnpacker unpacker = new LayerUnpacker(root, maxBytes);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(layer)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                unpacker.apply(entry, tar);
            }
        }
        return new Report(unpacker.entries, unpacker.bytes, unpacker.dropped, unpacker.privilegeBitsCleared);
    }

    private void apply(TarArchiveEntry entry, InputStream content) throws IOException {
        String name = entry.getName();
        Path target = inside(name, name);
        String base = target.getFileName() == null ? "" : target.getFileName().toString();
        if (base.equals(OPAQUE)) {
            emptyDirectory(target.getParent());
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            String removed = base.substring(WHITEOUT.length());
            // ".wh..." would otherwise whiteout the directory above the root: every unpacked image.
            if (removed.isEmpty() || removed.equals(".") || removed.equals("..")) {
                throw new LayerRejectedException(name, "whiteout " + base + " names no file");
            }
            remove(target.resolveSibling(removed));
            return;
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            dropped++;
            return;
        }
        entries++;
        if (target.equals(root)) {
            return;
        }
        Path parent = target.getParent();
        if (!directories.contains(parent)) {
            Files.createDirectories(parent);
            remember(parent);
        }
        if (entry.isDirectory()) {
            if (!directories.contains(target)) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    remove(target);
                    Files.createDirectory(target);
                }
                remember(target);
            }
            // The service user keeps write access to its own directories so later layers and garbage
            // collection can change them; jobs never can, as the root filesystem is mounted read-only.
            Set<PosixFilePermission> permissions = permissions(entry.getMode());
            permissions.addAll(OWNER_ACCESS);
            Files.setPosixFilePermissions(target, permissions);
        } else if (entry.isSymbolicLink()) {
            String link = entry.getLinkName();
            if (!link.startsWith("/") && !parent.resolve(link).normalize().startsWith(root)) {
                throw new LayerRejectedException(name, "symlink target " + link + " climbs out of the image root");
            }
            try {
                Files.createSymbolicLink(target, Path.of(link));
            } catch (FileAlreadyExistsException replaced) {
                remove(target);
                Files.createSymbolicLink(target, Path.of(link));
            }
        } else if (entry.isLink()) {
            Path existing = inside(entry.getLinkName(), name);
            if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw new LayerRejectedException(name, "hard link to " + entry.getLinkName() + ", which is not a regular file of this image");
            }
            try {
                Files.createLink(target, existing);
            } catch (FileAlreadyExistsException replaced) {
                remove(target);
                Files.createLink(target, existing);
            }
        } else if (entry.isFile()) {
            bytes += entry.getSize();
            if (bytes > maxBytes) {
                throw new LayerRejectedException(name, "the image unpacks to more than the limit of " + maxBytes + " bytes");
            }
            try (OutputStream out = createFile(target)) {
                content.transferTo(out);
            }
            Files.setPosixFilePermissions(target, permissions(entry.getMode()));
        } else {
            throw new LayerRejectedException(name, "entries of this tar type are not part of any image format");
        }
    }

    /**
     * The place of a layer path under the root, refusing one that is absolute, climbs with
     * {@code ..}, or passes through a symlink (a link made by an earlier entry could point at the
     * host's /etc).
     */
    private Path inside(String layerPath, String entry) throws IOException {
        String relative = layerPath.startsWith("./") ? layerPath.substring(2) : layerPath;
        if (relative.startsWith("/")) {
            throw new LayerRejectedException(entry, "absolute path " + layerPath);
        }
        Path path = root;
        for (String part : relative.split("/")) {
            if (part.equals("..")) {
                throw new LayerRejectedException(entry, "path " + layerPath + " climbs with '..'");
            }
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!directories.contains(path) && Files.isSymbolicLink(path)) {
                throw new LayerRejectedException(entry, "path " + layerPath + " passes through the symlink " + root.relativize(path));
            }
            path = path.resolve(part);
        }
        return path;
    }

    private Set<PosixFilePermission> permissions(int mode) {
        if ((mode & (SETUID | SETGID)) != 0) {
            privilegeBitsCleared++;
        }
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(order[bit]);
            }
        }
        return permissions;
    }

    private void emptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                remove(child);
            }
        }
    }

    /** Removes what is at the path, forgetting it and everything below it as directories. */
    private void remove(Path path) throws IOException {
        directories.removeIf(known -> known.startsWith(path));
        FileTrees.remove(path);
    }

    /** A new file in place of whatever is there; never opened through a symlink (O_EXCL). */
    private OutputStream createFile(Path target) throws IOException {
        try {
            return Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException replaced) {
            remove(target);
            return Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** {@code dir} is a real directory now, and so is every directory above it up to the root. */
    private void remember(Path dir) {
        Path known = dir;
        // Every directory above one already known is known too, so the walk stops at the first.
        while (known.startsWith(root) && directories.add(known)) {
            known = known.getParent();
        }
    }
}
