#ifndef BERTH_START_GATE_H
#define BERTH_START_GATE_H

/*
 * The hook's end of the start gate (see start-gate.c). Returns only if the engine answered "go";
 * any other answer, or none, ends the hook with status 1, and the runtime aborts the container.
 */
void start_gate(const char *state_fifo, const char *verdict_fifo);

#endif
