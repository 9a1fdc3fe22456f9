package dev.berth.policy;

/** Who is asking and where their jobs may live on the host. */
public record AdmissionContext(String tenant, IdRange tenantRange, ServiceIdentity service) {
}
