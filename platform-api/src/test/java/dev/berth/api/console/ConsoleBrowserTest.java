package dev.berth.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import dev.berth.engine.testing.TestLayers.Layer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser on the embedded defaults: an admin logs in, changes a tenant's
 * quota (a malformed and a refused value first, which change nothing), the API then refuses a job
 * over the new quota, the audit page shows the change, and an auditor and a tenant member see what
 * their roles allow. A tenant member walks through the own usage charts, jobs and a job page; an
 * admin reads a tenant's charts, edits its policy in the form and finds the change before and after
 * in the audit log. Every page is checked for overflow and broken words at 1280 and 390 px and kept
 * as a screenshot under target/console-screenshots.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class ConsoleBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String TENANT = "console-a";
    private static Chromium chromium;

    @TestHTTPResource("/")
    URL root;
    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;

    @BeforeAll
    static void launch() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @Test
    void anAdminChangesAQuotaTheApiEnforcesItAndAnAuditorFindsTheChange() throws Exception {
        try (BrowserContext context = chromium.browser().newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1280, 900))) {
            Page page = context.newPage();
            page.navigate(url("/console/"));
            assertThat(page).hasURL(Pattern.compile(".*/console/login$"));
            assertThat(page).hasTitle("Log in · Berth console");
            shoot(page, "01-login");
            logIn(page, token("ada", List.of(), "platform-admin"));
            assertThat(page).hasTitle("Overview · Berth console");
            assertThat(page.locator("script[src*='htmx.min.js']")).hasCount(1);
            assertThat(page.evaluate("typeof htmx")).isEqualTo("object");

            // Create the tenant through the console; a malformed ID is refused next to its field.
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Tenants").setExact(true)).click();
            page.getByLabel("ID").fill("Not_A_Label");
            page.getByLabel("ID").evaluate("field => field.removeAttribute('pattern')");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create tenant")).click();
            assertThat(page.locator("#tenant-id-error")).containsText("lowercase letters");
            assertThat(page.getByLabel("ID")).hasAttribute("aria-invalid", "true");
            page.getByLabel("ID").fill(TENANT);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create tenant")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Tenant " + TENANT + " created");
            shoot(page, "02-tenants");

            // Quota: a malformed value and a negative one are refused next to their fields and change nothing.
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(TENANT).setExact(true)).first().click();
            assertThat(page).hasTitle("Tenant " + TENANT + " · Berth console");
            long storedMemory = apiQuota().get("memoryMiB");
            page.getByLabel("Memory (MiB)").fill("lots");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save quota")).click();
            assertThat(page.locator("#quota-memoryMiB-error")).containsText("enter a whole number");
            assertThat(page.getByLabel("Memory (MiB)")).hasValue("lots");
            page.getByLabel("Memory (MiB)").fill("-1");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save quota")).click();
            assertThat(page.locator("#quota-memoryMiB-error")).containsText("must not be negative");
            shoot(page, "03-quota-refused");
            assertThat(apiQuota().get("memoryMiB")).isEqualTo(storedMemory);

            // The stored uploads' quota sits beside the other storage quotas, its default shown until it is changed.
            assertThat(page.getByLabel("Upload bytes stored")).hasValue(String.valueOf(10L << 30));
            page.getByLabel("Memory (MiB)").fill("128");
            page.getByLabel("Upload bytes stored").fill("5000000");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save quota")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the quota");
            assertThat(page.getByLabel("Memory (MiB)")).hasValue("128");
            assertThat(page.getByLabel("Upload bytes stored")).hasValue("5000000");
            assertThat(apiQuota().get("memoryMiB")).isEqualTo(128L);
            assertThat(apiQuota().get("uploadBytes")).isEqualTo(5_000_000L);

            // The preview decides the sample job (256 MiB) under the edited policy and the new quota: refused.
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Preview sample job")).click();
            assertThat(page.locator("#preview")).containsText("Refused");
            assertThat(page.locator("#preview")).containsText("quota.");
            page.getByLabel("Sample job for the preview").fill("{\"image\": \"busybox\", \"command\": [\"true\"], \"resources\": {\"memoryMiB\": 64}}");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Preview sample job")).click();
            assertThat(page.locator("#preview")).containsText("Admitted");
            assertThat(page.locator("#preview")).containsText("tier.restricted");
            shoot(page, "04-tenant-detail");

            // Through the API, a job over the new quota is refused; one within it runs.
            String member = token("mia", List.of(TENANT), "tenant-member");
            given().auth().oauth2(member).contentType(ContentType.JSON)
                    .body(Map.of("image", "busybox", "command", List.of("true"), "resources", Map.of("memoryMiB", 256)))
                    .post("/api/v1/jobs").then().statusCode(422)
                    .body("violations.rule", org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.startsWith("quota.")));
            String job = given().auth().oauth2(member).contentType(ContentType.JSON)
                    .body(Map.of("image", "busybox", "command", List.of("sh", "-c", "echo hello from the console test"),
                            "resources", Map.of("memoryMiB", 64)))
                    .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
            JobPolling.awaitFinal(member, job, Duration.ofSeconds(60));

            // Jobs: filter by tenant and state, then the job with its security, decisions and output.
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Jobs").setExact(true)).click();
            page.getByLabel("Tenant").selectOption(TENANT);
            page.getByLabel("State").selectOption("SUCCEEDED");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(job))).isVisible();
            shoot(page, "05-jobs");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(job)).click();
            assertThat(page.locator("#log-tail")).containsText("hello from the console test");
            assertThat(page.locator("table.facts-table tr", new Page.LocatorOptions().setHasText("no_new_privileges")).locator("td")).hasText("yes");
            assertThat(page.locator("body")).containsText("tier.restricted");
            shoot(page, "06-job-detail");

            // Audit: the quota change, found by filters, with the chain verified.
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit").setExact(true)).click();
            page.getByLabel("Tenant").fill(TENANT);
            page.getByLabel("Action").fill("tenant.quota.update");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
            Locator rows = page.locator("table.audit > tbody > tr");
            assertThat(rows).hasCount(1);
            // The first quota stored for the tenant: every field is new, the defaults applied before.
            assertThat(rows.first()).containsText("First stored document");
            assertThat(rows.first().locator("table.change tr", new Locator.LocatorOptions().setHasText("memoryMiB")).locator("td.after"))
                    .hasText("128");
            assertThat(rows.first()).containsText("ada");
            assertThat(page.locator("#verification")).containsText("Intact");
            shoot(page, "07-audit");

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
            assertThat(page).hasURL(Pattern.compile(".*/console/login$"));
            page.navigate(url("/console/tenants"));
            assertThat(page).hasURL(Pattern.compile(".*/console/login$"));
        }

        // An auditor lands on the audit pages and sees no edit controls; the admin pages answer 403.
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, token("otto", List.of(), "auditor"));
            assertThat(page).hasURL(Pattern.compile(".*/console/audit$"));
            assertThat(page.locator("#verification")).containsText("Intact");
            assertThat(page.locator("form[method=post]")).hasCount(1);
            assertThat(page.locator("form[method=post] button")).hasText("Log out");
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Tenants").setExact(true))).hasCount(0);
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("Save|Create|Add|Remove")))).hasCount(0);
            shoot(page, "08-audit-as-auditor");
            Response tenantPage = page.navigate(url("/console/tenants/" + TENANT));
            assertThat(tenantPage.status()).isEqualTo(403);
            assertThat(page.locator("main")).containsText("for platform admins");
            assertThat(page.locator("form[method=post] button")).hasText("Log out");
        }

        // A tenant member lands on the own tenant's usage; the admin pages answer 403 and point to the tenant's own pages.
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, token("mia", List.of(TENANT), "tenant-member"));
            assertThat(page).hasURL(Pattern.compile(".*/console/my$"));
            Response tenantPage = page.navigate(url("/console/tenants/" + TENANT));
            assertThat(tenantPage.status()).isEqualTo(403);
            assertThat(page).hasTitle("Not for your role · Berth console");
            assertThat(page.locator("main")).containsText("My jobs");
            assertThat(page.locator("main")).containsText("tenant-member");
            shoot(page, "09-forbidden-tenant-member");
        }
    }

    @Test
    void aBadTokenIsRefusedOnTheLoginPage() {
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            page.getByLabel("Token").fill("not.a.token");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            assertThat(page.locator("#token-error")).containsText("not accepted");
            assertThat(page.getByLabel("Token")).hasAttribute("aria-invalid", "true");
            page.navigate(url("/console/"));
            assertThat(page).hasURL(Pattern.compile(".*/console/login$"));
        }
    }

    @Test
    void aFormWithoutTheCsrfTokenChangesNothing() {
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, token("ada", List.of(), "platform-admin"));
            given().auth().oauth2(token("ada", List.of(), "platform-admin")).contentType(ContentType.JSON)
                    .body(Map.of("id", "console-csrf")).post("/api/v1/admin/tenants").then().statusCode(201);
            long before = quotaOf("console-csrf").get("jobsPerHour");
            Map<String, String> fields = Map.of("concurrentJobs", "1", "cpuMillis", "1000", "memoryMiB", "64", "pids", "64",
                    "logBytes", "1024", "jobsPerHour", String.valueOf(before + 1));
            FormData forged = FormData.create();
            fields.forEach(forged::set);
            APIResponse refused = page.request().post(url("/console/tenants/console-csrf/quota"), RequestOptions.create().setForm(forged));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.text()).contains("nothing was changed");
            forged.set("_csrf", "forged-" + "x".repeat(37));
            assertThat(page.request().post(url("/console/tenants/console-csrf/quota"), RequestOptions.create().setForm(forged)).status())
                    .isEqualTo(403);
            assertThat(quotaOf("console-csrf").get("jobsPerHour")).isEqualTo(before);
        }
    }

    @Test
    void anAdminSeesTheImageCatalogAndABadReferenceIsExplainedNextToItsField() {
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, token("ada", List.of(), "platform-admin"));
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Images").setExact(true)).click();
            Locator busybox = page.locator("tbody tr", new Page.LocatorOptions().setHasText("busybox:latest"));
            assertThat(busybox).containsText("READY");
            assertThat(busybox).containsText("built-in");
            assertThat(busybox.getByRole(AriaRole.BUTTON)).hasCount(0);
            int before = given().auth().oauth2(token("ada", List.of(), "platform-admin")).get("/api/v1/admin/images")
                    .then().statusCode(200).extract().jsonPath().getList("id").size();

            page.getByLabel("Reference").fill("Not A Reference");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Pull image")).click();

            assertThat(page.locator("#image-ref-error")).containsText("not an image reference");
            assertThat(page.getByLabel("Reference")).hasValue("Not A Reference");
            assertThat(given().auth().oauth2(token("ada", List.of(), "platform-admin")).get("/api/v1/admin/images")
                    .then().statusCode(200).extract().jsonPath().getList("id")).hasSize(before);
            shoot(page, "11-images");
        }
    }

    @Test
    void aTenantMemberWalksThroughOwnUsageJobsAndAJobPage() throws Exception {
        String tenant = "console-t";
        createTenant(tenant);
        String member = token("tom", List.of(tenant), "tenant-member");
        Map<String, String> labels = Map.of("suite", "console");
        List<String> jobs = runToEnd(member,
                Map.of("image", "busybox", "command", List.of("sh", "-c", "echo first"), "labels", labels),
                Map.of("image", "busybox", "command", List.of("sh", "-c", "echo second"), "labels", labels),
                Map.of("image", "busybox", "command", List.of("sh", "-c", "echo failing on purpose; mkdir /tmp/out;"
                        + " printf 'report of the run\\n' > /tmp/out/report.txt; exit 3"), "labels", labels,
                        "artifacts", Map.of("paths", List.of("/tmp/out"), "when", "always")));
        long uploaded = given().auth().oauth2(member).contentType("application/x-tar").body(new Layer().file("data.csv", "a,b\n").bytes())
                .post("/api/v1/inputs").then().statusCode(201).extract().jsonPath().getLong("bytes");
        assertThat(uploaded).as("a one-file tar: header, content block and end-of-archive blocks").isEqualTo(2048);
        String stranger = token("ulf", List.of("console-u"), "tenant-member");
        String othersJob = submit(stranger, Map.of("image", "busybox", "command", List.of("true")));

        try (BrowserContext context = chromium.browser().newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1280, 900))) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, member);
            assertThat(page).hasURL(Pattern.compile(".*/console/my$"));
            assertThat(page).hasTitle("My usage · Berth console");
            assertThat(page.locator("header")).containsText("tenant " + tenant);
            assertCharts(page, 48, List.of(3, 2, 1, 0));
            // What the tenant stores beside what its jobs hold: the failed job's 18-byte report counts as artifact storage,
            // the uploaded tar as upload storage.
            assertThat(page.locator("dl.usage")).containsText("Registry storage");
            assertThat(page.locator("dd", new Page.LocatorOptions().setHas(page.locator("meter[aria-labelledby$='-artifacts']"))))
                    .containsText("18 bytes of 1.0 GiB");
            assertThat(page.locator("dl.usage dt[id$='-uploads']")).hasText("Upload storage");
            assertThat(page.locator("dd", new Page.LocatorOptions().setHas(page.locator("meter[aria-labelledby$='-uploads']"))))
                    .containsText("2.0 KiB of 10.0 GiB");
            assertReadable(page, "/console/my at 1280 px");
            shoot(page, "12-my-usage-hours");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Per day")).click();
            assertThat(page).hasURL(Pattern.compile(".*/console/my\\?period=day$"));
            assertCharts(page, 30, List.of(3, 2, 1, 0));
            page.locator("details.numbers summary").click();
            assertThat(page.locator("details.numbers tbody tr").first().locator("td[data-label=Started]")).hasText("3");
            assertReadable(page, "/console/my?period=day at 1280 px");
            shoot(page, "13-my-usage-days");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("My jobs").setExact(true)).click();
            assertThat(page.locator("table.rows > tbody > tr")).hasCount(3);
            page.getByLabel("State").selectOption("FAILED");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
            assertThat(page.locator("table.rows > tbody > tr")).hasCount(1);
            page.getByLabel("State").selectOption("");
            page.getByLabel("Label").fill("suite=console");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
            assertThat(page.locator("table.rows > tbody > tr")).hasCount(3);
            assertReadable(page, "/console/my/jobs at 1280 px");
            shoot(page, "14-my-jobs");
            page.getByLabel("Label").fill("no-equals-sign");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
            assertThat(page.locator("#filter-error")).containsText("key=value");
            assertThat(page.getByLabel("Label")).hasAttribute("aria-invalid", "true");

            Response jobPage = page.navigate(url("/console/my/jobs/" + jobs.get(2)));
            assertThat(jobPage.status()).isEqualTo(200);
            assertThat(page.locator("dl.facts")).containsText("FAILED");
            assertThat(page.locator("dl.facts")).containsText("3");
            Locator security = page.locator("table.facts-table");
            assertThat(security.locator("tr", new Locator.LocatorOptions().setHasText("no_new_privileges")).locator("td")).hasText("yes");
            assertThat(security.locator("tr", new Locator.LocatorOptions().setHasText("Capabilities")).locator("td")).hasText("none");
            assertThat(security.locator("tr", new Locator.LocatorOptions().setHasText("UID map")).locator("td")).containsText("→");
            assertThat(page.locator("table.rules")).containsText("tier.restricted");
            assertThat(page.locator("#log-tail")).containsText("failing on purpose");
            // The artifacts of the failed attempt, with size and digest; the name downloads the file.
            Locator artifact = page.locator("#artifacts tbody tr");
            assertThat(artifact).hasCount(1);
            assertThat(artifact.locator("td[data-label=Size]")).hasText("18 bytes");
            assertThat(artifact.locator("td[data-label=SHA-256]")).containsText("sha256:");
            Download download = page.waitForDownload(() -> artifact.getByRole(AriaRole.LINK).click());
            assertThat(download.suggestedFilename()).isEqualTo("report.txt");
            assertThat(Files.readString(download.path())).isEqualTo("report of the run\n");
            assertReadable(page, "a job page at 1280 px");
            shoot(page, "15-my-job");

            // Another tenant's job is missing here, as on the API; the admin pages are not for tenant roles.
            assertThat(page.navigate(url("/console/my/jobs/" + othersJob)).status()).isEqualTo(404);
            assertThat(page.navigate(url("/console/my/jobs/" + othersJob + "/log")).status()).isEqualTo(404);
            assertThat(page.navigate(url("/console/usage?tenant=" + tenant)).status()).isEqualTo(403);
            assertThat(page.navigate(url("/console/jobs/" + tenant + "/" + jobs.get(0))).status()).isEqualTo(403);
        }

        try (BrowserContext context = chromium.browser().newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(390, 844))) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, member);
            for (String path : List.of("/console/my", "/console/my?period=day", "/console/my/jobs", "/console/my/jobs/" + jobs.get(2))) {
                page.navigate(url(path));
                if (path.startsWith("/console/my?") || path.equals("/console/my")) {
                    assertCharts(page, path.endsWith("day") ? 30 : 48, List.of(3, 2, 1, 0));
                    page.locator("details.numbers summary").click();
                }
                assertReadable(page, path + " at 390 px");
            }
            page.navigate(url("/console/my"));
            shoot(page, "16-my-usage-narrow");
            page.navigate(url("/console/my/jobs/" + jobs.get(2)));
            assertThat(page.locator("#log-tail")).containsText("failing on purpose");
            shoot(page, "17-my-job-narrow");
            // Keyboard: the skip link first, then the navigation in reading order.
            page.keyboard().press("Tab");
            assertThat(page.locator(":focus")).hasText("Skip to content");
            page.keyboard().press("Tab");
            page.keyboard().press("Tab");
            assertThat(page.locator(":focus")).hasText("My jobs");
        }
    }

    @Test
    void anAdminReadsATenantsUsageEditsItsPolicyInAFormAndTheAuditShowsBeforeAndAfter() throws Exception {
        String tenant = "console-p";
        createTenant(tenant);
        String member = token("pia", List.of(tenant), "tenant-member");
        runToEnd(member, Map.of("image", "busybox", "command", List.of("sh", "-c", "echo fine")),
                Map.of("image", "busybox", "command", List.of("false")));
        String admin = token("ada", List.of(), "platform-admin");

        try (BrowserContext context = chromium.browser().newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1280, 900))) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, admin);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Usage").setExact(true)).click();
            page.getByLabel("Tenant", new Page.GetByLabelOptions().setExact(true)).selectOption(tenant);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
            assertThat(page.locator("h1")).hasText("Usage of " + tenant);
            assertCharts(page, 48, List.of(2, 1, 1, 0));
            assertReadable(page, "/console/usage at 1280 px");
            shoot(page, "18-admin-usage");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Per day")).click();
            assertCharts(page, 30, List.of(2, 1, 1, 0));

            // The policy form: values the validator refuses are explained next to their fields, and nothing is stored.
            page.navigate(url("/console/tenants/" + tenant));
            Object storedBefore = apiPolicy(tenant);
            page.getByLabel("Memory per job (MiB)").fill("99999999");
            page.getByLabel("Allowed images").fill("busybox\nNot An Image Pattern");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save policy").setExact(true)).click();
            assertThat(page.locator("#policy-maxResources-memoryMiB-error")).containsText("platform ceiling");
            assertThat(page.getByLabel("Memory per job (MiB)")).hasAttribute("aria-invalid", "true");
            assertThat(page.getByLabel("Memory per job (MiB)")).hasValue("99999999");
            assertThat(page.locator("#policy-allowedImages-error")).containsText("item 2 (Not An Image Pattern)");
            assertThat(page.getByLabel("Allowed images")).hasAttribute("aria-invalid", "true");
            // This platform grants no capability, so the form offers none.
            assertThat(page.locator("fieldset", new Page.LocatorOptions().setHasText("Capabilities a job may ask for"))).containsText("offers none");
            assertReadable(page, "the refused policy form at 1280 px");
            shoot(page, "19-policy-form-refused");
            assertThat(apiPolicy(tenant)).isEqualTo(storedBefore);

            page.getByLabel("Memory per job (MiB)").fill("128");
            page.getByLabel("Allowed images").fill("busybox");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save policy").setExact(true)).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the policy");
            page.getByLabel("Memory per job (MiB)").fill("96");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save policy").setExact(true)).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the policy");
            assertThat(page.getByLabel("Memory per job (MiB)")).hasValue("96");
            assertThat(given().auth().oauth2(admin).get("/api/v1/admin/tenants/" + tenant + "/policy").then().statusCode(200)
                    .extract().jsonPath().getInt("maxResources.memoryMiB")).isEqualTo(96);

            // The preview decides the sample job under the form as edited: refused over the maximum, a readable plan within it.
            page.getByLabel("Sample job for the preview").fill("{\"image\": \"busybox\", \"command\": [\"true\"], \"resources\": {\"memoryMiB\": 256}}");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Preview sample job").setExact(true)).click();
            assertThat(page.locator("#preview")).containsText("Refused");
            assertThat(page.locator("#preview table.rules")).containsText("resources.memoryMiB");
            assertReadable(page, "a refused preview at 1280 px");
            page.getByLabel("Sample job for the preview").fill("{\"image\": \"busybox\", \"command\": [\"true\"], \"resources\": {\"memoryMiB\": 64}}");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Preview sample job").setExact(true)).click();
            assertThat(page.locator("#preview")).containsText("Admitted");
            assertThat(page.locator("#preview table.facts-table tr", new Page.LocatorOptions().setHasText("Memory (no swap)")).locator("td"))
                    .hasText("64 MiB");
            assertReadable(page, "an admitted preview at 1280 px");
            shoot(page, "20-policy-form-preview");
            page.locator("details.advanced summary").click();
            assertThat(page.getByLabel("Policy document")).hasValue(Pattern.compile(".*\"memoryMiB\" : 96.*", Pattern.DOTALL));

            // The audit log shows each change of the policy as the fields it changed, before and after.
            page.navigate(url("/console/audit?tenant=" + tenant + "&action=tenant.policy.update"));
            Locator rows = page.locator("table.audit > tbody > tr");
            assertThat(rows).hasCount(2);
            Locator newest = rows.first().locator("table.change > tbody > tr");
            assertThat(newest).hasCount(1);
            assertThat(newest.locator("th")).hasText("maxResources.memoryMiB");
            assertThat(newest.locator("td.before")).hasText("128");
            assertThat(newest.locator("td.after")).hasText("96");
            assertThat(rows.nth(1)).containsText("First stored document");
            assertThat(rows.nth(1).locator("table.change tr", new Locator.LocatorOptions().setHasText("allowedImages")).locator("td.after"))
                    .hasText("busybox");
            assertReadable(page, "the audit page at 1280 px");
            shoot(page, "21-audit-before-after");
        }
    }

    @Test
    void adminPagesReadWellAt1280And390Pixels() throws Exception {
        String tenant = "console-n";
        createTenant(tenant);
        String member = token("nia", List.of(tenant), "tenant-member");
        String job = runToEnd(member, Map.of("image", "busybox", "command", List.of("sh", "-c", "echo narrow"))).getFirst();
        List<String> paths = List.of("/console/", "/console/tenants", "/console/tenants/" + tenant, "/console/jobs?tenant=" + tenant,
                "/console/jobs/" + tenant + "/" + job, "/console/usage?tenant=" + tenant, "/console/images", "/console/audit");
        for (int width : List.of(1280, 390)) {
            try (BrowserContext context = chromium.browser().newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                    .setViewportSize(width, 844))) {
                Page page = context.newPage();
                page.navigate(url("/console/login"));
                logIn(page, token("ada", List.of(), "platform-admin"));
                for (String path : paths) {
                    page.navigate(url(path));
                    if (path.startsWith("/console/jobs/")) {
                        assertThat(page.locator("#log-tail")).containsText("narrow");
                    }
                    assertReadable(page, path + " at " + width + " px");
                }
                if (width == 390) {
                    page.navigate(url("/console/"));
                    shoot(page, "10-overview-narrow");
                    page.navigate(url("/console/audit"));
                    shoot(page, "22-audit-narrow");
                    page.navigate(url("/console/tenants/" + tenant));
                    shoot(page, "23-tenant-narrow");
                    // Keyboard: the skip link is the first stop and moves focus to the content.
                    page.keyboard().press("Tab");
                    assertThat(page.locator(":focus")).hasText("Skip to content");
                }
            }
        }
    }

    /** The four charts drawn with their series, over {@code buckets} buckets, and the job series summing to {@code jobTotals}. */
    @SuppressWarnings("unchecked")
    private static void assertCharts(Page page, int buckets, List<Integer> jobTotals) {
        page.waitForFunction("() => window.berthCharts && Object.keys(window.berthCharts).length === 4");
        assertThat((List<String>) page.evaluate("Object.keys(berthCharts)")).containsExactly("cpu", "memory", "jobs", "wait");
        assertThat((List<String>) page.evaluate("berthCharts.jobs.series.slice(1).map(s => s.label)"))
                .containsExactly("Started", "Succeeded", "Failed", "Cancelled");
        assertThat((List<String>) page.evaluate("berthCharts.wait.series.slice(1).map(s => s.label)")).containsExactly("Mean wait s", "Max wait s");
        assertThat(((Number) page.evaluate("berthCharts.jobs.data[0].length")).intValue()).isEqualTo(buckets);
        List<Number> totals = (List<Number>) page.evaluate("berthCharts.jobs.data.slice(1).map(d => d.reduce((a, b) => a + b, 0))");
        assertThat(totals.stream().map(Number::intValue).toList()).isEqualTo(jobTotals);
        assertThat(((Number) page.evaluate("berthCharts.cpu.data[1].reduce((a, b) => a + b, 0)")).doubleValue()).isPositive();
        assertThat(((Number) page.evaluate("Math.max(...berthCharts.memory.data[1])")).doubleValue()).isPositive();
        for (String chart : List.of("cpu", "memory", "jobs", "wait")) {
            Locator canvas = page.locator("#chart-" + chart + " canvas");
            assertThat(canvas).isVisible();
            assertThat(canvas.boundingBox().width).as("width of the %s chart", chart).isGreaterThan(200);
        }
    }

    private static void assertReadable(Page page, String what) {
        assertThat(PageLayout.problems(page)).as("layout of %s", what).isEmpty();
    }

    private void createTenant(String tenant) {
        given().auth().oauth2(token("ada", List.of(), "platform-admin")).contentType(ContentType.JSON).body(Map.of("id", tenant))
                .post("/api/v1/admin/tenants").then().statusCode(201);
    }

    /** Submits the jobs and waits until each has ended; their IDs in order. */
    @SafeVarargs
    private static List<String> runToEnd(String token, Map<String, Object>... jobs) throws InterruptedException {
        List<String> ids = Arrays.stream(jobs).map(job -> submit(token, job)).toList();
        for (String id : ids) {
            JobPolling.awaitFinal(token, id, Duration.ofSeconds(60));
        }
        return ids;
    }

    private static String submit(String token, Map<String, Object> job) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(job).post("/api/v1/jobs").then().statusCode(201).extract().path("id");
    }

    private Object apiPolicy(String tenant) {
        return given().auth().oauth2(token("ada", List.of(), "platform-admin")).get("/api/v1/admin/tenants/" + tenant + "/policy")
                .then().statusCode(200).extract().jsonPath().get("");
    }

    private void logIn(Page page, String token) {
        page.getByLabel("Token").fill(token);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    }

    private Map<String, Long> apiQuota() {
        return quotaOf(TENANT);
    }

    /** As longs: byte quotas (registryBytes) pass the int range. */
    private Map<String, Long> quotaOf(String tenant) {
        return given().auth().oauth2(token("ada", List.of(), "platform-admin")).get("/api/v1/admin/tenants/" + tenant + "/quota")
                .then().statusCode(200).extract().jsonPath().getMap("", String.class, Long.class);
    }

    private String token(String user, List<String> organizations, String... roles) {
        return EmbeddedPlatformResource.token(dataDir, user, organizations, roles);
    }

    private String url(String path) {
        return root.toString().replaceAll("/$", "") + path;
    }

    private static void shoot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
