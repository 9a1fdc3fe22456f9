package dev.berth.api.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the tests do to the real Keycloak behind Berth's back: create users with realm roles, log
 * them in (password grant of the berth-cli client), and look at organizations directly.
 */
public final class KeycloakRealmClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    public KeycloakRealmClient(KeycloakServer server) {
        this.server = server;
    }

    public static String password(String username) {
        return "pw-" + username;
    }

    /** Creates the user (with password {@link #password}) unless it exists, and grants the realm roles. */
    public String createUser(String username, String... realmRoles) {
        String admin = masterAdminToken();
        Map<String, Object> user = Map.of("username", username, "enabled", true, "email", username + "@example.test",
                "emailVerified", true, "firstName", username, "lastName", "Test",
                "credentials", List.of(Map.of("type", "password", "value", password(username), "temporary", false)));
        HttpResponse<String> created = send(admin, "POST", "/admin/realms/berth/users", user);
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("creating user " + username + ": " + created.statusCode() + " " + created.body());
        }
        String id = userId(username);
        List<JsonNode> roles = new ArrayList<>();
        for (String role : realmRoles) {
            roles.add(json(expect(send(admin, "GET", "/admin/realms/berth/roles/" + role, null), 200)));
        }
        if (!roles.isEmpty()) {
            expect(send(admin, "POST", "/admin/realms/berth/users/" + id + "/role-mappings/realm", roles), 204);
        }
        return id;
    }

    public String userId(String username) {
        JsonNode users = json(expect(send(masterAdminToken(), "GET",
                "/admin/realms/berth/users?exact=true&username=" + encode(username), null), 200));
        if (users.isEmpty()) {
            throw new IllegalStateException("no user " + username);
        }
        return users.get(0).get("id").asText();
    }

    /** An access token for the user, from the given client of the berth realm. */
    public String token(String client, String username) {
        return login(server.realmUrl(), client, username, password(username));
    }

    public String token(String username) {
        return token("berth-cli", username);
    }

    public String masterAdminToken() {
        return login(server.baseUrl() + "/realms/master", "admin-cli", "admin", server.adminPassword());
    }

    public Optional<JsonNode> organization(String alias) {
        // Keycloak's search matches names and domains, not aliases: look through them all.
        JsonNode found = json(expect(send(masterAdminToken(), "GET", "/admin/realms/berth/organizations?first=0&max=10000", null), 200));
        for (JsonNode organization : found) {
            if (organization.get("alias").asText().equals(alias)) {
                return Optional.of(organization);
            }
        }
        return Optional.empty();
    }

    public String createOrganization(String alias) {
        HttpResponse<String> response = expect(send(masterAdminToken(), "POST", "/admin/realms/berth/organizations",
                Map.of("alias", alias, "name", alias, "enabled", true)), 201);
        String location = response.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    public List<String> memberNames(String organizationId) {
        JsonNode members = json(expect(send(masterAdminToken(), "GET",
                "/admin/realms/berth/organizations/" + organizationId + "/members", null), 200));
        List<String> names = new ArrayList<>();
        members.forEach(member -> names.add(member.get("username").asText()));
        return names;
    }

    /** Makes sure the user is a member; already being one is fine. */
    public void ensureMember(String organizationId, String username) {
        HttpResponse<String> response = sendRaw(masterAdminToken(), "POST", "/admin/realms/berth/organizations/" + organizationId + "/members",
                JSON.valueToTree(userId(username)).toString());
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new IllegalStateException("adding " + username + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Makes sure the user is not a member; not being one is fine. */
    public void ensureNotMember(String organizationId, String username) {
        HttpResponse<String> response = send(masterAdminToken(), "DELETE",
                "/admin/realms/berth/organizations/" + organizationId + "/members/" + userId(username), null);
        if (response.statusCode() != 204 && response.statusCode() != 404) {
            throw new IllegalStateException("removing " + username + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** The token's claims, decoded without checking the signature (the platform does that). */
    public static JsonNode claims(String token) {
        String payload = token.split("\\.")[1];
        return json(new String(java.util.Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    private String login(String realmUrl, String client, String username, String password) {
        String form = Map.of("grant_type", "password", "client_id", client, "username", username, "password", password, "scope", "openid")
                .entrySet().stream().map(e -> e.getKey() + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return json(expect(exchange(request), 200)).get("access_token").asText();
    }

    private HttpResponse<String> send(String token, String method, String path, Object body) {
        try {
            return sendRaw(token, method, path, body == null ? null : JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> sendRaw(String token, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return exchange(request.build());
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak did not answer " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered " + response.statusCode()
                    + " instead of " + status + ": " + response.body());
        }
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
