package dev.berth.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The engine's unpack of one gzip layer against {@code tar -xzf} of the same file, side by side in
 * one run (./berth bench unpack [rounds]), alternating so drift hits both alike. The layer is made
 * from this host's Python, Perl and JDK trees (a realistic mix of many small files and a few large
 * ones, like the toolbox image of AnyReplicaRunsTenantImagesIT). The engine's side is
 * {@link UnpackedImages#applyVerified}, what every pulled layer goes through: both digests (the
 * stored blob and the uncompressed tar) checked while the hostile-layer rules apply every entry.
 *
 * <p>Round 0 runs in a fresh JVM, as a replica's first unpack does; it is printed apart from the
 * medians of the warm rounds.
 */
public final class UnpackBenchmark {

    private static final List<String> TREES = List.of("usr/lib/python3.11", "usr/share/perl", "usr/lib/x86_64-linux-gnu/perl",
            "usr/lib/jvm/java-17-openjdk-amd64");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path work = Files.createTempDirectory("berth-unpack-bench");
        try {
            Path layer = work.resolve("layer.tar.gz");
            List<String> tar = new ArrayList<>(List.of("tar", "-C", "/", "-czf", layer.toString()));
            tar.addAll(TREES);
            run(tar);
            System.out.printf("layer: %d bytes gzip (%s)%n", Files.size(layer), String.join(", ", TREES));
            ImageManifest.Layer described = new ImageManifest.Layer(sha256(Files.newInputStream(layer)), Files.size(layer),
                    "application/vnd.oci.image.layer.v1.tar+gzip", sha256(new GZIPInputStream(Files.newInputStream(layer), 64 * 1024)));
            List<Double> baseline = new ArrayList<>();
            List<Double> engine = new ArrayList<>();
            long unpacked = 0;
            for (int round = 0; round < rounds + 1; round++) {
                Path a = Files.createDirectory(work.resolve("tar-" + round));
                Path b = Files.createDirectory(work.resolve("engine-" + round));
                double tarSeconds = 0;
                double engineSeconds = 0;
                // Each side starts with no dirty pages of the other's to write back, and they take turns going first.
                for (boolean tarTurn : round % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    run(List.of("sync"));
                    long start = System.nanoTime();
                    if (tarTurn) {
                        run(List.of("tar", "-xzf", layer.toString(), "-C", a.toString()));
                        tarSeconds = (System.nanoTime() - start) / 1e9;
                    } else {
                        unpacked = engineUnpack(layer, described, b);
                        engineSeconds = (System.nanoTime() - start) / 1e9;
                    }
                }
                FileTrees.remove(a);
                FileTrees.remove(b);
                if (round == 0) {
                    // The first unpack of this JVM, as on a replica: not in the medians, which are of warm unpacks.
                    System.out.printf("round 0, the first unpack in this JVM: tar -xzf %.2f s, engine %.2f s, ratio %.2fx%n",
                            tarSeconds, engineSeconds, engineSeconds / tarSeconds);
                    continue;
                }
                baseline.add(tarSeconds);
                engine.add(engineSeconds);
                System.out.printf("round %d: tar -xzf %.2f s, engine %.2f s%n", round, tarSeconds, engineSeconds);
            }
            double tarMedian = median(baseline);
            double engineMedian = median(engine);
            System.out.printf("%d bytes unpacked, medians of %d rounds: tar -xzf %.2f s, engine unpack %.2f s, ratio %.2fx%n",
                    unpacked, rounds, tarMedian, engineMedian, engineMedian / tarMedian);
        } finally {
            FileTrees.remove(work);
        }
    }

    /** What UnpackedImages does with a stored gzip layer. */
    private static long engineUnpack(Path file, ImageManifest.Layer layer, Path root) throws IOException {
        try (VerifyingInputStream stored = new VerifyingInputStream(Files.newInputStream(file), layer.digest())) {
            return UnpackedImages.applyVerified(stored, layer, root, Long.MAX_VALUE);
        }
    }

    private static String sha256(InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream hashed = new DigestInputStream(in, digest)) {
            hashed.transferTo(OutputStream.nullOutputStream());
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed with status " + process.exitValue());
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
