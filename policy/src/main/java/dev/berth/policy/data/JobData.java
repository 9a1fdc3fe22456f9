package dev.berth.policy.data;

import java.util.List;

/**
 * The resolved data of a job: what it reads on stdin and finds under its inputs path (by size and
 * digest; the bytes are stored apart from the plan), what is collected after it, and which
 * secrets are mounted. It never holds a secret's value, so a plan can be shown and stored.
 */
public record JobData(Stdin stdin, Inputs inputs, Artifacts artifacts, List<Secret> secrets) {

    /** Where secrets appear inside the job, one file per secret named after it. */
    public static final String SECRETS_DIR = "/dev/secrets";
    public static final JobData NONE = new JobData(null, null, null, List.of());

    public JobData {
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    public record Stdin(long bytes, String sha256) {
    }

    /**
     * @param uploadBytes what the upload unpacks to; known once the platform has looked the upload up
     */
    public record Inputs(String path, List<File> files, String upload, long uploadBytes) {
        public Inputs {
            files = List.copyOf(files);
        }

        public long inlineBytes() {
            return files.stream().mapToLong(File::bytes).sum();
        }

        public long totalBytes() {
            return inlineBytes() + uploadBytes;
        }

        public Inputs withUploadBytes(long bytes) {
            return new Inputs(path, files, upload, bytes);
        }
    }

    public record File(String name, long bytes, String sha256, boolean executable) {
    }

    public record Artifacts(List<String> paths, String when, int maxFiles, long maxFileBytes, long maxTotalBytes) {
        public static final String ALWAYS = "always";
        public static final String SUCCESS = "success";
        public static final String FAILURE = "failure";

        public Artifacts {
            paths = List.copyOf(paths);
        }

        /** Whether a job that ended this way has its artifacts collected. */
        public boolean collectAfter(boolean succeeded) {
            return when.equals(ALWAYS) || when.equals(succeeded ? SUCCESS : FAILURE);
        }
    }

    public record Secret(String name, String env) {
    }

    public JobData withInputs(Inputs resolved) {
        return new JobData(stdin, resolved, artifacts, secrets);
    }
}
