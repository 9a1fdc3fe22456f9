package dev.berth.engine;

import dev.berth.engine.spec.StartGateGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The engine's end of the start gate hook. Both FIFOs are opened read-write, which on Linux never
 * blocks, so neither side can hang the other: if the runtime dies before the hook runs, the
 * engine writes an empty line to itself and stops waiting. That wake-up goes through a channel of
 * its own, because a FileChannel serialises reads and writes, and the read is the one blocked.
 */
final class StartGate implements AutoCloseable {

    private final FileChannel state;
    private final FileChannel wakeUp;
    private final FileChannel verdict;
    private final BufferedReader stateLines;

    private StartGate(FileChannel state, FileChannel wakeUp, FileChannel verdict) {
        this.state = state;
        this.wakeUp = wakeUp;
        this.verdict = verdict;
        this.stateLines = new BufferedReader(new InputStreamReader(Channels.newInputStream(state), StandardCharsets.UTF_8));
    }

    /** Opens the engine's ends of two FIFOs that already exist (see {@link FifoPool}). */
    static StartGate open(Path stateFifo, Path verdictFifo) throws IOException {
        FileChannel state = FileChannel.open(stateFifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new StartGate(state,
                FileChannel.open(stateFifo, StandardOpenOption.WRITE),
                FileChannel.open(verdictFifo, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** Waits for the hook's container state, or for the runtime to exit without reaching the hook. */
    Optional<String> awaitState(Process runtime) throws IOException {
        runtime.onExit().thenRun(this::wakeUpReader);
        String line = stateLines.readLine();
        return line == null || line.isBlank() ? Optional.empty() : Optional.of(line);
    }

    private void wakeUpReader() {
        try {
            wakeUp.write(ByteBuffer.wrap("\n".getBytes(StandardCharsets.UTF_8)));
        } catch (IOException ignored) {
            // The gate is already closed: nobody is waiting any more.
        }
    }

    void open() throws IOException {
        send(StartGateGenerator.GO);
    }

    void refuse() throws IOException {
        send("refused");
    }

    private void send(String word) throws IOException {
        verdict.write(ByteBuffer.wrap((word + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() throws IOException {
        try (state; wakeUp; verdict) {
            stateLines.close();
        }
    }
}
