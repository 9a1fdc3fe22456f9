package dev.berth.engine;

/** Why a job ended other than by its own exit, in the words of the API's {@code reason} field. */
public enum TerminationReason {
    /** The kernel killed the job at its memory limit. */
    OOMKilled,
    /** The job outlived its timeout and was stopped. */
    TimedOut,
    /** A promised limit or isolation property was not in force; the job was stopped before it ran. */
    EnforcementUnavailable,
    /** Someone asked for the job to stop. */
    Cancelled,
    /** The runtime could not create the container. */
    RuntimeError
}
