package dev.berth.api.console.session;

/** Nobody is signed in (embedded issuer): the browser is sent to the login page. */
public class ConsoleLoginRequired extends RuntimeException {

    public ConsoleLoginRequired() {
        super("sign in to use the console");
    }
}
