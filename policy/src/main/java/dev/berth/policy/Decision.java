package dev.berth.policy;

/** A rule that shaped an admitted plan, so a tenant can see why the job runs the way it does. */
public record Decision(String rule, String detail) {
}
