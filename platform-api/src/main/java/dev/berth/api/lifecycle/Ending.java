package dev.berth.api.lifecycle;

import java.time.Instant;

/**
 * The job's row as an attempt's end leaves it: final ({@code finishedAt} set), or QUEUED again
 * until {@code notBefore}. Usage and log bytes are the job's totals over its attempts so far.
 */
record Ending(JobState state, JobReason reason, String detail, Integer exitCode, String imageDigest, String securityJson,
              double cpuSeconds, double wallSeconds, long peakMemoryBytes, long logBytes, Instant notBefore, Instant finishedAt) {
}
