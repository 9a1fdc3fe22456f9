package dev.berth.policy;

import dev.berth.policy.data.ArtifactRequest;
import dev.berth.policy.data.DataCeilings;
import dev.berth.policy.data.DataContent;
import dev.berth.policy.data.InputFile;
import dev.berth.policy.data.JobData;
import dev.berth.policy.data.JobInputs;
import dev.berth.policy.data.JobStdin;
import dev.berth.policy.data.SecretReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Checks and resolves what a job carries besides its command: stdin, input files, the artifacts
 * to collect and the secrets to mount. Inputs and artifacts live in the job's scratch (the /tmp
 * tmpfs, or the working directory's own tmpfs), and inputs count against its size.
 */
final class DataRule {

    static final int MAX_INPUT_FILES = 256;
    static final int MAX_ARTIFACT_PATTERNS = 32;
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_PATH_BYTES = 1024;
    static final String SCRATCH = "/tmp";

    private final DataCeilings ceilings;
    private final Findings findings;
    private final String workingDir;

    private DataRule(DataCeilings ceilings, Findings findings, String workingDir) {
        this.ceilings = ceilings;
        this.findings = findings;
        this.workingDir = workingDir;
    }

    static JobData resolve(JobRequest request, String workingDir, long scratchBytes, DataCeilings ceilings, Findings findings) {
        DataRule rule = new DataRule(ceilings, findings, workingDir);
        JobData data = new JobData(rule.stdin(request.stdin()), rule.inputs(request.inputs(), scratchBytes),
                rule.artifacts(request.artifacts()), rule.secrets(request.secrets(), request.env()));
        rule.explain(data);
        return data;
    }

    private JobData.Stdin stdin(JobStdin stdin) {
        if (stdin == null) {
            return null;
        }
        Optional<byte[]> bytes = content("stdin", stdin.text(), stdin.base64());
        if (bytes.isEmpty()) {
            return null;
        }
        if (bytes.get().length > ceilings.maxStdinBytes()) {
            refuse("stdin.size", "stdin", "stdin may hold at most " + ceilings.maxStdinBytes() + " bytes, got " + bytes.get().length
                    + "; send larger data as an input file (POST /api/v1/inputs)");
            return null;
        }
        return new JobData.Stdin(bytes.get().length, DataContent.sha256(bytes.get()));
    }

    private JobData.Inputs inputs(JobInputs inputs, long scratchBytes) {
        if (inputs == null) {
            return null;
        }
        if (inputs.path() == null || !underScratch(inputs.path(), false)) {
            refuse("inputs.path", "inputs.path", "name a canonical absolute directory below " + scratchRoots()
                    + " (the job's scratch), such as /tmp/in");
        }
        List<InputFile> given = inputs.files() == null ? List.of() : inputs.files();
        if (given.size() > MAX_INPUT_FILES) {
            refuse("inputs.size", "inputs.files", "at most " + MAX_INPUT_FILES + " inline files are allowed, got " + given.size()
                    + "; send them as one tar (POST /api/v1/inputs)");
        }
        if (given.isEmpty() && inputs.upload() == null) {
            refuse("inputs.empty", "inputs", "give inline files, an upload, or leave inputs out");
        }
        if (inputs.upload() != null && !isUuid(inputs.upload())) {
            refuse("inputs.upload", "inputs.upload", "name an upload by the id POST /api/v1/inputs answered");
        }
        List<JobData.File> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long inline = 0;
        for (int i = 0; i < given.size(); i++) {
            InputFile file = given.get(i);
            String field = "inputs.files[" + i + "]";
            if (file.name() == null || !isRelative(file.name())) {
                refuse("inputs.name", field + ".name", "a relative path without '.', '..', empty parts or a leading '/', at most "
                        + MAX_NAME_BYTES + " bytes a part");
                continue;
            }
            if (!names.add(file.name())) {
                refuse("inputs.duplicate", field + ".name", file.name() + " is given twice");
            }
            Optional<byte[]> bytes = content(field, file.text(), file.base64());
            if (bytes.isPresent()) {
                inline += bytes.get().length;
                files.add(new JobData.File(file.name(), bytes.get().length, DataContent.sha256(bytes.get()),
                        Boolean.TRUE.equals(file.executable())));
            }
        }
        for (String name : names) {
            for (String other : names) {
                if (other.startsWith(name + "/")) {
                    refuse("inputs.duplicate", "inputs.files", name + " is a file and the directory of " + other);
                }
            }
        }
        if (inline > ceilings.maxInlineBytes()) {
            refuse("inputs.size", "inputs.files", "inline files may hold at most " + ceilings.maxInlineBytes() + " bytes together, got "
                    + inline + "; send larger files as a tar (POST /api/v1/inputs)");
        } else if (inline > scratchBytes) {
            refuse("inputs.scratch", "inputs.files", "inline files take " + inline + " bytes, more than the job's scratch of "
                    + scratchBytes + " bytes; ask for more resources.scratchMiB");
        }
        return new JobData.Inputs(inputs.path(), files, inputs.upload(), 0);
    }

