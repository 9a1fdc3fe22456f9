package dev.berth.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.engine.testing.TestLayers.Layer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of a stored layer hold with its decompression on the read-ahead thread: the digests of
 * the blob and of the tar inside it, and the ceiling on what may follow the tar's end.
 */
class LayerChecksTest {

    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path temp;

    @Test
    void aLayerWhoseDigestsMatchIsUnpacked() throws Exception {
        byte[] tar = new Layer().dir("etc").file("etc/greeting", "hello\n").bytes();
        byte[] blob = gzip(tar);
        long bytes = unpack(blob, new ImageManifest.Layer(sha256(blob), blob.length, GZIP, sha256(tar)), temp.resolve("ok"));
        assertThat(bytes).isEqualTo(6);
        assertThat(Files.readString(temp.resolve("ok/etc/greeting"))).isEqualTo("hello\n");
    }

    @Test
    void aTarWhoseContentIsNotItsDiffIdIsCorruptAndSaysSo() throws Exception {
        byte[] tar = new Layer().file("a", "1").bytes();
        byte[] blob = gzip(tar);
        String wrong = sha256("something else".getBytes());
        assertThatThrownBy(() -> unpack(blob, new ImageManifest.Layer(sha256(blob), blob.length, GZIP, wrong), temp.resolve("bad")))
                .isInstanceOf(BlobCorruptException.class).hasMessageContaining(wrong);
    }

    @Test
    void moreThanAMebibyteAfterTheTarsEndIsRefused() throws Exception {
        ByteArrayOutputStream padded = new ByteArrayOutputStream();
        padded.write(new Layer().file("a", "1").bytes());
        padded.write(new byte[2 << 20]);
        byte[] tar = padded.toByteArray();
        byte[] blob = gzip(tar);
        assertThatThrownBy(() -> unpack(blob, new ImageManifest.Layer(sha256(blob), blob.length, GZIP, sha256(tar)), temp.resolve("long")))
                .isInstanceOf(ImageFormatException.class).hasMessageContaining("goes on for more than 1048576 bytes");
    }

    private static long unpack(byte[] blob, ImageManifest.Layer layer, Path root) throws IOException {
        Files.createDirectories(root);
        try (VerifyingInputStream stored = new VerifyingInputStream(new ByteArrayInputStream(blob), layer.digest())) {
            return UnpackedImages.applyVerified(stored, layer, root, 1 << 20);
        }
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
