package dev.berth.api.console.session;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Double-submit CSRF tokens for the console: every console response carries a random token in an
 * HttpOnly, SameSite=Strict cookie, every form repeats it in a hidden {@code _csrf} field, and
 * {@link CsrfCheck} refuses a state-changing request whose two copies differ. Another site can
 * make a browser send the cookie but cannot read it to fill in the field.
 */
@ApplicationScoped
public class CsrfProtection {

    public static final String COOKIE = "berth_csrf";
    public static final String FIELD = "_csrf";
    private static final String KEY = "berth.console.csrf";
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    void install(@Observes Router router) {
        router.routeWithRegex("/console(/.*)?").order(Integer.MIN_VALUE + 100).handler(CsrfProtection::ensureCookie);
    }

    private static void ensureCookie(RoutingContext routing) {
        Cookie cookie = routing.request().getCookie(COOKIE);
        String token = cookie != null && WELL_FORMED.matcher(cookie.getValue()).matches() ? cookie.getValue() : null;
        if (token == null) {
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            routing.response().addCookie(Cookie.cookie(COOKIE, token).setPath("/console").setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setSecure(routing.request().isSSL()));
        }
        routing.put(KEY, token);
        routing.next();
    }

    /** The token this request's forms must carry. */
    static String token(RoutingContext routing) {
        return routing.get(KEY);
    }
}
