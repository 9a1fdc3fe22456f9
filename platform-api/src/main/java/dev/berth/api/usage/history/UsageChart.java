package dev.berth.api.usage.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's usage over the last buckets of a period, oldest first, one entry per bucket (empty
 * buckets as zeros), in the shape a chart draws: times as epoch seconds, one list per series.
 *
 * @param queueWaitMeanSeconds mean time attempts started in the bucket had waited in the queue (0 when none started)
 */
public record UsageChart(String tenant, String period, List<Long> times, List<Double> cpuSeconds, List<Double> peakMemoryMiB,
        List<Integer> started, List<Integer> succeeded, List<Integer> failed, List<Integer> cancelled,
        List<Double> queueWaitMeanSeconds, List<Double> queueWaitMaxSeconds) {

    /** The buckets that saw anything, newest first: the chart's numbers as a table. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (int i = times.size() - 1; i >= 0; i--) {
            if (started.get(i) + succeeded.get(i) + failed.get(i) + cancelled.get(i) > 0 || cpuSeconds.get(i) > 0) {
                rows.add(new Row(Instant.ofEpochSecond(times.get(i)).toString(), cpuSeconds.get(i), peakMemoryMiB.get(i),
                        started.get(i), succeeded.get(i), failed.get(i), cancelled.get(i), queueWaitMeanSeconds.get(i),
                        queueWaitMaxSeconds.get(i)));
            }
        }
        return rows;
    }

    public record Row(String bucket, double cpuSeconds, double peakMemoryMiB, int started, int succeeded, int failed, int cancelled,
                      double queueWaitMeanSeconds, double queueWaitMaxSeconds) {
    }
}
