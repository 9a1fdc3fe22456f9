package dev.berth.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.engine.TerminationReason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JobReasonTest {

    /** Clients read the engine's words in job views and audit events; the platform's enum must not change them. */
    @Test
    void everyEngineReasonKeepsItsWordOnTheWire() {
        assertThat(Arrays.stream(TerminationReason.values()).map(reason -> JobReason.of(reason).name()))
                .containsExactly(Arrays.stream(TerminationReason.values()).map(Enum::name).toArray(String[]::new));
    }

    @Test
    void statesAreWrittenIntoSqlAsTheLiteralsThePartialIndexesName() {
        assertThat(JobState.QUEUED.sql()).isEqualTo("'QUEUED'");
        assertThat(JobState.sql(JobState.ACTIVE)).isEqualTo("'STARTING', 'RUNNING'");
        assertThat(JobState.sql(JobState.OPEN)).isEqualTo("'QUEUED', 'STARTING', 'RUNNING'");
        assertThat(JobState.OPEN).allMatch(state -> !state.isFinal());
        assertThat(JobState.values()).filteredOn(JobState::isFinal)
                .containsExactly(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);
    }
}
