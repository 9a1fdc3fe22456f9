package dev.berth.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * One number a job asks for (memory, CPU, timeout, ...) with every upper bound on it: the
 * platform ceiling, the tenant's policy maximum, the tenant's total quota. The tightest bound
 * decides, and a refusal names that bound, its owner and how to get past it.
 */
final class Bounded {

    /** Who set a bound; messages are only composed when a refusal or decision needs them. */
    private enum Owner { CEILING, POLICY, QUOTA }

    private record Bound(int value, Owner owner, String quotaName) {
    }

    private final String field;
    private final String rulePrefix;
    private final String unit;
    private final int min;
    private final String tenant;
    private final List<Bound> bounds = new ArrayList<>(3);

    Bounded(String field, String rulePrefix, String unit, int min, String tenant) {
        this.field = field;
        this.rulePrefix = rulePrefix;
        this.unit = unit;
        this.min = min;
        this.tenant = tenant;
    }

    Bounded ceiling(int value) {
        bounds.add(new Bound(value, Owner.CEILING, null));
        return this;
    }

    Bounded policy(Integer value) {
        if (value != null) {
            bounds.add(new Bound(value, Owner.POLICY, null));
        }
        return this;
    }

    Bounded quota(Integer value, String quotaName) {
        if (value != null) {
            bounds.add(new Bound(value, Owner.QUOTA, quotaName));
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
                findings.refuse(rule(tightest), field, requested + unit + " is above " + owner(tightest) + " of "
                        + tightest.value() + unit + "; " + fix(tightest));
                return min;
            }
            return requested;
        }
        if (tightest.value() < min) {
            findings.refuse(rule(tightest), field, "even the smallest job (" + min + unit + ") is above " + owner(tightest)
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
                    + " lowered to " + owner(tightest));
            return tightest.value();
        }
        findings.decide(rulePrefix + ".default", defaultValue + unit + ", " + defaultSource);
        return defaultValue;
    }

    private String rule(Bound bound) {
        return switch (bound.owner()) {
            case CEILING -> rulePrefix + ".ceiling";
            case POLICY -> rulePrefix + ".policy";
            case QUOTA -> "quota." + bound.quotaName();
        };
    }

    private String owner(Bound bound) {
        return switch (bound.owner()) {
            case CEILING -> "the platform's ceiling";
            case POLICY -> "tenant " + tenant + "'s policy maximum";
            case QUOTA -> "tenant " + tenant + "'s total " + bound.quotaName() + " quota";
        };
    }

    private static String fix(Bound bound) {
        return switch (bound.owner()) {
            case CEILING -> "ask for at most " + bound.value();
            case POLICY -> "ask for at most " + bound.value() + ", or ask a platform admin to raise the policy";
            case QUOTA -> "the job could never start; ask for at most " + bound.value() + ", or ask a platform admin to raise the quota";
        };
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
