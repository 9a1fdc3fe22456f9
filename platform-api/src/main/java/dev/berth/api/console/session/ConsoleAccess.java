package dev.berth.api.console.session;

import dev.berth.api.refusals.Refusals;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * Which console pages a viewer may use: platform admins the admin pages, auditors the audit pages
 * (read-only), tenant members and tenant admins the pages of their own tenant (the single
 * organization of their token, as on the API's tenant routes). Checked in every resource method, because on the embedded
 * issuer the console has no path-level authentication policy to lean on. A refusal is audited
 * like a refused API call, so the audit log shows console probing too.
 */
@RequestScoped
public class ConsoleAccess {

    private static final String NOT_ONE_TENANT = "Tenant pages need a token with exactly one organization (tenant); yours names none or several.";

    @Inject
    ConsoleSession session;
    @Inject
    Refusals refusals;

    public Viewer requireAdmin() {
        Viewer viewer = signedIn();
        if (!viewer.admin()) {
            throw denied(viewer, viewer.reviewer()
                    ? "Auditors review the audit log here; tenants, quotas, policies and jobs are for platform admins."
                    : viewer.tenantMember() ? "This page is for platform admins; your tenant's jobs and usage are under My jobs and My usage."
                    : viewer.tenantRole() ? NOT_ONE_TENANT
                    : "The console is for platform admins, auditors and tenant members.");
        }
        return viewer;
    }

    /** The viewer's own tenant; a token naming no or several organizations is refused as the API refuses it. */
    public String requireTenant() {
        Viewer viewer = signedIn();
        if (!viewer.tenantMember()) {
            throw denied(viewer, viewer.tenantRole() ? NOT_ONE_TENANT
                    : "These pages are for tenant members and tenant admins; they show one tenant's own jobs and usage.");
        }
        return viewer.tenant();
    }

    public Viewer requireReviewer() {
        Viewer viewer = signedIn();
        if (!viewer.reviewer()) {
            throw denied(viewer, "The audit pages are for auditors and platform admins.");
        }
        return viewer;
    }

    private ConsoleDenied denied(Viewer viewer, String reason) {
        refusals.forbidden(reason);
        return new ConsoleDenied(viewer, reason);
    }

    private Viewer signedIn() {
        Viewer viewer = session.viewer();
        if (!viewer.signedIn()) {
            throw new ConsoleLoginRequired();
        }
        return viewer;
    }
}
