package dev.berth.api.images;

import java.util.UUID;

/** A pull was recorded for an engine replica to carry out; its worker looks once the record is committed. */
public record PullRequested(UUID image) {
}
