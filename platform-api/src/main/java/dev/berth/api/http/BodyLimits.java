package dev.berth.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.config.DataConfig;
import dev.berth.api.images.ImageAdminResource;
import dev.berth.api.inputs.InputResource;
import dev.berth.api.problems.Problem;
import dev.berth.api.problems.ProblemType;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Two kinds of request body, two kinds of limit. Quarkus has one limit for every route
 * ({@code quarkus.http.limits.max-body-size}); Berth sets it above every streaming cap so that it
 * never decides, and bounds bodies here instead, before any of its code runs: ordinary bodies (JSON)
 * by {@code berth.http.max-body-bytes}, refused with a problem document; the routes that stream
 * their body to disk (input uploads, image imports) pass, and count their bytes against caps of
 * their own as they store them, so a large import never widens what a JSON route accepts.
 */
@ApplicationScoped
public class BodyLimits {

    /** The POST routes whose bodies are streamed to storage under caps of their own. */
    private static final Set<String> STREAMED = Set.of(InputResource.PATH, ImageAdminResource.IMPORT_PATH);

    @Inject
    BerthConfig config;
    @Inject
    DataConfig data;
    @Inject
    ObjectMapper mapper;
    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize quarkusLimit;

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1).handler(this::limit);
    }

    void checkCeilings(@Observes StartupEvent started) {
        long ceiling = quarkusLimit.asLongValue();
        long largest = Math.max(data.maxUploadBytes(), config.images().maxImageBytes());
        if (largest > ceiling) {
            throw new IllegalStateException("berth.data.max-upload-bytes or berth.images.max-image-bytes (" + largest
                    + " bytes) is above quarkus.http.limits.max-body-size (" + ceiling + " bytes), which would refuse such bodies first:"
                    + " raise quarkus.http.limits.max-body-size above both (ordinary routes stay bounded by berth.http.max-body-bytes)");
        }
    }

    private void limit(RoutingContext context) {
        if (context.request().method() == HttpMethod.POST && STREAMED.contains(context.normalizedPath())) {
            // Quarkus' limit for a chunked body would cut the stream; the route's own cap counts it.
            context.remove(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY);
            context.next();
            return;
        }
        long max = config.http().maxBodyBytes();
        String length = context.request().getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            context.put(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY, max);
        } else if (Long.parseLong(length.trim()) > max) {
            refuse(context, "the body is " + length.trim() + " bytes, more than this route accepts (berth.http.max-body-bytes, " + max
                    + " bytes); input files beyond that go through POST " + InputResource.PATH + " as a tar");
            return;
        }
        context.next();
    }

    private void refuse(RoutingContext context, String detail) {
        String body;
        try {
            body = mapper.writeValueAsString(Problem.of(ProblemType.BODY_TOO_LARGE, detail));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem document always serializes", e);
        }
        // The body is left unread: the connection closes after the answer, as Quarkus' own refusal does.
        context.response().setStatusCode(ProblemType.BODY_TOO_LARGE.status())
                .putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaderNames.CONNECTION, "close")
                .endHandler(ended -> context.request().connection().close())
                .end(body);
    }
}
