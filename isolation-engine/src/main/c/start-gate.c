/*
 * The start gate: holds the container after its namespaces, ID maps, cgroup, limits and mounts are
 * in place but before the job's program runs, until the engine has checked them in the kernel.
 *
 * It runs as part of the last createContainer hook, so one static process does what a separate
 * /bin/sh hook did (that shell's fork, exec and dynamic loading were most of the engine's extra start
 * time). crun runs createContainer hooks from the container process and reports pid 0 in their
 * state, so the gate sends "HOOK_PID CONTAINER_PID\n", read from the host's /proc, which is still
 * mounted before the pivot: the engine reads the container's maps, cgroup and limits from the
 * container pid and, in network mode egress, opens the namespaces of the hook (freshly executed,
 * so dumpable, where the container process is not).
 *
 * It fails closed. The engine holds both FIFOs open for reading and writing. With no engine on the
 * state FIFO the open fails at once (ENXIO); with none on the verdict FIFO the read ends (EOF); an
 * answer other than exactly "go" refuses; and a hung engine is ended by the hook's timeout.
 */
#define _GNU_SOURCE
#include "start-gate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GO "go\n"

static void refuse(const char *what, const char *fix)
{
  fprintf(stderr, "berth start gate: %s: %s (%s)\n", what, errno ? strerror(errno) : "refused", fix);
  exit(1);
}

/* Opens a FIFO without waiting for the other end, then makes its reads and writes blocking. */
static int open_fifo(const char *path, int mode)
{
  int fd = open(path, mode | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 || fcntl(fd, F_SETFL, 0) < 0)
    refuse(path, "the engine must be running and hold the job's gate FIFOs open");
  return fd;
}

/* The hook's own pid and its parent's (the container process), as the host's /proc numbers them. */
static void host_pids(long *self, long *parent)
{
  char stat[512];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ssize_t length = fd < 0 ? -1 : read(fd, stat, sizeof stat - 1);
  if (length <= 0)
    refuse("cannot read /proc/self/stat", "the gate must run as a createContainer hook, before the pivot");
  close(fd);
  stat[length] = '\0';
  /* The command name in parentheses may hold spaces: the fields after it start at the last ')'. */
  char *after = strrchr(stat, ')');
  char state;
  if (sscanf(stat, "%ld", self) != 1 || !after || sscanf(after + 1, " %c %ld", &state, parent) != 2)
    {
      errno = EINVAL;
      refuse("cannot parse /proc/self/stat", "the gate must run on Linux with procfs");
    }
}

void start_gate(const char *state_fifo, const char *verdict_fifo)
{
  long self, parent;
  host_pids(&self, &parent);
  int state = open_fifo(state_fifo, O_WRONLY);
  int verdict = open_fifo(verdict_fifo, O_RDONLY);
  char line[64];
  int length = snprintf(line, sizeof line, "%ld %ld\n", self, parent);
  if (write(state, line, length) != length)
    refuse("cannot hand the container's pids to the engine", "the engine must be running");
  close(state);

  /* At most the three bytes of "go\n" are read; fewer if the engine's end closes first. */
  char answer[sizeof GO];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof answer - 1 && (n = read(verdict, answer + got, sizeof answer - 1 - got)) != 0)
    {
      if (n < 0 && errno != EINTR)
        refuse("cannot read the engine's verdict", "the engine must be running");
      if (n > 0)
        got += n;
    }
  close(verdict);
  answer[got] = '\0';
  errno = 0;
  if (strcmp(answer, GO) != 0)
    refuse("the engine did not let the container start", "the job's report from the engine says why");
}
