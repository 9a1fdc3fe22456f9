package dev.berth.policy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Variables a tenant's policy denies (exact names or prefixes such as {@code LD_*}) are refused, never dropped silently. */
final class EnvRule {

    private EnvRule() {
    }

    static void check(Map<String, String> env, AdmissionContext context, Findings findings) {
        List<String> denied = context.policy().deniedEnv();
        if (env == null || denied.isEmpty()) {
            return;
        }
        if (env.keySet().stream().noneMatch(name -> deniedBy(denied, name) != null)) {
            return;
        }
        // Sorted so that the same request always lists its violations in the same order.
        for (String name : new TreeMap<>(env).keySet()) {
            String pattern = deniedBy(denied, name);
            if (pattern != null) {
                findings.refuse("env.policy", "env." + name, name + " is denied by tenant " + context.tenant()
                        + "'s policy (\"" + pattern + "\"); remove it from env");
            }
        }
    }

    private static String deniedBy(List<String> denied, String name) {
        for (String pattern : denied) {
            if (matches(pattern, name)) {
                return pattern;
            }
        }
        return null;
    }

    private static boolean matches(String pattern, String name) {
        if (pattern == null) {
            return false;
        }
        return pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(name);
    }
}
