package dev.berth.api.docker;

/** Ends a Docker API request with Docker's error document, {@code {"message": …}}, which the docker CLI prints. */
public class DockerException extends RuntimeException {

    private final int status;

    public DockerException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
