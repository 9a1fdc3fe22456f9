package dev.berth.engine.data;

import dev.berth.engine.JobPayload;
import dev.berth.engine.image.LayerRejectedException;
import dev.berth.engine.image.LayerUnpacker;
import dev.berth.policy.data.JobData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Lays out a job's inputs in its private bundle, to be bind-mounted read-only at the inputs path:
 * the uploaded tar first, under the same entry rules as image layers (and refused, not cleaned, if
 * it holds devices or setuid/setgid files), then the inline files. Everything is made readable by
 * the job's user; it belongs to the service user, which is root inside the job, so the job can
 * read but never change it.
 */
public final class InputsDirectory {

    private static final Set<PosixFilePermission> READABLE = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    private static final Set<PosixFilePermission> EXECUTABLE = EnumSet.of(
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

    private InputsDirectory() {
    }

    /** Checks an uploaded tar by unpacking it into {@code scratch} (which the caller removes); returns the bytes it unpacks to. */
    public static long check(InputStream tar, Path scratch, long maxBytes) throws IOException {
        LayerUnpacker.Report report = LayerUnpacker.apply(tar, scratch, maxBytes);
        if (report.droppedSpecialFiles() > 0) {
            throw new LayerRejectedException("(" + report.droppedSpecialFiles() + " entries)", "device nodes and FIFOs are not inputs");
        }
        if (report.privilegeBitsCleared() > 0) {
            throw new LayerRejectedException("(" + report.privilegeBitsCleared() + " entries)", "setuid and setgid files are not inputs");
        }
        return report.bytes();
    }

    /** Fills {@code dir} with the plan's inputs from the payload. */
    public static void prepare(Path dir, JobData.Inputs inputs, JobPayload payload) throws IOException {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        if (inputs.upload() != null) {
            if (payload.upload() == null) {
                throw new IOException("the plan names upload " + inputs.upload() + " but the payload does not carry it");
            }
            try (InputStream tar = payload.upload().open()) {
                check(tar, dir, inputs.uploadBytes());
            }
        }
        for (JobData.File file : inputs.files()) {
            byte[] bytes = payload.inlineFiles().get(file.name());
            if (bytes == null || bytes.length != file.bytes()) {
                throw new IOException("the payload does not carry inline input " + file.name() + " as the plan describes it");
            }
            Path target = inside(dir, file.name());
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            Files.write(target, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Set<PosixFilePermission> mode = EnumSet.copyOf(READABLE);
            mode.add(PosixFilePermission.OWNER_WRITE);
            if (file.executable()) {
                mode.addAll(EXECUTABLE);
            }
            Files.setPosixFilePermissions(target, mode);
        }
        readableByAll(dir);
    }

    /** Where an inline file goes; admission allows only relative canonical names, and no part may be a symlink the tar made. */
    private static Path inside(Path dir, String name) throws IOException {
        Path path = dir;
        for (String part : name.split("/")) {
            if (Files.isSymbolicLink(path)) {
                throw new LayerRejectedException(name, "the uploaded tar made " + dir.relativize(path) + " a symlink");
            }
            path = path.resolve(part);
        }
        if (!path.normalize().startsWith(dir)) {
            throw new LayerRejectedException(name, "climbs out of the inputs directory");
        }
        return path;
    }

    private static void readableByAll(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
                mode.addAll(READABLE);
                mode.addAll(EXECUTABLE);
                Files.setPosixFilePermissions(directory, mode);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()) {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
                    mode.addAll(READABLE);
                    Files.setPosixFilePermissions(file, mode);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
