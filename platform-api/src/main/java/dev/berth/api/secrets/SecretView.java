package dev.berth.api.secrets;

import java.time.Instant;

/** A secret as the API lists it: never its value. */
public record SecretView(String name, int version, Instant createdAt, Instant updatedAt) {
}
