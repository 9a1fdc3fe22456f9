package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.policy.JobRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs the static escape probe (src/test/c/escape-probe.c) inside a job and parses its verdicts. */
final class EscapeProbe {

    /** What the kernel answered to one escape attempt. */
    record Verdict(String check, String result, String detail) {

        @Override
        public String toString() {
            return result + " " + detail;
        }
    }

    /**
     * What one check must answer and the case that makes it so; the case is named in the failure
     * message, so a failure says which host property the expectation was built on.
     */
    record Expectation(String result, Set<String> details, String because) {

        static Expectation denied(String because, String... errnos) {
            return new Expectation("DENIED", Set.of(errnos), because);
        }

        static Expectation absent(String because) {
            return new Expectation("ABSENT", Set.of("ENOENT"), because);
        }

        static Expectation masked(String because) {
            return new Expectation("MASKED", Set.of("empty"), because);
        }

        static Expectation killed(String signal, String because) {
            return new Expectation("KILLED", Set.of(signal), because);
        }

        boolean matches(Verdict verdict) {
            return verdict.result().equals(result) && details.contains(verdict.detail());
        }

        @Override
        public String toString() {
            return result + " " + String.join("|", details.stream().sorted().toList());
        }
    }

    private EscapeProbe() {
    }

    static JobRequest request(List<String> checks) {
        List<String> command = new ArrayList<>(List.of(TestImages.PROBE));
        command.addAll(checks);
        return new JobRequest(TestImages.PROBE_IMAGE, command, null, null, null, null, null, null, null, null, null);
    }

    /** The probe run with the expectations' checks, in their order. */
    static JobRequest request(Map<String, Expectation> expected) {
        return request(List.copyOf(expected.keySet()));
    }

    /** Every check answered what it was expected to; each failure names the check, both answers and the case. */
    static void assertAnswers(EngineTestSupport.Finished finished, Map<String, Expectation> expected) {
        Map<String, Verdict> verdicts = parse(finished, List.copyOf(expected.keySet()));
        assertThat(expected.entrySet()).allSatisfy(entry -> {
            Verdict verdict = verdicts.get(entry.getKey());
            assertThat(entry.getValue().matches(verdict)).as("%s answered %s, expected %s: %s",
                    entry.getKey(), verdict, entry.getValue(), entry.getValue().because()).isTrue();
        });
    }

    /** The same expectation for every check, in the order given. */
    static Map<String, Expectation> each(List<String> checks, Expectation expectation) {
        Map<String, Expectation> expected = new LinkedHashMap<>();
        checks.forEach(check -> expected.put(check, expectation));
        return expected;
    }

    static Map<String, Verdict> parse(EngineTestSupport.Finished finished, List<String> checks) {
        assertThat(finished.outcome().exitCode()).as("probe exit: %s %s", finished.outcome(), finished.stderr()).contains(0);
        return parse(finished.stdout(), checks);
    }

    /** The probe's lines, one per check, as verdicts; the probe must have answered exactly these checks. */
    static Map<String, Verdict> parse(String output, List<String> checks) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        output.lines().map(line -> line.split(" ", 3))
                .forEach(f -> verdicts.put(f[0], new Verdict(f[0], f[1], f[2])));
        assertThat(verdicts.keySet()).as(output).containsExactlyElementsOf(checks);
        return verdicts;
    }
}
