package dev.berth.engine.data;

import dev.berth.engine.NativeTools;
import dev.berth.engine.spec.WorkingDirectory;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.data.JobData;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Collects a job's artifacts through src/main/c/berth-collect.c: a holder started before the
 * container receives the container's namespaces from a createContainer hook, and after the job's
 * end reads the job's own view of its scratch. The caps are applied by the program and checked
 * again here, so a broken stream can never store more.
 */
public final class ArtifactCollector implements AutoCloseable {

    public static final String TOOL = "berth-collect";
    private static final long COLLECT_TIMEOUT_SECONDS = 300;
    private static final int MAX_NAME_BYTES = 4096;

    private final Process process;
    private final InputStream in;
    private final JobData.Artifacts spec;

    private ArtifactCollector(Process process, JobData.Artifacts spec) {
        this.process = process;
        this.in = new BufferedInputStream(process.getInputStream());
        this.spec = spec;
    }

    /** Installs the program, shipped inside this jar, as an executable under {@code binDir}. */
    public static Path install(Path binDir) throws IOException {
        return NativeTools.install(ArtifactCollector.class, TOOL, binDir);
    }

    /** Starts the holder the container's hook reaches through a socket in {@code bundle}; call before the container is created. */
    public static ArtifactCollector listen(Path tool, Path bundle, ExecutionPlan plan) throws IOException {
        JobData.Artifacts spec = plan.data().artifacts();
        List<String> command = new ArrayList<>(List.of(tool.toString(), "hold", bundle.toString(), Integer.toString(spec.maxFiles()),
                Long.toString(spec.maxFileBytes()), Long.toString(spec.maxTotalBytes())));
        List<String> roots = WorkingDirectory.isScratch(plan.workingDir()) ? List.of("/tmp") : List.of("/tmp", plan.workingDir());
        command.add(Integer.toString(roots.size()));
        command.addAll(roots);
        command.addAll(spec.paths());
        Process process = new ProcessBuilder(command).start();
        ArtifactCollector collector = new ArtifactCollector(process, spec);
        collector.expect("listening");
        return collector;
    }

    /** Reads every matching file into {@code dir}; what a cap or a symlink kept out is named in the notes. */
    public ArtifactReport collect(Path dir) throws IOException, InterruptedException {
        expect("pinned");
        Files.createDirectories(dir);
        try (OutputStream go = process.getOutputStream()) {
            go.write('c');
        }
        List<CollectedArtifact> kept = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long total = 0;
        for (;;) {
            String[] header = line().split(" ");
            if (header.length != 3) {
                throw new IOException("artifact collection broke off: " + errors());
            }
            char kind = header[0].charAt(0);
            long size = Long.parseLong(header[1]);
            int nameLength = Integer.parseInt(header[2]);
            if (kind == 'E') {
                break;
            }
            if (nameLength > MAX_NAME_BYTES || size < 0) {
                throw new IOException("artifact collection sent a malformed record");
            }
            String path = new String(in.readNBytes(nameLength), StandardCharsets.UTF_8);
            String name = path.substring(1);
            switch (kind) {
                case 'F' -> {
                    total += size;
                    if (kept.size() >= spec.maxFiles() || size > spec.maxFileBytes() || total > spec.maxTotalBytes()) {
                        throw new IOException("artifact collection went past its caps");
                    }
                    kept.add(store(in, size, name, dir.resolve(Integer.toString(kept.size()))));
                }
                case 'L' -> notes.add(path + " is a symlink: not followed, not collected");
                case 'B' -> notes.add(path + " (" + size + " bytes) is larger than the cap of " + spec.maxFileBytes() + " bytes per artifact: not collected");
                case 'N' -> notes.add(path + " is beyond the cap of " + spec.maxFiles() + " artifacts: not collected");
                case 'T' -> notes.add(path + " (" + size + " bytes) would pass the cap of " + spec.maxTotalBytes() + " bytes of artifacts per job: not collected");
                default -> throw new IOException("artifact collection sent a record of unknown kind " + kind);
            }
        }
        if (!process.waitFor(COLLECT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("artifact collection failed: " + errors());
        }
        return new ArtifactReport(kept, notes);
    }

    private static CollectedArtifact store(InputStream in, long size, String name, Path file) throws IOException {
        MessageDigest sha256 = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha256)) {
            long left = size;
            byte[] buffer = new byte[64 * 1024];
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw new EOFException("artifact " + name + " ended early");
                }
                out.write(buffer, 0, read);
                left -= read;
            }
        }
        return new CollectedArtifact(name, size, "sha256:" + HexFormat.of().formatHex(sha256.digest()), file);
    }

    private void expect(String word) throws IOException {
        if (!line().equals(word)) {
            String errors = errors();
            close();
            throw new IOException("cannot hold the job's scratch for artifact collection: " + errors);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.size() > 64) {
                throw new IOException("artifact collection sent a malformed header");
            }
            line.write(c);
        }
        if (c < 0 && line.size() == 0) {
            return "";
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            String text = new String(process.getErrorStream().readNBytes(2000), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "the collector exited with status " + (process.isAlive() ? "(running)" : process.exitValue()) : text;
        } catch (IOException | InterruptedException e) {
            return e.getMessage();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Lets the job's scratch go without collecting (or after collecting). */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Already closed: the collector was told to go on, or has exited.
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
