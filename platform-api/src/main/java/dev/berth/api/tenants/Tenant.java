package dev.berth.api.tenants;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant and the block of host IDs it owns for good. */
@Entity
@Table(name = "tenants")
public class Tenant {

    @Id
    public String id;

    /** Taken from a sequence, so a slot is never handed out twice, even after a tenant is gone. */
    @Column(name = "range_slot", nullable = false, unique = true, updatable = false)
    public long rangeSlot;

    @Column(name = "id_range_start", nullable = false, unique = true, updatable = false)
    public long idRangeStart;

    @Column(name = "id_range_size", nullable = false, updatable = false)
    public long idRangeSize;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;
}
