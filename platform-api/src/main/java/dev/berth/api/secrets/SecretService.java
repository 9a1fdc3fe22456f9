package dev.berth.api.secrets;

import dev.berth.api.audit.AuditEntry;
import dev.berth.api.audit.AuditLog;
import dev.berth.api.problems.ProblemException;
import dev.berth.api.refusals.Refusals;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.SecretNames;
import dev.berth.policy.Violation;
import dev.berth.policy.data.DataContent;
import dev.berth.policy.data.JobData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tenants' secrets: set (a new version each time), listed and deleted by name, never shown. Jobs
 * name them; {@link #openForJob} hands their values to the engine and audits each use by name and
 * version. Audit entries, views, log lines and messages carry names and versions only.
 */
@ApplicationScoped
public class SecretService {

    @Inject
    SecretStore store;
    @Inject
    SecretCipher cipher;
    @Inject
    AuditLog audit;
    @Inject
    Refusals refusals;
    @Inject
    JobAdmission admission;

    /** The values of a job's secrets, each with the version that was used. */
    public record Opened(Map<String, byte[]> values, Map<String, Integer> versions) {
    }

    @Transactional
    public SecretView put(String tenant, String name, SecretValue body) {
        checkName(name);
        if (body == null || (body.value() == null) == (body.base64() == null)) {
            throw ProblemException.malformed("send {\"value\": \"...\"} or {\"base64\": \"...\"}, exactly one of them");
        }
        byte[] value = DataContent.bytes(body.value(), body.base64())
                .orElseThrow(() -> ProblemException.malformed("base64: not valid base64 (RFC 4648, with padding, no line breaks)"));
        int max = admission.dataCeilings().maxSecretBytes();
        if (value.length == 0 || value.length > max) {
            throw refusals.policy(List.of(new Violation("secrets.size", "value", "a secret holds 1 to " + max + " bytes, got " + value.length)));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Optional<SecretStore.Row> earlier = store.find(tenant, name);
        int version = earlier.map(row -> row.version() + 1).orElse(1);
        Instant created = earlier.map(SecretStore.Row::createdAt).orElse(now);
        store.put(tenant, name, version, created, now, cipher.seal(tenant, name, version, value));
        audit.record(AuditEntry.success("secret.put", tenant, target(name)).reason("version " + version));
        return new SecretView(name, version, created, now);
    }

    @Transactional
    public List<SecretView> list(String tenant) {
        return store.list(tenant);
    }

    @Transactional
    public SecretView get(String tenant, String name) {
        return store.find(tenant, name).map(SecretStore.Row::view).orElseThrow(() -> ProblemException.notFound("secret " + name));
    }

    @Transactional
    public void delete(String tenant, String name) {
        SecretView deleted = get(tenant, name);
        store.delete(tenant, name);
        audit.record(AuditEntry.success("secret.delete", tenant, target(name)).reason("version " + deleted.version()));
    }

    /** The names among {@code secrets} the tenant has no secret of; a job naming one is refused. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> missing(String tenant, List<JobData.Secret> secrets) {
        return secrets.stream().map(JobData.Secret::name).filter(name -> store.find(tenant, name).isEmpty()).toList();
    }

    /**
     * Decrypts the job's secrets and audits their use; a secret deleted since the job was
     * submitted fails the launch with its name.
     */
    @Transactional
    public Opened openForJob(String tenant, String jobTarget, List<JobData.Secret> secrets) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        Map<String, Integer> versions = new LinkedHashMap<>();
        for (JobData.Secret secret : secrets) {
            SecretStore.Row row = store.find(tenant, secret.name()).orElseThrow(() -> new IllegalStateException("secret " + secret.name()
                    + " was deleted after the job was submitted: set it again (PUT /api/v1/secrets/" + secret.name() + ") and resubmit"));
            values.put(secret.name(), cipher.open(tenant, secret.name(), row.version(), row.sealed()));
            versions.put(secret.name(), row.version());
        }
        if (!versions.isEmpty()) {
            audit.record(AuditEntry.success("secret.use", tenant, jobTarget).reason(versions.entrySet().stream()
                    .map(used -> used.getKey() + " version " + used.getValue()).reduce((a, b) -> a + ", " + b).orElseThrow()));
        }
        return new Opened(values, versions);
    }

    private void checkName(String name) {
        if (!SecretNames.valid(name)) {
            throw refusals.policy(List.of(new Violation("secrets.name", "name", SecretNames.RULE)));
        }
    }

    private static String target(String name) {
        return "secret/" + name;
    }
}
