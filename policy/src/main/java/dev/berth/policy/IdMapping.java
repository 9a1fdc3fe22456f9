package dev.berth.policy;

/** One line of a user namespace ID map, as in {@code /proc/<pid>/uid_map}. */
public record IdMapping(long containerId, long hostId, long size) {
}
