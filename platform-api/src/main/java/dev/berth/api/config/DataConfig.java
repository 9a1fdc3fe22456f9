package dev.berth.api.config;

import dev.berth.policy.data.DataCeilings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code berth.data.*}: the platform's caps on what jobs carry in (stdin, inputs, secrets) and out (artifacts). */
@ConfigMapping(prefix = "berth.data")
public interface DataConfig {

    @WithDefault("1048576")
    long maxStdinBytes();

    /** All inline input files of one job together. */
    @WithDefault("1048576")
    long maxInlineBytes();

    /** One uploaded input tar, as sent and as unpacked; the HTTP body limit (quarkus.http.limits.max-body-size) applies first. */
    @WithDefault("268435456")
    long maxUploadBytes();

    @WithDefault("100")
    int maxArtifactFiles();

    @WithDefault("67108864")
    long maxArtifactBytes();

    /** Everything collected from one job. */
    @WithDefault("268435456")
    long maxArtifactTotalBytes();

    @WithDefault("16")
    int maxSecrets();

    @WithDefault("65536")
    int maxSecretBytes();

    default DataCeilings ceilings() {
        return new DataCeilings(maxStdinBytes(), maxInlineBytes(), maxUploadBytes(), maxArtifactFiles(), maxArtifactBytes(),
                maxArtifactTotalBytes(), maxSecrets(), maxSecretBytes());
    }
}
