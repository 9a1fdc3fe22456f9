package dev.berth.engine;

/** A promised limit cannot be put in force on this host, so the job must not run. */
public class EnforcementException extends EngineException {

    public EnforcementException(String message, Throwable cause) {
        super(message, cause);
    }
}
