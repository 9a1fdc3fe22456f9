package dev.berth.api.docker;

import dev.berth.api.auth.CallerTenant;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * {@code POST /docker/…/containers/{id}/attach}: Docker hijacks the HTTP connection ({@code Upgrade:
 * tcp}) and reads the container's output from it in multiplexed frames; Quarkus REST cannot hand a
 * connection over, so this is a Vert.x route. The caller is the identity Quarkus' OIDC
 * authentication established for the request, with the tenant and roles read exactly as on the
 * REST API.
 */
@ApplicationScoped
public class DockerAttach {

    private static final Logger LOG = Logger.getLogger(DockerAttach.class);
    private static final byte[] UPGRADED = ("HTTP/1.1 101 UPGRADED\r\nContent-Type: " + DockerFrames.MEDIA_TYPE
            + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final Pattern PATH = Pattern.compile("/docker(?:/v[0-9]+\\.[0-9]+)?/containers/([^/]+)/attach");

    @Inject
    DockerContainers containers;
    @Inject
    DockerLogs logs;

    void install(@Observes Router router) {
        router.routeWithRegex(HttpMethod.POST, PATH.pattern()).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::attach);
    }

    private void attach(RoutingContext http) {
        Matcher path = PATH.matcher(http.normalizedPath());
        if (!path.matches()) {
            http.next();
            return;
        }
        String reference = path.group(1);
        boolean stdout = DockerFlags.on(http.queryParams().get("stdout"));
        boolean stderr = DockerFlags.on(http.queryParams().get("stderr"));
        if (DockerFlags.on(http.queryParams().get("stdin"))) {
            reply(http, 400, "attaching stdin is not offered: give the job its stdin with POST /api/v1/jobs (\"stdin\"), or attach without it");
            return;
        }
        QuarkusHttpUser.getSecurityIdentity(http, null).subscribe().with(identity -> {
            String refusal = refusal(identity);
            if (refusal != null) {
                reply(http, identity == null || identity.isAnonymous() ? 401 : 403, refusal);
                return;
            }
            String tenant = CallerTenant.organizationsOf((JsonWebToken) identity.getPrincipal()).getFirst();
            http.vertx().executeBlocking(() -> containers.find(tenant, reference), false).onComplete(found -> {
                if (found.failed()) {
                    Throwable cause = found.cause() instanceof CompletionException wrapped ? wrapped.getCause() : found.cause();
                    if (cause instanceof DockerException docker) {
                        reply(http, docker.status(), docker.getMessage());
                    } else {
                        LOG.error("cannot attach to container " + reference, cause);
                        reply(http, 500, "the platform failed; its log has the cause");
                    }
                    return;
                }
                if (!(http.request().connection() instanceof ConnectionBase connection)) {
                    reply(http, 500, "this connection cannot be taken over for attach");
                    return;
                }
                // The CLI closes its sending half at once when it attaches no stdin; the connection must stay open for the output.
                connection.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                stream(http, new Hijacked(connection.channel().pipeline().firstContext()), found.result(), stdout, stderr);
            });
        }, failure -> reply(http, 401, DockerErrors.UNAUTHENTICATED));
    }

    /** Why the caller may not attach (the same roles and single tenant as every tenant route), or null. */
    private static String refusal(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return DockerErrors.UNAUTHENTICATED;
        }
        if (!identity.hasRole("tenant-member") && !identity.hasRole("tenant-admin")) {
            return "your roles do not allow this request: the Docker API is for tenant-member and tenant-admin tokens";
        }
        List<String> organizations = identity.getPrincipal() instanceof JsonWebToken token ? CallerTenant.organizationsOf(token) : List.of();
        if (organizations.size() != 1) {
            return "tenant routes need a token with exactly one organization, this one has " + organizations.size();
        }
        return null;
    }

    private void stream(RoutingContext http, Hijacked connection, DockerContainer container, boolean stdout, boolean stderr) {
        http.vertx().executeBlocking(() -> {
            connection.write(UPGRADED);
            logs.attach(container, stdout, stderr, connection);
            return null;
        }, false).onComplete(done -> {
            if (done.failed() && done.cause() instanceof IOException left) {
                LOG.debugf("attach to %s ended: %s", container.name, left.getMessage());
            } else if (done.failed()) {
                LOG.warn("attach to " + container.name + " failed", done.cause());
            }
            connection.close();
        });
    }

    private static void reply(RoutingContext http, int status, String message) {
        http.response().setStatusCode(status).putHeader("Content-Type", MediaType.APPLICATION_JSON)
                .end(new io.vertx.core.json.JsonObject(Map.of("message", message)).encode());
    }

    /**
     * The connection after Docker's upgrade: bytes go to the socket beneath the HTTP codec (Vert.x
     * upgrades only GET requests, Docker's attach is a POST), one write at a time, each awaited, so
     * a slow client slows the log reader instead of filling memory.
     */
    private static final class Hijacked extends OutputStream {

        private final ChannelHandlerContext socket;

        Hijacked(ChannelHandlerContext socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            ChannelFuture written = socket.writeAndFlush(Unpooled.copiedBuffer(bytes, offset, length)).awaitUninterruptibly();
            if (!written.isSuccess()) {
                throw new IOException("the client left: " + written.cause().getMessage(), written.cause());
            }
        }

        @Override
        public void close() {
            socket.channel().close();
        }
    }
}
