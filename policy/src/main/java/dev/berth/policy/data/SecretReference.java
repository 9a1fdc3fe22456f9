package dev.berth.policy.data;

/** A tenant secret the job may read, by name; also exported as the variable {@code env} when that is given. */
public record SecretReference(String name, String env) {
}
