/*
 * berth-overlay-root: an OCI createContainer hook that replaces the job's root, a bind mount of the
 * shared image directory, with a read-only kernel overlay of the same directory, so that nothing in
 * the job's /proc/self/mountinfo names a host path.
 *
 * Why: a bind mount shows as its root field the path of its source inside the source's file system
 * (/var/lib/berth/images/rootfs/<digest>, say), and its source field names the host's block device;
 * only a mount with a superblock of its own shows "/". crun 1.8.1 always bind-mounts root.path and
 * cannot mount over "/" (crun 1.22 can), so the overlay is put in place here: createContainer hooks
 * run inside the container's mount namespace, after the runtime made every mount and applied the
 * masked and read-only paths, and before it pivots into the root.
 *
 * Usage: berth-overlay-root BUNDLE ROOTFS [STATE_FIFO VERDICT_FIFO]
 *   BUNDLE  the job's private bundle directory; the overlay is staged there
 *   ROOTFS  the image directory the runtime mounted as the root (the spec's root.path)
 *   STATE_FIFO VERDICT_FIFO  the job's start gate (start-gate.c): once the root is in place, the
 *           hook waits there for the engine's verdict. The engine always passes them; the
 *           benchmark's bare runtime baseline leaves them out. Being the one createContainer hook
 *           that mounts the root and holds the gate saves a second hook process per start.
 *
 * In BUNDLE it creates image (a symlink to ROOTFS), empty (a directory) and root (the staging mount
 * point), and mounts "lowerdir=image:empty" at root. mountinfo shows an overlay's options as they
 * were given, and relative names reveal nothing; the empty second layer is there because overlayfs
 * refuses a single lower layer without an upper one. Every mount the runtime placed directly on
 * ROOTFS is then moved, with everything mounted beneath it, to the same place in the overlay, and
 * the overlay is moved onto ROOTFS, where the runtime's pivot_root finds it. The bind it covers
 * stays behind in the old root, which the pivot detaches.
 */
#define _GNU_SOURCE
#include "start-gate.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGING "root"

static void fail(const char *what, const char *path, const char *fix)
{
  fprintf(stderr, "berth-overlay-root: %s %s: %s (%s)\n", what, path, strerror(errno), fix);
  exit(1);
}

/* The runtime writes the container state to stdin; reading it all means its write never fails. */
static void drain_stdin(void)
{
  char buffer[4096];
  while (read(STDIN_FILENO, buffer, sizeof buffer) > 0)
    ;
}

/* mountinfo writes space, tab, newline and backslash in paths as \ooo octal escapes. */
static void unescape(char *path)
{
  char *out = path;
  for (char *in = path; *in; out++)
    {
      if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7')
        {
          *out = (char) ((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
          in += 4;
        }
      else
        *out = *in++;
    }
  *out = '\0';
}

struct mount_entry
{
  long id;
  long parent;
  char *point;
};

/* Fields 1, 2 and 5 of a mountinfo line: mount ID, parent ID, mount point. */
static int parse(char *line, struct mount_entry *entry)
{
  char *save = NULL;
  char *fields[5];
  for (int i = 0; i < 5; i++)
    if (!(fields[i] = strtok_r(i == 0 ? line : NULL, " ", &save)))
      return -1;
  entry->id = strtol(fields[0], NULL, 10);
  entry->parent = strtol(fields[1], NULL, 10);
  unescape(fields[4]);
  entry->point = strdup(fields[4]);
  return entry->point ? 0 : -1;
}

/* The mount points of the mounts placed directly on the root mount, in the order they were made. */
static char **children_of(const char *rootfs, size_t *count)
{
  FILE *mountinfo = fopen("/proc/self/mountinfo", "re");
  if (!mountinfo)
    fail("cannot read", "/proc/self/mountinfo", "the hook must run in the container's mount namespace, as a createContainer hook");
  struct mount_entry *entries = NULL;
  size_t used = 0, capacity = 0;
  long root = -1;
  char *line = NULL;
  size_t size = 0;
  while (getline(&line, &size, mountinfo) > 0)
    {
      if (used == capacity && !(entries = reallocarray(entries, capacity = capacity * 2 + 64, sizeof *entries)))
        fail("out of memory reading", "/proc/self/mountinfo", "free memory on the host");
      if (parse(line, &entries[used]) < 0)
        continue;
      /* mountinfo lists mounts in the order they were made: the last one at the path is on top. */
      if (strcmp(entries[used].point, rootfs) == 0)
        root = entries[used].id;
      used++;
    }
  free(line);
  fclose(mountinfo);
  if (root < 0)
    {
      errno = ENOENT;
      fail("the runtime mounted no root filesystem at", rootfs, "the hook's second argument must be the spec's root.path");
    }
  char **children = calloc(used + 1, sizeof *children);
  if (!children)
    fail("out of memory reading", "/proc/self/mountinfo", "free memory on the host");
  *count = 0;
  for (size_t i = 0; i < used; i++)
    if (entries[i].parent == root)
      children[(*count)++] = entries[i].point;
  return children;
}

int main(int argc, char **argv)
{
  if (argc != 3 && argc != 5)
    {
      fprintf(stderr, "usage: berth-overlay-root BUNDLE ROOTFS [STATE_FIFO VERDICT_FIFO] (an OCI createContainer hook)\n");
      return 2;
    }
  drain_stdin();
  char rootfs[PATH_MAX];
  if (!realpath(argv[2], rootfs))
    fail("cannot resolve the image directory", argv[2], "the image must exist on the host");
  size_t rootfs_length = strlen(rootfs);
  if (chdir(argv[1]) < 0)
    fail("cannot enter the bundle", argv[1], "the bundle directory must belong to the service user");
  if (mkdir("empty", 0700) < 0 || mkdir(STAGING, 0700) < 0 || symlink(rootfs, "image") < 0)
    fail("cannot stage the overlay in", argv[1], "the bundle must be a fresh directory of the service user");
  if (mount("overlay", STAGING, "overlay", MS_RDONLY | MS_NOSUID | MS_NODEV, "lowerdir=image:empty") < 0)
    fail("cannot mount the image as an overlay from", rootfs,
         "the kernel must allow overlayfs in a user namespace: Linux 5.11 or later with CONFIG_OVERLAY_FS");

  size_t count;
  char **children = children_of(rootfs, &count);
  for (size_t i = 0; i < count; i++)
    {
      char target[PATH_MAX];
      if (snprintf(target, sizeof target, "%s%s", STAGING, children[i] + rootfs_length) >= (int) sizeof target)
        {
          errno = ENAMETOOLONG;
          fail("cannot name the overlay's mount point for", children[i], "use a shorter bundle path");
        }
      if (mount(children[i], target, NULL, MS_MOVE, NULL) < 0)
        fail("cannot move into the overlay the mount at", children[i], "every mount point of the job must exist in its image");
    }
  if (mount(STAGING, rootfs, NULL, MS_MOVE, NULL) < 0)
    fail("cannot move the overlay onto", rootfs, "the runtime must have bind-mounted the image as the root");
  if (argc == 5)
    start_gate(argv[3], argv[4]);
  return 0;
}
