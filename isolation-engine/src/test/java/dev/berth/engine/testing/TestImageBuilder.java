package dev.berth.engine.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.engine.image.OciLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Builds OCI images in a scratch image layout, as a build tool would, and pushes them to a
 * registry or writes them as an OCI archive with skopeo.
 */
public final class TestImageBuilder {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path dir;
    private final OciLayout layout;
    private final ArrayNode index;

    public TestImageBuilder(Path dir) throws IOException {
        this.dir = dir;
        this.layout = OciLayout.open(dir, MAPPER);
        this.index = MAPPER.createArrayNode();
    }

    /** An image of gzip-compressed layers for a platform; answers its manifest. */
    public OciLayout.Descriptor image(String os, String architecture, List<byte[]> layerTars) throws IOException, NoSuchAlgorithmException {
        ObjectNode config = MAPPER.createObjectNode();
        config.put("architecture", architecture);
        config.put("os", os);
        ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        ObjectNode manifest = MAPPER.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        ArrayNode layers = MAPPER.createArrayNode();
        for (byte[] tar : layerTars) {
            diffIds.add("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tar)));
            descriptor(layers.addObject(), "application/vnd.oci.image.layer.v1.tar+gzip", layout.put(gzip(tar)));
        }
        descriptor(manifest.putObject("config"), "application/vnd.oci.image.config.v1+json", layout.put(MAPPER.writeValueAsBytes(config)));
        manifest.set("layers", layers);
        return layout.put(MAPPER.writeValueAsBytes(manifest));
    }

    /** The layer digests of a manifest this builder wrote. */
    public List<String> layerDigests(OciLayout.Descriptor manifest) throws IOException {
        List<String> digests = new ArrayList<>();
        MAPPER.readTree(Files.readAllBytes(layout.path(manifest.digest()))).path("layers")
                .forEach(layer -> digests.add(layer.path("digest").asText()));
        return digests;
    }

    /** A multi-platform index over manifests given as (descriptor, os, architecture). */
    public OciLayout.Descriptor index(List<Platform> platforms) throws IOException {
        ObjectNode list = MAPPER.createObjectNode();
        list.put("schemaVersion", 2);
        list.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode manifests = list.putArray("manifests");
        for (Platform platform : platforms) {
            ObjectNode entry = manifests.addObject();
            descriptor(entry, "application/vnd.oci.image.manifest.v1+json", platform.manifest());
            entry.putObject("platform").put("os", platform.os()).put("architecture", platform.architecture());
        }
        return layout.put(MAPPER.writeValueAsBytes(list));
    }

    public record Platform(OciLayout.Descriptor manifest, String os, String architecture) {
    }

    /** Names a manifest or index in the layout's index.json, so skopeo can address it as {@code oci:dir:tag}. */
    public void tag(String tag, OciLayout.Descriptor target, boolean isIndex) throws IOException {
        ObjectNode entry = index.addObject();
        descriptor(entry, isIndex ? "application/vnd.oci.image.index.v1+json" : "application/vnd.oci.image.manifest.v1+json", target);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        ObjectNode top = MAPPER.createObjectNode();
        top.put("schemaVersion", 2);
        top.set("manifests", index);
        Files.write(dir.resolve("index.json"), MAPPER.writeValueAsBytes(top));
    }

    /** Pushes the tagged image (every platform of an index) to a plain-HTTP registry. */
    public void push(String tag, String destination) throws IOException, InterruptedException {
        skopeo("copy", "--insecure-policy", "--all", "--dest-tls-verify=false", "oci:" + dir + ":" + tag, "docker://" + destination);
    }

    /** Pushes the tagged image converted to a Docker schema 2 manifest, as older tools push. */
    public void pushAsDocker(String tag, String destination) throws IOException, InterruptedException {
        skopeo("copy", "--insecure-policy", "--format", "v2s2", "--dest-tls-verify=false", "oci:" + dir + ":" + tag, "docker://" + destination);
    }

    /** Writes the tagged image as an OCI image layout archive. */
    public Path archive(String tag, Path file) throws IOException, InterruptedException {
        skopeo("copy", "--insecure-policy", "oci:" + dir + ":" + tag, "oci-archive:" + file);
        return file;
    }

    private static void skopeo(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/skopeo"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void descriptor(ObjectNode node, String mediaType, OciLayout.Descriptor blob) {
        node.put("mediaType", mediaType);
        node.put("digest", blob.digest());
        node.put("size", blob.size());
    }

    private static byte[] gzip(byte[] tar) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(tar);
        }
        return bytes.toByteArray();
    }
}
