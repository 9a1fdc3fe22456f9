package dev.berth.api.console;

/** A console page about something that does not exist (a mistyped tenant, a job of another tenant). */
public class ConsoleNotFound extends RuntimeException {

    public ConsoleNotFound(String what) {
        super(what);
    }
}
