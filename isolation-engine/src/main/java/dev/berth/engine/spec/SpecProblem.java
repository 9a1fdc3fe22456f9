package dev.berth.engine.spec;

/**
 * One security invariant an OCI spec breaks: a stable rule name (in the style of the policy's
 * rules) and what exactly is wrong, so a refusal says which invariant failed and where.
 */
record SpecProblem(String rule, String reason) {

    @Override
    public String toString() {
        return rule + ": " + reason;
    }
}
