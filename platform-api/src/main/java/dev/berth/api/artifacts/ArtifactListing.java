package dev.berth.api.artifacts;

import java.util.List;

/** What an attempt left: its artifacts, and notes on what a cap or a symlink kept out. */
public record ArtifactListing(int attempt, List<ArtifactView> artifacts, List<String> notes) {
}
