package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The user namespace maps. Container root is the service user, so its line maps that one ID and
 * nothing after it (those host IDs belong to other accounts); host root is never mapped; and no
 * container ID or host ID appears twice, which is what keeps a job's non-zero ID from landing on
 * the service user or on a second container ID.
 */
final class IdMapRules {

    private IdMapRules() {
    }

    static void check(JsonNode linux, List<SpecProblem> problems) {
        for (String kind : List.of("uid", "gid")) {
            List<JsonNode> lines = new ArrayList<>();
            linux.path(kind + "Mappings").forEach(lines::add);
            for (JsonNode line : lines) {
                if (line.path("hostID").asLong() == 0) {
                    problems.add(new SpecProblem("idmap.host-root", "host " + kind + " 0 is mapped into the container as "
                            + kind + " " + line.path("containerID").asLong()));
                }
                if (line.path("containerID").asLong() == 0 && line.path("size").asLong() != 1) {
                    problems.add(new SpecProblem("idmap.container-root", "container " + kind + " 0 maps " + line.path("size").asLong()
                            + " host IDs from " + line.path("hostID").asLong() + "; it must map the service user's own ID alone"));
                }
            }
            for (int i = 0; i < lines.size(); i++) {
                for (int j = i + 1; j < lines.size(); j++) {
                    overlap(kind, "containerID", "container", lines.get(i), lines.get(j), problems);
                    overlap(kind, "hostID", "host", lines.get(i), lines.get(j), problems);
                }
            }
        }
    }

    private static void overlap(String kind, String field, String side, JsonNode a, JsonNode b, List<SpecProblem> problems) {
        long start = Math.max(a.path(field).asLong(), b.path(field).asLong());
        long end = Math.min(a.path(field).asLong() + a.path("size").asLong(), b.path(field).asLong() + b.path("size").asLong()) - 1;
        if (start <= end) {
            problems.add(new SpecProblem("idmap.overlap", side + " " + kind + "s " + start + "-" + end + " are mapped twice, by "
                    + describe(a) + " and " + describe(b) + ": two IDs on one side would share one on the other"));
        }
    }

    private static String describe(JsonNode line) {
        return "[" + line.path("containerID").asLong() + " " + line.path("hostID").asLong() + " " + line.path("size").asLong() + "]";
    }
}
