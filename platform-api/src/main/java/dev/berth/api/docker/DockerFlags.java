package dev.berth.api.docker;

/** Docker's boolean query parameters: {@code 1}, {@code true} or {@code True} are on. */
final class DockerFlags {

    private DockerFlags() {
    }

    static boolean on(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
    }
}
