package dev.berth.api.identity;

/** A user of an organization as the identity provider knows it. */
public record OrganizationMember(String id, String username, String email) {
}
