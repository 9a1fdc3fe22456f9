package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.JobRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the static escape probe (src/test/c/escape-probe.c) inside a job and parses its verdicts. */
final class EscapeProbe {

    /** What the kernel answered to one escape attempt. */
    record Verdict(String check, String result, String detail) {

        boolean refused() {
            return result.equals("DENIED") && List.of("EPERM", "EACCES", "ENOSYS", "EROFS").contains(detail)
                    || result.equals("ABSENT") || result.equals("MASKED");
        }
    }

    private EscapeProbe() {
    }

    static JobRequest request(List<String> checks) {
        List<String> command = new ArrayList<>(List.of(TestImages.PROBE));
        command.addAll(checks);
        return new JobRequest(TestImages.PROBE_IMAGE, command, null, null, null, null, null, null, null, null, null);
    }

    /** Every check was refused: denied with EPERM, EACCES, ENOSYS or EROFS, or the path absent or masked. */
    static void assertAllRefused(EngineTestSupport.Finished finished, List<String> checks) {
        assertThat(parse(finished, checks).values()).allSatisfy(verdict ->
                assertThat(verdict.refused()).as("%s answered %s %s", verdict.check(), verdict.result(), verdict.detail()).isTrue());
    }

    static Map<String, Verdict> parse(EngineTestSupport.Finished finished, List<String> checks) {
        assertThat(finished.outcome().exitCode()).as("probe exit: %s %s", finished.outcome(), finished.stderr()).contains(0);
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        finished.stdout().lines().map(line -> line.split(" ", 3))
                .forEach(f -> verdicts.put(f[0], new Verdict(f[0], f[1], f[2])));
        assertThat(verdicts.keySet()).as(finished.stdout()).containsExactlyElementsOf(checks);
        return verdicts;
    }
}
