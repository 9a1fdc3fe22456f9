package dev.berth.engine.image;

/** What an image garbage collection removed. */
public record GarbageReport(int rootFilesystemsRemoved, int blobsRemoved, long bytesFreed) {
}
