package dev.berth.api.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code berth.jobs.final-view-cache.*}: how many final jobs' views a replica keeps in memory. */
@ConfigMapping(prefix = "berth.jobs.final-view-cache")
public interface FinalJobViewsConfig {

    /** Views of final jobs kept at once (least recently used go first); 0 reads every request from the database. */
    @WithDefault("10000")
    int maxEntries();
}
