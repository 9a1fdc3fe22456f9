package dev.berth.api.jobs;

import java.util.List;

/** One page of a job listing; {@code next} is the cursor of the following page, null on the last. */
public record JobPage(List<JobView> items, String next) {
}
