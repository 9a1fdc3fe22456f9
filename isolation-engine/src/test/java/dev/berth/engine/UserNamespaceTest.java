package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.host.HostIdentity;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.IdMapping;
import dev.berth.policy.IdRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Container root is never host root: the job runs as a non-root uid mapped into its tenant's own range. */
class UserNamespaceTest extends EngineTestSupport {

    @Test
    void jobRunsAsNonRootUidMappedIntoTheTenantRange() throws Exception {
        ExecutionPlan plan = plan(shell("id -u; id -g; cat /proc/self/uid_map; cat /proc/self/gid_map"), 3);
        Finished finished = run(plan);

        assertThat(finished.outcome().succeeded()).as(finished.stderr()).isTrue();
        List<String> lines = finished.stdout().lines().map(String::strip).toList();
        assertThat(lines.subList(0, 2)).containsExactly("1000", "1000");
        IdRange range = tenantRange(3);
        HostIdentity self = HostIdentity.current();
        List<IdMapping> expected = List.of(new IdMapping(0, self.uid(), 1), new IdMapping(1, range.hostStart() + 1, 65_535));
        assertThat(mappings(lines.subList(2, 4))).isEqualTo(expected);
        assertThat(finished.outcome().security()).hasValueSatisfying(security -> {
            assertThat(security.uidMappings()).isEqualTo(expected);
            assertThat(security.user()).isEqualTo(1000);
        });
        assertThat(lines).noneMatch(line -> line.matches("\\d+\\s+0\\s+\\d+"));
    }

    @Test
    void twoTenantsNeverShareAHostId() throws Exception {
        List<IdMapping> first = mappings(run(plan(shell("cat /proc/self/uid_map"), 1)).stdout().lines().toList());
        List<IdMapping> second = mappings(run(plan(shell("cat /proc/self/uid_map"), 2)).stdout().lines().toList());

        IdMapping a = first.get(1);
        IdMapping b = second.get(1);
        assertThat(a.hostId() + a.size() <= b.hostId() || b.hostId() + b.size() <= a.hostId())
                .as("ranges %s and %s are disjoint", a, b).isTrue();
    }

    @Test
    void hostnameIsOpaque() throws Exception {
        assertThat(run(plan(shell("hostname"), 1)).stdout().strip()).isEqualTo("job");
    }

    private static List<IdMapping> mappings(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+"))
                .map(f -> new IdMapping(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])))
                .toList();
    }
}
