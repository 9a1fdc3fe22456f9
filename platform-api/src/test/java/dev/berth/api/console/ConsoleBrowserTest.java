package dev.berth.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import dev.berth.api.EmbeddedPlatformResource;
import dev.berth.api.JobPolling;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * their roles allow. Each page is kept as a screenshot under target/console-screenshots.
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

            page.getByLabel("Memory (MiB)").fill("128");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save quota")).click();
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Saved the quota");
            assertThat(page.getByLabel("Memory (MiB)")).hasValue("128");
            assertThat(apiQuota().get("memoryMiB")).isEqualTo(128L);

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
            assertThat(page.locator("body")).containsText("noNewPrivileges");
            assertThat(page.locator("body")).containsText("tier.restricted");
            shoot(page, "06-job-detail");

            // Audit: the quota change, found by filters, with the chain verified.
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit").setExact(true)).click();
            page.getByLabel("Tenant").fill(TENANT);
            page.getByLabel("Action").fill("tenant.quota.update");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
            Locator rows = page.locator("tbody tr");
            assertThat(rows).hasCount(1);
            assertThat(rows.first()).containsText("\"memoryMiB\":128");
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

        // A tenant member gets a 403 page that points to the API.
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, token("mia", List.of(TENANT), "tenant-member"));
            assertThat(page).hasTitle("Not for your role · Berth console");
            assertThat(page.locator("main")).containsText("/api/v1/jobs");
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
    void pagesFitANarrowWindow() {
        try (BrowserContext context = chromium.browser().newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(390, 844))) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            logIn(page, token("ada", List.of(), "platform-admin"));
            for (String path : List.of("/console/", "/console/tenants", "/console/jobs", "/console/images", "/console/audit")) {
                page.navigate(url(path));
                Object overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
                Object widest = page.evaluate("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth)"
                        + ".map(e => e.tagName + '.' + e.className).slice(0, 5).join(' ')");
                assertThat(((Number) overflow).intValue()).as("horizontal overflow of %s at 390 px, by %s", path, widest).isLessThanOrEqualTo(0);
            }
            page.navigate(url("/console/"));
            shoot(page, "10-overview-narrow");
            // Keyboard: the skip link is the first stop and moves focus to the content.
            page.keyboard().press("Tab");
            assertThat(page.locator(":focus")).hasText("Skip to content");
        }
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
