package dev.berth.engine.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Image layers for tests: a directory tree as a tar, or a layer built entry by entry. */
public final class TestLayers {

    private TestLayers() {
    }

    /** A tar of a directory tree as an image build would write it, symlinks kept as symlinks. */
    public static byte[] tarOf(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes); Stream<Path> tree = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path path : tree.sorted().toList()) {
                String name = dir.relativize(path).toString();
                if (name.isEmpty()) {
                    continue;
                }
                TarArchiveEntry entry;
                if (Files.isSymbolicLink(path)) {
                    entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                } else {
                    boolean directory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
                    entry = new TarArchiveEntry(path.toFile(), directory ? name + "/" : name);
                    entry.setMode((directory ? 040000 : 0100000) | mode(path));
                }
                tar.putArchiveEntry(entry);
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(path, tar);
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static int mode(Path path) throws IOException {
        int mode = 0;
        for (var permission : Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)) {
            mode |= 0400 >> permission.ordinal();
        }
        return mode;
    }

    /** Builds a layer entry by entry, including entries no honest image contains. */
    public static final class Layer {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

        public Layer dir(String name) {
            TarArchiveEntry entry = new TarArchiveEntry(name + "/");
            entry.setMode(040755);
            return put(entry, null);
        }

        public Layer file(String name, String content) {
            return file(name, content, 0100644);
        }

        public Layer file(String name, String content, int mode) {
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            entry.setSize(data.length);
            entry.setMode(0100000 | mode);
            return put(entry, data);
        }

        public Layer symlink(String name, String target) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
            entry.setLinkName(target);
            return put(entry, null);
        }

        public Layer hardlink(String name, String target) {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
            entry.setLinkName(target);
            return put(entry, null);
        }

        public Layer device(String name, byte type) {
            TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
            entry.setDevMajor(1);
            entry.setDevMinor(1);
            return put(entry, null);
        }

        public ByteArrayInputStream stream() throws IOException {
            return new ByteArrayInputStream(bytes());
        }

        public byte[] bytes() throws IOException {
            tar.finish();
            return bytes.toByteArray();
        }

        private Layer put(TarArchiveEntry entry, byte[] data) {
            try {
                tar.putArchiveEntry(entry);
                if (data != null) {
                    tar.write(data);
                }
                tar.closeArchiveEntry();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }
    }
}
