package dev.berth.policy;

import java.util.Optional;

/**
 * Carves tenant ranges out of the service user's subordinate ID block. Slot n is always the same
 * range and slots come from a counter that never goes back (a database sequence in the API), so
 * ranges are disjoint and never handed out twice, even after a tenant is deleted.
 */
public record IdRangeAllocator(long blockStart, long blockCount) {

    public IdRangeAllocator {
        if (blockStart <= 0 || blockCount < IdRange.TENANT_RANGE_SIZE) {
            throw new IllegalArgumentException("the subordinate ID block " + blockStart + ":" + blockCount + " cannot hold a tenant: "
                    + "it must start above 0 and hold at least " + IdRange.TENANT_RANGE_SIZE + " IDs (see /etc/subuid)");
        }
    }

    /** How many tenants the block can ever hold. */
    public long capacity() {
        return blockCount / IdRange.TENANT_RANGE_SIZE;
    }

    /** The range of a slot, or empty once the block is used up. */
    public Optional<IdRange> rangeFor(long slot) {
        if (slot < 0) {
            throw new IllegalArgumentException("slots count from 0, got " + slot);
        }
        if (slot >= capacity()) {
            return Optional.empty();
        }
        return Optional.of(new IdRange(blockStart + slot * IdRange.TENANT_RANGE_SIZE, IdRange.TENANT_RANGE_SIZE));
    }
}
