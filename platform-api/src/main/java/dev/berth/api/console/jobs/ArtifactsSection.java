package dev.berth.api.console.jobs;

import dev.berth.api.artifacts.ArtifactListing;
import dev.berth.api.artifacts.ArtifactView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a job page shows of its artifacts: each with its size and digest, and a download link on
 * the tenant's own page ({@code downloads} is null on an admin's page, which lists them only);
 * {@code unavailable} says why there is no list (removed by retention or quota).
 */
public record ArtifactsSection(int attempt, List<Row> rows, List<String> notes, String unavailable) {

    public record Row(String name, String size, String sha256, String href) {
    }

    static ArtifactsSection of(ArtifactListing listing, String downloads) {
        List<Row> rows = listing.artifacts().stream().map(artifact -> new Row(artifact.name(), size(artifact), artifact.sha256(),
                downloads == null ? null : downloads + "/" + path(artifact.name()) + "?attempt=" + artifact.attempt())).toList();
        return new ArtifactsSection(listing.attempt(), rows, listing.notes(), null);
    }

    static ArtifactsSection unavailable(String why) {
        return new ArtifactsSection(0, List.of(), List.of(), why);
    }

    private static String size(ArtifactView artifact) {
        long bytes = artifact.bytes();
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        double kib = bytes / 1024.0;
        String readable = kib < 1024 ? String.format(Locale.ROOT, "%.1f KiB", kib) : String.format(Locale.ROOT, "%.1f MiB", kib / 1024);
        return readable + " (" + bytes + " bytes)";
    }

    /** Each segment of a name like {@code out/report 1.txt} encoded, the slashes kept. */
    private static String path(String name) {
        return Arrays.stream(name.split("/", -1)).map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
