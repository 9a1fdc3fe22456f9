package dev.berth.api.tenants;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** How a provisioned tenant is known to people and to the identity provider. */
@Entity
@Table(name = "tenant_identities")
public class TenantIdentity {

    @Id
    public String tenant;

    @Column(name = "display_name", nullable = false)
    public String displayName;

    /** The Keycloak Organization's ID; none when provisioned on the embedded issuer. */
    @Column(name = "organization_id", unique = true, updatable = false)
    public String organizationId;

    @Column(name = "provisioned_by", nullable = false, updatable = false)
    public String provisionedBy;

    @Column(name = "provisioned_at", nullable = false, updatable = false)
    public Instant provisionedAt;
}
