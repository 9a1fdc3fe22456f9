package dev.berth.api.console.session;

import dev.berth.api.refusals.Refusals;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * Which console pages a viewer may use: platform admins all of them, auditors the audit pages
 * (read-only), tenant roles none. Checked in every resource method, because on the embedded
 * issuer the console has no path-level authentication policy to lean on. A refusal is audited
 * like a refused API call, so the audit log shows console probing too.
 */
@RequestScoped
public class ConsoleAccess {

    @Inject
    ConsoleSession session;
    @Inject
    Refusals refusals;

    public Viewer requireAdmin() {
        Viewer viewer = signedIn();
        if (!viewer.admin()) {
            throw denied(viewer, viewer.reviewer()
                    ? "Auditors review the audit log here; tenants, quotas, policies and jobs are for platform admins."
                    : "The console is for platform admins and auditors.");
        }
        return viewer;
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
