package dev.berth.policy;

/**
 * A contiguous block of subordinate host IDs owned by one tenant. Host ID {@code hostStart + n} is
 * what container ID {@code n} becomes for n ≥ 1; container ID 0 is never mapped into the range.
 */
public record IdRange(long hostStart, long size) {

    /** The minimum size that lets a job use every 16-bit container ID. */
    public static final long TENANT_RANGE_SIZE = 65_536;

    public IdRange {
        if (hostStart <= 0) {
            throw new IllegalArgumentException("a tenant ID range must start above host ID 0, got " + hostStart);
        }
        if (size < TENANT_RANGE_SIZE) {
            throw new IllegalArgumentException("a tenant ID range needs at least " + TENANT_RANGE_SIZE + " IDs, got " + size);
        }
    }

    public long hostEnd() {
        return hostStart + size - 1;
    }

    public boolean overlaps(IdRange other) {
        return hostStart <= other.hostEnd() && other.hostStart <= hostEnd();
    }
}
