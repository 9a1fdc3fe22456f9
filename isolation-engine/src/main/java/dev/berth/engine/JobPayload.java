package dev.berth.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The bytes a plan names by digest only: stdin, inline input files (by name under the inputs
 * path), the uploaded input tar, and secret values by name. The engine keeps none of it after the
 * job: stdin and inputs live in the job's private bundle, secrets only in memory-backed files.
 */
public record JobPayload(byte[] stdin, Map<String, byte[]> inlineFiles, Upload upload, Map<String, byte[]> secrets) {

    public static final JobPayload NONE = new JobPayload(null, Map.of(), null, Map.of());

    public JobPayload {
        inlineFiles = Map.copyOf(inlineFiles);
        secrets = Map.copyOf(secrets);
    }

    /** Opens the uploaded tar; called once, on the engine's thread, while the job's bundle is prepared. */
    @FunctionalInterface
    public interface Upload {
        InputStream open() throws IOException;
    }

    /** Keeps secret values out of every log line and exception message that prints a payload. */
    @Override
    public String toString() {
        return "JobPayload[stdin=" + (stdin == null ? "none" : stdin.length + " bytes") + ", inlineFiles=" + inlineFiles.keySet()
                + ", upload=" + (upload != null) + ", secrets=" + secrets.keySet() + "]";
    }
}
