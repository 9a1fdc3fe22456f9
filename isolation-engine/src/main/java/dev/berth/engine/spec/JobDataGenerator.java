package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.engine.data.ArtifactCollector;
import dev.berth.engine.data.SecretStaging;
import dev.berth.policy.data.JobData;

/**
 * The mounts of a job's data: its inputs, bind-mounted read-only from the bundle at the path the
 * request named inside its scratch, and its secrets on a tmpfs of their own at
 * {@link JobData#SECRETS_DIR}, mode 0500 and owned by the job's user, filled by a createContainer
 * hook from the engine's memory-backed staging directory with files of mode 0400. A job with
 * artifacts gets a hook that hands its namespaces to the engine's {@link ArtifactCollector}.
 */
final class JobDataGenerator implements SpecGenerator {

    static final String INPUTS_DIR = "inputs";
    /** The variable that tells a job where its secret files are. */
    static final String SECRETS_VARIABLE = "BERTH_SECRETS_DIR";
    static final String SECRETS_HOOK_NAME = "berth-secrets";
    static final int HOOK_TIMEOUT_SECONDS = 10;
    /** Room for the largest secrets a job may name; tmpfs pages are charged to the job as they are written. */
    static final String SECRETS_SIZE = "size=4m";
    /**
     * Copies each staged value into the job's secrets tmpfs (seen, before the pivot, under the
     * image root) and hands it to the job's user, readable by that user alone.
     */
    private static final String SECRETS_SCRIPT = "set -e; cd \"$1\"; for name in *; do cat \"$name\" > \"$2/$name\"; rm -f \"$name\"; done;"
            + " chown -R \"$3:$4\" \"$2\"; chmod 0400 \"$2\"/*; chmod 0500 \"$2\"";

    @Override
    public void generate(BundleContext context, ObjectNode spec) {
        JobData data = context.plan().data();
        ArrayNode mounts = spec.withArray("/mounts");
        if (data.artifacts() != null) {
            ObjectNode hook = spec.withObject("/hooks").withArray("createContainer").addObject();
            hook.put("path", context.overlayRoot().resolveSibling(ArtifactCollector.TOOL).toString());
            hook.putArray("args").add(ArtifactCollector.TOOL).add("send").add(context.gate().bundleDir().toString());
            hook.put("timeout", HOOK_TIMEOUT_SECONDS);
        }
        if (data.inputs() != null) {
            ObjectNode inputs = mounts.addObject();
            inputs.put("destination", data.inputs().path());
            inputs.put("type", "bind");
            inputs.put("source", context.gate().bundleDir().resolve(INPUTS_DIR).toString());
            inputs.putArray("options").add("bind").add("ro").add("nosuid").add("nodev");
        }
        if (data.secrets().isEmpty()) {
            return;
        }
        ObjectNode secrets = mounts.addObject();
        secrets.put("destination", JobData.SECRETS_DIR);
        secrets.put("type", "tmpfs");
        secrets.put("source", "tmpfs");
        secrets.putArray("options").add("nosuid").add("nodev").add("noexec").add("mode=0500")
                .add("uid=" + context.plan().uid()).add("gid=" + context.plan().gid()).add(SECRETS_SIZE);
        spec.withArray("/process/env").add(SECRETS_VARIABLE + "=" + JobData.SECRETS_DIR);
        ObjectNode hook = spec.withObject("/hooks").withArray("createContainer").addObject();
        hook.put("path", "/bin/sh");
        hook.putArray("args").add("sh").add("-c").add(SECRETS_SCRIPT).add(SECRETS_HOOK_NAME)
                .add(SecretStaging.dirFor(context.gate().bundleDir().getFileName().toString()).toString())
                .add(context.image().rootfs().resolve(JobData.SECRETS_DIR.substring(1)).toString())
                .add(Long.toString(context.plan().uid())).add(Long.toString(context.plan().gid()));
        hook.put("timeout", HOOK_TIMEOUT_SECONDS);
    }
}
