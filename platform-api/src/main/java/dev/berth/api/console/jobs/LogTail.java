package dev.berth.api.console.jobs;

import dev.berth.api.jobs.JobLogs;
import dev.berth.api.jobs.JobService;
import dev.berth.api.jobs.LogReader;
import dev.berth.api.lifecycle.Job;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The end of a job's stdout, read through the API's log reader, small enough to redraw every few seconds. */
@ApplicationScoped
public class LogTail {

    static final int TAIL_BYTES = 64 * 1024;

    @Inject
    JobService jobs;
    @Inject
    LogReader reader;
    @Inject
    JobLogs logs;

    /** The latest attempt's output, and whether the job is final (so the output is complete). */
    public record Tail(String text, boolean over) {
    }

    /** Throws the job service's and the reader's problems (404 for another tenant's job, 410 for logs removed by retention). */
    public Tail of(String tenant, UUID id) {
        Job job = jobs.find(tenant, id);
        LogReader.AttemptLog attempt = reader.latest(job);
        try {
            long size = logs.size(job.id, attempt.attempt(), "stdout");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            reader.read(attempt, "stdout", Math.max(0, size - TAIL_BYTES), false).write(out);
            // A cut through a multi-byte character shows as a replacement character, not an error.
            return new Tail(out.toString(StandardCharsets.UTF_8), job.state.isFinal());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of job " + job.id + " attempt " + attempt.attempt(), e);
        }
    }
}
