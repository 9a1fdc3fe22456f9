package dev.berth.api.images;

/** The body of a pull: the registry reference, and optionally the catalog name and tag to enter it under. */
public record PullRequest(String ref, String name, String tag) {
}
