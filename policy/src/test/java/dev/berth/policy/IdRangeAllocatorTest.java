package dev.berth.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class IdRangeAllocatorTest {

    private static final IdRangeAllocator BLOCK = new IdRangeAllocator(100_000, 65_536L * 4096);

    @Test
    void slotsAreConsecutiveRangesOfTheBlockUntilItIsUsedUp() {
        assertThat(BLOCK.capacity()).isEqualTo(4096);
        assertThat(BLOCK.rangeFor(0)).contains(new IdRange(100_000, 65_536));
        assertThat(BLOCK.rangeFor(1)).contains(new IdRange(165_536, 65_536));
        assertThat(BLOCK.rangeFor(4095).orElseThrow().hostEnd()).isEqualTo(100_000 + 65_536L * 4096 - 1);
        assertThat(BLOCK.rangeFor(4096)).isEmpty();
    }

    @Test
    void aBlockTooSmallForOneTenantIsAHostProblem() {
        assertThatThrownBy(() -> new IdRangeAllocator(100_000, 1000)).hasMessageContaining("/etc/subuid");
        assertThatThrownBy(() -> new IdRangeAllocator(0, 65_536)).hasMessageContaining("start above 0");
    }

    @Property
    void twoSlotsNeverShareAHostId(@ForAll @LongRange(max = 4095) long a, @ForAll @LongRange(max = 4095) long b) {
        IdRange first = BLOCK.rangeFor(a).orElseThrow();
        IdRange second = BLOCK.rangeFor(b).orElseThrow();
        assertThat(first.overlaps(second)).isEqualTo(a == b);
        assertThat(first.hostStart()).isGreaterThanOrEqualTo(BLOCK.blockStart());
        assertThat(first.hostEnd()).isLessThan(BLOCK.blockStart() + BLOCK.blockCount());
    }
}
