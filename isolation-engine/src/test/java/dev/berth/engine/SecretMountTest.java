package dev.berth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.data.SecretStaging;
import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.data.SecretReference;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A secret is a file on a memory-only file system of the job's own, readable by the job's user
 * alone, and an environment variable only when asked; the job's captured output shows it masked,
 * and nothing of it is left on the host after the job.
 */
class SecretMountTest extends EngineTestSupport {

    private static final String VALUE = "s3cr3t-" + System.nanoTime();

    @Test
    void theSecretIsAPrivateFileOnItsOwnTmpfs() throws Exception {
        ExecutionPlan plan = plan(shellWith("stat -c '%a %u %g' /dev/secrets /dev/secrets/api-key; grep ' /dev/secrets ' /proc/self/mounts"
                + " | cut -d' ' -f3; echo \"$BERTH_SECRETS_DIR\"; [ -z \"${API_KEY+set}\" ] && echo no-variable;"
                + " cat /dev/secrets/api-key; echo; cat /dev/secrets/api-key >&2",
                null, null, null, null, List.of(new SecretReference("api-key", null))), 1);

        Finished finished = run(plan, payload());

        assertThat(finished.outcome().succeeded()).as(finished.stderr()).isTrue();
        assertThat(finished.stdout()).isEqualTo("500 1000 1000\n400 1000 1000\ntmpfs\n/dev/secrets\nno-variable\n***\n");
        assertThat(finished.stderr()).isEqualTo("***");
    }

    @Test
    void anEnvironmentVariableOnlyWhenAsked() throws Exception {
        ExecutionPlan plan = plan(shellWith("[ \"$API_KEY\" = \"$(cat /dev/secrets/api-key)\" ] && echo same; echo \"$API_KEY\"",
                null, null, null, null, List.of(new SecretReference("api-key", "API_KEY"))), 1);

        Finished finished = run(plan, payload());

        assertThat(finished.stdout()).isEqualTo("same\n***\n");
    }

    @Test
    void anOccurrenceSplitAcrossWritesIsMaskedToo() throws Exception {
        String half = VALUE.substring(0, 5);
        String rest = VALUE.substring(5);
        ExecutionPlan plan = plan(shellWith("printf 'before %s' '" + half + "'; sleep 0.2; printf '%s after' '" + rest + "'",
                null, null, null, null, List.of(new SecretReference("api-key", null))), 1);

        assertThat(run(plan, payload()).stdout()).isEqualTo("before *** after");
    }

    @Test
    void nothingOfTheSecretStaysOnTheHost() throws Exception {
        ExecutionPlan plan = plan(shellWith("true", null, null, null, null, List.of(new SecretReference("api-key", "API_KEY"))), 1);

        run(plan, payload());

        try (Stream<Path> staged = Files.list(SecretStaging.MEMORY_DIR)) {
            assertThat(staged.filter(path -> path.getFileName().toString().endsWith("-secrets"))
                    .filter(path -> path.getFileName().toString().startsWith("berth-"))
                    .filter(path -> Files.isReadable(path))
                    .flatMap(SecretMountTest::files)).noneMatch(SecretMountTest::holdsValue);
        }
        try (Stream<Path> left = Files.walk(config.workDir())) {
            assertThat(left.filter(Files::isRegularFile)).as("engine state, bundles and tools").noneMatch(SecretMountTest::holdsValue);
        }
    }

    private static JobPayload payload() {
        return new JobPayload(null, Map.of(), null, Map.of("api-key", VALUE.getBytes(StandardCharsets.UTF_8)));
    }

    private static Stream<Path> files(Path dir) {
        try {
            return Files.list(dir).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean holdsValue(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(VALUE);
        } catch (IOException e) {
            return false;
        }
    }
}
