package dev.berth.api.docker;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Docker's error document: the CLI decodes {@code message} from an {@code application/json} body and prints it. */
final class DockerErrors {

    static final String UNAUTHENTICATED = "Berth needs a bearer token: put {\"HttpHeaders\": {\"Authorization\": \"Bearer <token>\"}} in"
            + " ~/.docker/config.json (./berth token --tenant <tenant> --roles tenant-member prints one for the embedded issuer)";

    private DockerErrors() {
    }

    static Response response(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("message", message)).build();
    }
}
