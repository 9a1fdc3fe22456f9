package dev.berth.api.console.jobs;

import dev.berth.api.jobs.Job;
import dev.berth.api.jobs.JobLogs;
import dev.berth.api.jobs.LogReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The end of a job's stdout, read through the API's log reader, small enough to redraw every few seconds. */
@ApplicationScoped
public class LogTail {

    static final int TAIL_BYTES = 64 * 1024;

    @Inject
    LogReader reader;
    @Inject
    JobLogs logs;

    /** Throws the reader's problem (e.g. 410 for logs removed by retention). */
    public String of(Job job) {
        int attempt = reader.attempt(job, null);
        Path file = logs.file(job.id, attempt, "stdout");
        try {
            long size = Files.isRegularFile(file) ? Files.size(file) : 0;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            reader.read(job, attempt, "stdout", Math.max(0, size - TAIL_BYTES), false).write(out);
            // A cut through a multi-byte character shows as a replacement character, not an error.
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of job " + job.id + " from " + file, e);
        }
    }
}
