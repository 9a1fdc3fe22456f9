package dev.berth.api.identity;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's way through the console's authorization-code flow: redirected to Keycloak, fills in
 * the login form, and is redirected back with a code that the platform exchanges for a session.
 * Redirects are followed by hand so each hop can be checked.
 */
final class ConsoleLogin {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new LoopbackCookieJar())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    /**
     * Logs in on Keycloak's form at {@code loginPage}; answers the redirect back to the platform.
     * With Organizations on, Keycloak asks for the username first and the password on a second page.
     */
    HttpResponse<String> submitLogin(URI loginPage, String username, String password) {
        HttpResponse<String> page = get(loginPage);
        for (int step = 0; step < 3 && page.statusCode() == 200; step++) {
            Matcher action = FORM_ACTION.matcher(page.body());
            if (!action.find()) {
                throw new AssertionError("no Keycloak login form at " + page.uri() + ": " + page.body());
            }
            StringBuilder form = new StringBuilder();
            if (page.body().contains("name=\"username\"")) {
                form.append("username=").append(encode(username)).append('&');
            }
            if (page.body().contains("name=\"password\"")) {
                form.append("password=").append(encode(password)).append("&credentialId=&");
            }
            page = send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build());
        }
        return page;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return browser.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Browsers treat 127.0.0.1 as a secure context, and Keycloak marks its cookies Secure there;
     * java.net.CookieManager never sends those over http. Both servers share the one loopback host,
     * so the jar keeps cookies by name, as a browser would for that host.
     */
    private static final class LoopbackCookieJar extends CookieHandler {

        private final Map<String, String> cookies = new LinkedHashMap<>();

        @Override
        public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
            if (cookies.isEmpty()) {
                return Map.of();
            }
            return Map.of("Cookie", List.of(cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "))));
        }

        @Override
        public synchronized void put(URI uri, Map<String, List<String>> responseHeaders) {
            for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
                if (header.getKey() == null || !header.getKey().equalsIgnoreCase("Set-Cookie")) {
                    continue;
                }
                for (String value : header.getValue()) {
                    for (HttpCookie cookie : HttpCookie.parse(value)) {
                        if (cookie.hasExpired()) {
                            cookies.remove(cookie.getName());
                        } else {
                            cookies.put(cookie.getName(), cookie.getValue());
                        }
                    }
                }
            }
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
