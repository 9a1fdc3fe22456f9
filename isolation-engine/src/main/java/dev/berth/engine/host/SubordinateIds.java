package dev.berth.engine.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The service user's subordinate ID block from {@code /etc/subuid} or {@code /etc/subgid};
 * {@code newuidmap} only maps IDs listed there, so tenant ranges are carved from it.
 */
public record SubordinateIds(long start, long count) {

    public static Optional<SubordinateIds> of(Path file, HostIdentity user) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.strip().split(":");
            if (parts.length == 3 && (parts[0].equals(user.userName()) || parts[0].equals(Long.toString(user.uid())))) {
                return Optional.of(new SubordinateIds(Long.parseLong(parts[1]), Long.parseLong(parts[2])));
            }
        }
        return Optional.empty();
    }
}
