package dev.berth.engine.data;

import java.util.List;

/** What artifact collection kept, and why anything that matched was left out (caps, symlinks, a failure). */
public record ArtifactReport(List<CollectedArtifact> artifacts, List<String> notes) {

    public static final ArtifactReport NONE = new ArtifactReport(List.of(), List.of());

    public ArtifactReport {
        artifacts = List.copyOf(artifacts);
        notes = List.copyOf(notes);
    }

    /** Nothing was kept and nothing was left out: there is nothing to record. */
    public boolean isEmpty() {
        return artifacts.isEmpty() && notes.isEmpty();
    }
}
