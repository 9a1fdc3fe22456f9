package dev.berth.api.console;

import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A rendered console page as a response: every page is UTF-8 HTML with the status the request earned. */
public final class ConsolePages {

    private ConsolePages() {
    }

    public static Response html(int status, TemplateInstance page) {
        return html(status, page.render());
    }

    public static Response html(int status, String body) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(body).build();
    }
}
