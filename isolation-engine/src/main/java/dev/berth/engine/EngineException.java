package dev.berth.engine;

/** The engine could not do what was asked; the message names the cause and the fix. */
public class EngineException extends RuntimeException {

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
