package dev.berth.policy;

/** Why a request was refused: a stable rule ID, the offending field and what to do about it. */
public record Violation(String rule, String field, String message) {
}
