package dev.berth.api.policy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant's policy document as a platform admin stored it. */
@Entity
@Table(name = "tenant_policies")
public class StoredPolicy {

    @Id
    public String tenant;

    @Column(name = "policy_json", nullable = false)
    public String policyJson;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
