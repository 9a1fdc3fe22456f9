package dev.berth.policy.data;

import java.util.List;

/**
 * What to keep of a job's scratch after it exits: absolute paths or globs ({@code *}, {@code ?},
 * {@code **}) under its scratch, collected {@code when} it ends: {@code always} (the default),
 * {@code success} or {@code failure}.
 */
public record ArtifactRequest(List<String> paths, String when) {
}