    private JobData.Artifacts artifacts(ArtifactRequest artifacts) {
        if (artifacts == null) {
            return null;
        }
        List<String> paths = artifacts.paths() == null ? List.of() : artifacts.paths();
        if (paths.isEmpty() || paths.size() > MAX_ARTIFACT_PATTERNS) {
            refuse("artifacts.paths", "artifacts.paths", "give 1 to " + MAX_ARTIFACT_PATTERNS + " paths or globs to collect");
        }
        for (int i = 0; i < paths.size(); i++) {
            if (!underScratch(paths.get(i), true)) {
                refuse("artifacts.path", "artifacts.paths[" + i + "]", "collect only below " + scratchRoots()
                        + " (the job's scratch): a canonical absolute path whose parts may use *, ? and **");
            }
        }
        String when = artifacts.when() == null ? JobData.Artifacts.ALWAYS : artifacts.when();
        if (!List.of(JobData.Artifacts.ALWAYS, JobData.Artifacts.SUCCESS, JobData.Artifacts.FAILURE).contains(when)) {
            refuse("artifacts.when", "artifacts.when", "one of always, success, failure");
        }
        return new JobData.Artifacts(paths, when, ceilings.maxArtifactFiles(), ceilings.maxArtifactBytes(), ceilings.maxArtifactTotalBytes());
    }

    private List<JobData.Secret> secrets(List<SecretReference> secrets, Map<String, String> env) {
        if (secrets == null) {
            return List.of();
        }
        if (secrets.size() > ceilings.maxSecrets()) {
            refuse("secrets.size", "secrets", "at most " + ceilings.maxSecrets() + " secrets per job, got " + secrets.size());
        }
        List<JobData.Secret> resolved = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> variables = new HashSet<>();
        for (int i = 0; i < secrets.size(); i++) {
            SecretReference secret = secrets.get(i);
            String field = "secrets[" + i + "]";
            if (!SecretNames.valid(secret.name())) {
                refuse("secrets.name", field + ".name", SecretNames.RULE);
                continue;
            }
            if (!names.add(secret.name())) {
                refuse("secrets.duplicate", field + ".name", secret.name() + " is named twice");
            }
            if (secret.env() != null) {
                if (!Syntax.isEnvName(secret.env())) {
                    refuse("secrets.env", field + ".env", "variable names must match [A-Za-z_][A-Za-z0-9_]*");
                } else if ((env != null && env.containsKey(secret.env())) || !variables.add(secret.env())) {
                    refuse("secrets.env", field + ".env", secret.env() + " is already set by env or another secret");
                }
            }
            resolved.add(new JobData.Secret(secret.name(), secret.env()));
        }
        return resolved;
    }

    private void explain(JobData data) {
        if (data.stdin() != null) {
            findings.decide("data.stdin", data.stdin().bytes() + " bytes (" + data.stdin().sha256() + ") on stdin, then end of file");
        }
        if (data.inputs() != null) {
            findings.decide("data.inputs", "inputs read-only at " + data.inputs().path() + ", counted against the job's scratch");
        }
        if (data.artifacts() != null) {
            findings.decide("data.artifacts", "collected when the job ends (" + data.artifacts().when() + "): at most "
                    + data.artifacts().maxFiles() + " files, " + data.artifacts().maxFileBytes() + " bytes each, "
                    + data.artifacts().maxTotalBytes() + " bytes in all; symlinks are never followed");
        }
        if (!data.secrets().isEmpty()) {
            findings.decide("data.secrets", data.secrets().size() + " secret(s) as files under " + JobData.SECRETS_DIR
                    + " on a memory-only file system readable by the job's user alone");
        }
    }

    private Optional<byte[]> content(String field, String text, String base64) {
        if ((text == null) == (base64 == null)) {
            refuse("data.shape", field, "give exactly one of text and base64");
            return Optional.empty();
        }
        Optional<byte[]> bytes = DataContent.bytes(text, base64);
        if (bytes.isEmpty()) {
            refuse("data.base64", field + ".base64", "not valid base64 (RFC 4648, with padding, no line breaks)");
        }
        return bytes;
    }

    private List<String> scratchRoots() {
        boolean ownScratch = !(workingDir.equals(SCRATCH) || workingDir.startsWith(SCRATCH + "/"));
        return ownScratch ? List.of(SCRATCH, workingDir) : List.of(SCRATCH);
    }

    /** Strictly below a scratch root, canonical, with glob characters only where {@code globs} allows them. */
    private boolean underScratch(String path, boolean globs) {
        if (path.indexOf('\0') >= 0 || Syntax.utf8Length(path) > MAX_PATH_BYTES || (!globs && hasGlob(path))) {
            return false;
        }
        for (String root : scratchRoots()) {
            String prefix = root + "/";
            if (path.startsWith(prefix) && isRelative(path.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasGlob(String path) {
        return path.indexOf('*') >= 0 || path.indexOf('?') >= 0 || path.indexOf('[') >= 0;
    }

    private static boolean isRelative(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || Syntax.utf8Length(part) > MAX_NAME_BYTES) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUuid(String text) {
        try {
            return UUID.fromString(text).toString().equals(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void refuse(String rule, String field, String message) {
        findings.refuse(rule, field, message);
    }
}
