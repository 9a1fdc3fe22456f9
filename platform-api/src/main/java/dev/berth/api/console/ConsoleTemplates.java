package dev.berth.api.console;

import dev.berth.api.console.audit.AuditFilters;
import dev.berth.api.console.audit.EventRow;
import dev.berth.api.console.jobs.ArtifactsSection;
import dev.berth.api.console.overview.TenantBars;
import dev.berth.api.console.readable.Fact;
import dev.berth.api.console.tenants.Members;
import dev.berth.api.console.tenants.PolicyForm;
import dev.berth.api.console.tenants.QuotaForm;
import dev.berth.api.console.usage.UsageCharts;
import dev.berth.api.images.ImageView;
import dev.berth.api.jobs.JobView;
import dev.berth.api.tenants.TenantSummary;
import dev.berth.api.usage.QuotaView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import java.util.List;

/**
 * Every console page, type-checked against its template in web-console's
 * {@code templates/console/} at build time.
 */
@CheckedTemplate(basePath = "console")
public final class ConsoleTemplates {

    private ConsoleTemplates() {
    }

    /** A rule with its detail: a plan's decisions, or (with a field) a refusal's violations. */
    public record Rule(String rule, String field, String detail) {
    }

    public static native TemplateInstance login(String error);

    public static native TemplateInstance forbidden(String reason, String roles);

    public static native TemplateInstance signedOut();

    public static native TemplateInstance expired();

    public static native TemplateInstance missing(String what);

    public static native TemplateInstance overview(List<JobView> active, long running, long queued, List<TenantBars> usage);

    public static native TemplateInstance tenants(List<TenantSummary> tenants, FormState form, String created);

    public static native TemplateInstance tenant(String tenant, String saved, FormState quota, List<QuotaForm.Field> quotaFields,
            PolicyForm.View policyForm, FormState policy, boolean advanced, String sample, Members members);

    public static native TemplateInstance preview(boolean admitted, List<Rule> decisions, List<Fact> plan, String summary, List<Rule> violations);

    public static native TemplateInstance jobs(List<String> tenants, String tenant, List<String> states, String state, List<JobView> jobs,
            String next, String error);

    public static native TemplateInstance job(JobView job, List<Fact> security, List<Rule> decisions, int attempt, int tailKib, String base,
            boolean admin, ArtifactsSection artifacts);

    public static native TemplateInstance myJobs(String tenant, List<String> states, String state, String label, List<JobView> jobs,
            String next, String error);

    public static native TemplateInstance myUsage(TenantBars quota, QuotaView.Consumed consumed, UsageCharts.View usage);

    public static native TemplateInstance usage(List<String> tenants, String tenant, UsageCharts.View usage, String error);

    public static native TemplateInstance logTail(String text, boolean over);

    public static native TemplateInstance images(List<ImageView> images, boolean pulling, FormState form, String notice);

    public static native TemplateInstance imageTable(List<ImageView> images, boolean pulling);

    public static native TemplateInstance audit(AuditFilters filters, List<String> actions, List<String> outcomes, List<EventRow> events,
            String next, String error);

    public static native TemplateInstance verification(boolean valid, long eventsChecked, Long checkpoint, long unsigned, Long firstBadSeq,
            String problem);
}
