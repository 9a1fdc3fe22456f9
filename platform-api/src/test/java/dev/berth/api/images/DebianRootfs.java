package dev.berth.api.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A root filesystem assembled from Debian packages installed on this host (their files as
 * {@code dpkg -L} lists them, laid out merged-/usr like Debian 12), packed as a gzip tar the way a
 * tenant would hand it to {@code skopeo copy tarball:…}. Much faster than debootstrap and built
 * from the same package contents.
 */
final class DebianRootfs {

    /** python3 with its standard library and the shared libraries it loads: about 50 MB unpacked. */
    static final List<String> PYTHON = List.of("python3-minimal", "python3", "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib", "python3.11",
            "libc6", "zlib1g", "libexpat1", "libssl3", "libffi8", "libsqlite3-0", "liblzma5", "libbz2-1.0", "libncursesw6",
            "libtinfo6", "libreadline8", "libuuid1", "libcrypt1", "libdb5.3", "libgdbm6", "libnsl2", "libtirpc3");
    /** A toolbox: the same with a Java runtime, perl and the C preprocessor next to it, about 110 MB compressed, 300 MB unpacked. */
    static final List<String> TOOLBOX = Stream.concat(PYTHON.stream(),
            Stream.of("openjdk-17-jre-headless", "perl-base", "perl-modules-5.36", "libperl5.36", "cpp-12")).toList();

    private DebianRootfs() {
    }

    /** Assembles the packages' files under {@code dir/rootfs} and answers {@code dir/rootfs.tar.gz}. */
    static Path tarball(Path dir, List<String> packages) throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("rootfs"));
        for (String merged : List.of("bin", "lib", "lib64", "sbin")) {
            Files.createDirectories(root.resolve("usr").resolve(merged));
            Files.createSymbolicLink(root.resolve(merged), Path.of("usr", merged));
        }
        Files.createDirectories(root.resolve("tmp"));
        for (String file : listing(packages)) {
            copy(Path.of(file), root);
        }
        Path tarball = dir.resolve("rootfs.tar.gz");
        List<String> tar = new ArrayList<>(List.of("tar", "-C", root.toString(), "-czf", tarball.toString()));
        try (Stream<Path> top = Files.list(root)) {
            top.map(path -> path.getFileName().toString()).sorted().forEach(tar::add);
        }
        run(tar);
        return tarball;
    }

    private static List<String> listing(List<String> packages) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("dpkg", "-L"));
        command.addAll(packages);
        return run(command);
    }

    /** Copies one listed path to where it really lives (through the host's /lib -> usr/lib links), keeping symlinks. */
    private static void copy(Path listed, Path root) throws IOException {
        if (!Files.exists(listed, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(listed, LinkOption.NOFOLLOW_LINKS)
                || listed.getParent() == null || !Files.isReadable(listed.getParent())) {
            return;
        }
        Path real = listed.getParent().toRealPath().resolve(listed.getFileName());
        Path target = root.resolve(Path.of("/").relativize(real).toString());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) || (!Files.isSymbolicLink(listed) && !Files.isReadable(listed))) {
            return;
        }
        Files.createDirectories(target.getParent());
        Files.copy(listed, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed with status " + process.exitValue());
        }
        return output.lines().toList();
    }
}
