package dev.berth.engine.bench;

import dev.berth.engine.image.FileTrees;
import dev.berth.engine.image.LayerUnpacker;
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
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The engine's unpack of one gzip layer against {@code tar -xzf} of the same file, side by side in
 * one run (./berth bench unpack [rounds]), alternating so drift hits both alike. The layer is made
 * from this host's Python, Perl and JDK trees (a realistic mix of many small files and a few large
 * ones, like the toolbox image of AnyReplicaRunsTenantImagesIT). The engine's side is what
 * UnpackedImages does for a pulled layer: both digests (the stored blob and the uncompressed tar)
 * checked while the hostile-layer rules apply every entry.
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
            List<Double> baseline = new ArrayList<>();
            List<Double> engine = new ArrayList<>();
            long unpacked = 0;
            for (int round = 0; round < rounds + 1; round++) {
                Path a = Files.createDirectory(work.resolve("tar-" + round));
                Path b = Files.createDirectory(work.resolve("engine-" + round));
                long start = System.nanoTime();
                run(List.of("tar", "-xzf", layer.toString(), "-C", a.toString()));
                double tarSeconds = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                unpacked = engineUnpack(layer, b);
                double engineSeconds = (System.nanoTime() - start) / 1e9;
                FileTrees.remove(a);
                FileTrees.remove(b);
                if (round == 0) {
                    continue; // warm-up: page cache and JIT
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

    private static long engineUnpack(Path layer, Path root) throws IOException, NoSuchAlgorithmException {
        MessageDigest blob = MessageDigest.getInstance("SHA-256");
        MessageDigest diff = MessageDigest.getInstance("SHA-256");
        try (InputStream stored = new DigestInputStream(Files.newInputStream(layer), blob);
             InputStream tar = new DigestInputStream(new GZIPInputStream(stored, 64 * 1024), diff)) {
            long bytes = LayerUnpacker.apply(tar, root, Long.MAX_VALUE).bytes();
            tar.transferTo(OutputStream.nullOutputStream());
            blob.digest();
            diff.digest();
            return bytes;
        }
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
