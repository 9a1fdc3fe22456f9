package dev.berth.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * One number a job asks for (memory, CPU, timeout, ...) with every upper bound on it: the
 * platform ceiling, the tenant's policy maximum, the tenant's total quota. The tightest bound
 * decides, and a refusal names that bound, its owner and how to get past it.
 */
final class Bounded {

    private record Bound(int value, String rule, String owner, String fix) {
    }

    private final String field;
    private final String rulePrefix;
    private final String unit;
    private final int min;
    private final List<Bound> bounds = new ArrayList<>();

    Bounded(String field, String rulePrefix, String unit, int min) {
        this.field = field;
        this.rulePrefix = rulePrefix;
        this.unit = unit;
        this.min = min;
    }

    Bounded ceiling(int value) {
        bounds.add(new Bound(value, rulePrefix + ".ceiling", "the platform's ceiling", "ask for at most " + value));
        return this;
    }

    Bounded policy(Integer value, String tenant) {
        if (value != null) {
            bounds.add(new Bound(value, rulePrefix + ".policy", "tenant " + tenant + "'s policy maximum",
                    "ask for at most " + value + ", or ask a platform admin to raise the policy"));
        }
        return this;
    }

    Bounded quota(Integer value, String tenant, String what) {
        if (value != null) {
            bounds.add(new Bound(value, "quota." + what, "tenant " + tenant + "'s total " + what + " quota",
                    "the job could never start; ask for at most " + value + ", or ask a platform admin to raise the quota"));
        }
        return this;
    }

    /**
     * The requested value if it is within every bound; otherwise the default, lowered to the
     * tightest bound. Returns {@code min} after a refusal so the caller can go on collecting.
     */
    int resolve(Integer requested, int defaultValue, String defaultSource, Findings findings) {
        Bound tightest = tightest();
        if (requested != null) {
            if (requested < min) {
                findings.refuse(rulePrefix + ".range", field, "must be at least " + min + unit + ", got " + requested);
                return min;
            }
            if (requested > tightest.value()) {
                findings.refuse(tightest.rule(), field, requested + unit + " is above " + tightest.owner() + " of "
                        + tightest.value() + unit + "; " + tightest.fix());
                return min;
            }
            return requested;
        }
        if (tightest.value() < min) {
            findings.refuse(tightest.rule(), field, "even the smallest job (" + min + unit + ") is above " + tightest.owner()
                    + " of " + tightest.value() + unit + "; a platform admin has to raise it");
            return min;
        }
        if (defaultValue < min) {
            // Only a stored policy from before a validation rule existed can get here.
            findings.refuse(rulePrefix + ".default", field, "the default of " + defaultValue + unit + " (" + defaultSource
                    + ") is below the minimum of " + min + unit + "; set " + field + " or ask a platform admin to fix the policy");
            return min;
        }
        if (defaultValue > tightest.value()) {
            findings.decide(rulePrefix + ".default", tightest.value() + unit + ": " + defaultSource + " of " + defaultValue + unit
                    + " lowered to " + tightest.owner());
            return tightest.value();
        }
        findings.decide(rulePrefix + ".default", defaultValue + unit + ", " + defaultSource);
        return defaultValue;
    }

    /** The lowest bound; on a tie the more fundamental one (ceiling, then policy, then quota) is named. */
    private Bound tightest() {
        Bound tightest = bounds.getFirst();
        for (Bound bound : bounds) {
            if (bound.value() < tightest.value()) {
                tightest = bound;
            }
        }
        return tightest;
    }
}
