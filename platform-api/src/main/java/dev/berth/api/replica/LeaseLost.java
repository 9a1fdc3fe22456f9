package dev.berth.api.replica;

/** This replica's lease expired: whatever it still runs under {@code epoch} must stop, and no result of it may be written. */
public record LeaseLost(long epoch) {
}
