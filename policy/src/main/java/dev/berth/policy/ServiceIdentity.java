package dev.berth.policy;

/**
 * The unprivileged host account the platform runs as. Rootless runtimes on cgroup v1 only apply
 * limits when container ID 0 maps to this account, so it appears in every plan's ID maps.
 */
public record ServiceIdentity(long uid, long gid) {

    public ServiceIdentity {
        if (uid == 0 || gid == 0) {
            throw new IllegalArgumentException("the platform must not run as host root: start it as the service user (./berth up does)");
        }
    }
}
