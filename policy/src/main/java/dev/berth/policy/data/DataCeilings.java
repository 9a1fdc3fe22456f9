package dev.berth.policy.data;

/**
 * The platform's caps on what a job carries in and out besides its command.
 *
 * @param maxStdinBytes       stdin, after base64 decoding
 * @param maxInlineBytes      all inline input files of one job together
 * @param maxUploadBytes      one uploaded input tar, and what it unpacks to
 * @param maxArtifactFiles    files collected from one job
 * @param maxArtifactBytes    one collected file
 * @param maxArtifactTotalBytes everything collected from one job
 * @param maxSecrets          secrets one job may name
 * @param maxSecretBytes      one secret's value
 */
public record DataCeilings(long maxStdinBytes, long maxInlineBytes, long maxUploadBytes, int maxArtifactFiles,
                           long maxArtifactBytes, long maxArtifactTotalBytes, int maxSecrets, int maxSecretBytes) {

    private static final long MIB = 1024 * 1024;

    public DataCeilings {
        if (maxStdinBytes < 0 || maxInlineBytes < 0 || maxUploadBytes < 0 || maxArtifactFiles < 0 || maxArtifactBytes < 0
                || maxArtifactTotalBytes < 0 || maxSecrets < 0 || maxSecretBytes < 1) {
            throw new IllegalArgumentException("invalid platform baseline: data caps must not be negative (and a secret needs room for a byte)");
        }
    }

    public static DataCeilings defaults() {
        return new DataCeilings(MIB, MIB, 256 * MIB, 100, 64 * MIB, 256 * MIB, 16, 64 * 1024);
    }
}
