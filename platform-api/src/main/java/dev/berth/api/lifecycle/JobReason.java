package dev.berth.api.lifecycle;

import dev.berth.engine.TerminationReason;

/**
 * Why a job (or one attempt of it) ended other than by succeeding. The constant's name is the
 * word the API's {@code reason} field, the audit log and the {@code reason} columns carry, so a
 * constant is never renamed; a new reason is a new constant.
 */
public enum JobReason {
    OOMKilled("The kernel killed the job at its memory limit."),
    TimedOut("The job outlived its timeout and was stopped."),
    EnforcementUnavailable("A promised limit or isolation property was not in force; the job was stopped before it ran."),
    Cancelled("Someone asked for the job to stop."),
    RuntimeError("The OCI runtime could not create the container."),
    Error("The job's program exited with a status other than 0."),
    EngineError("The engine could not take the job on at all (an image gone since admission, a corrupt plan)."),
    PlatformShutdown("The platform shut down and stopped the job after the shutdown grace."),
    PlatformRestart("The platform restarted while the job was starting or running on it."),
    NodeLost("The engine replica running the attempt stopped renewing its lease (it died, hung or lost the database); the attempt is lost."),
    HandedBack("The engine replica running the attempt shut down before it ended and handed the job back to the queue; this does not use up a retry.");

    private final String meaning;

    JobReason(String meaning) {
        this.meaning = meaning;
    }

    /** What the reason means, for the API's catalogue (OpenAPI document, docs/api.md). */
    public String meaning() {
        return meaning;
    }

    /**
     * The engine's word for an ending, in the platform's terms. A switch without a default: a
     * reason the engine adds does not compile here until it is given its meaning.
     */
    public static JobReason of(TerminationReason reason) {
        return switch (reason) {
            case OOMKilled -> OOMKilled;
            case TimedOut -> TimedOut;
            case EnforcementUnavailable -> EnforcementUnavailable;
            case Cancelled -> Cancelled;
            case RuntimeError -> RuntimeError;
        };
    }
}
