/*
 * berth-collect: keeps a job's scratch alive past the job's end and streams the files its artifact
 * patterns name, as the job saw them, without ever following a symlink.
 *
 * Why: scratch is a tmpfs the runtime mounts inside the container's mount namespace; when the
 * job's last process exits, the namespace and its tmpfs go with it. Holding the container's user
 * and mount namespace files open keeps both alive. The engine cannot open them through /proc: the
 * container's process is not dumpable while the runtime sets it up, and may have exited by the
 * time its program runs. So a createContainer hook (which runs inside the container's namespaces,
 * before the pivot) passes its own namespace files over a unix socket to a holder the engine
 * started on the host. After the job's end the holder joins those namespaces (the service user
 * owns the job's user namespace, so it may), and sees exactly the job's file system: a symlink
 * could only point into the job's own view, and is reported, not followed. It reads as the job's
 * namespace root, so files the job made private are read too.
 *
 * Usage:
 *   berth-collect send DIR
 *       the hook: sends its namespaces to the holder listening on DIR/collect.sock
 *   berth-collect hold DIR MAX_FILES MAX_FILE_BYTES MAX_TOTAL_BYTES ROOT_COUNT ROOT... PATTERN...
 *       the holder: ROOT... are the scratch mount points to walk (/tmp, and the working directory
 *       when it has its own); PATTERN... absolute fnmatch(3) patterns; a pattern matching a
 *       directory takes everything below it; '*' stays within one path part unless it holds "**"
 *
 * The holder answers "listening\n", then "pinned\n" once it holds the namespaces, then waits on
 * stdin: end of file without a byte ends it without collecting; any byte starts the walk. Records
 * on stdout, each a header line "<kind> <size> <name length>\n" followed by the name and, for F,
 * exactly size bytes:
 *   F  a collected regular file        L  a symlink, not followed
 *   B  a file above MAX_FILE_BYTES     N  a file beyond MAX_FILES
 *   T  a file that would pass MAX_TOTAL_BYTES
 * and "E 0 0\n" at the end. Mount points below a root (inputs, secrets) are not entered.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64

static long long max_files, max_file_bytes, max_total_bytes;
static long long files, total;
static char **patterns;
static int pattern_count;

static void fail(const char *what, const char *detail)
{
  fprintf(stderr, "berth-collect: %s %s: %s\n", what, detail, strerror(errno));
  exit(1);
}

static long long number(const char *text, const char *what)
{
  char *end;
  errno = 0;
  long long value = strtoll(text, &end, 10);
  if (errno || *end || value < 0)
    {
      fprintf(stderr, "berth-collect: %s must be a non-negative number, got %s\n", what, text);
      exit(2);
    }
  return value;
}

static int matches_one(const char *pattern, const char *path)
{
  int flags = strstr(pattern, "**") ? 0 : FNM_PATHNAME;
  return fnmatch(pattern, path, flags) == 0;
}

/* The path, or a directory above it, matches a pattern. */
static int wanted(const char *path)
{
  char prefix[PATH_MAX];
  size_t length = strlen(path);
  memcpy(prefix, path, length + 1);
  for (;;)
    {
      for (int i = 0; i < pattern_count; i++)
        if (matches_one(patterns[i], prefix))
          return 1;
      char *slash = strrchr(prefix, '/');
      if (slash == NULL || slash == prefix)
        return 0;
      *slash = '\0';
    }
}

static void header(char kind, long long size, const char *path)
{
  printf("%c %lld %zu\n%s", kind, size, strlen(path), path);
}

static void emit_file(int dir, const char *name, const char *path)
{
  int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    fail("cannot open", path);
  struct stat st;
  if (fstat(fd, &st) < 0)
    fail("cannot stat", path);
  if (!S_ISREG(st.st_mode))
    {
      close(fd);
      return;
    }
  if (st.st_size > max_file_bytes)
    header('B', st.st_size, path);
  else if (files >= max_files)
    header('N', st.st_size, path);
  else if (total + st.st_size > max_total_bytes)
    header('T', st.st_size, path);
  else
    {
      files++;
      total += st.st_size;
      header('F', st.st_size, path);
      char buffer[65536];
      long long left = st.st_size;
      while (left > 0)
        {
          ssize_t got = read(fd, buffer, left < (long long) sizeof buffer ? (size_t) left : sizeof buffer);
          if (got <= 0)
            fail("file shrank or cannot be read:", path);
          if (fwrite(buffer, 1, (size_t) got, stdout) != (size_t) got)
            fail("cannot write", "stdout");
          left -= got;
        }
    }
  close(fd);
}

static void walk(int dir, const char *path, dev_t device, int depth)
{
  if (depth > MAX_DEPTH)
    return;
  DIR *entries = fdopendir(dir);
  if (entries == NULL)
    fail("cannot list", path);
  struct dirent *entry;
  while ((entry = readdir(entries)) != NULL)
    {
      if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
        continue;
      char child[PATH_MAX];
      if (snprintf(child, sizeof child, "%s/%s", path, entry->d_name) >= (int) sizeof child)
        continue;
      struct stat st;
      if (fstatat(dirfd(entries), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        fail("cannot stat", child);
      if (st.st_dev != device)
        continue;
      if (S_ISDIR(st.st_mode))
        {
          int sub = openat(dirfd(entries), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub < 0)
            fail("cannot open", child);
          walk(sub, child, device, depth + 1);
        }
      else if (S_ISLNK(st.st_mode))
        {
          if (wanted(child))
            header('L', 0, child);
        }
      else if (S_ISREG(st.st_mode) && wanted(child))
        emit_file(dirfd(entries), entry->d_name, child);
    }
  closedir(entries);
}

#define SOCKET_NAME "collect.sock"

static void enter(const char *dir)
{
  if (chdir(dir) < 0)
    fail("cannot enter", dir);
}

static struct sockaddr_un address(void)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  strcpy(addr.sun_path, SOCKET_NAME);
  return addr;
}

/* The hook: its own namespaces, passed as SCM_RIGHTS to the holder. */
static int send_namespaces(const char *dir)
{
  char drain[4096];
  while (read(STDIN_FILENO, drain, sizeof drain) > 0)
    ;
  enter(dir);
  int fds[2];
  fds[0] = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  fds[1] = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (fds[0] < 0 || fds[1] < 0)
    fail("cannot open", "/proc/self/ns");
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = address();
  if (sock < 0 || connect(sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    fail("cannot reach the artifact holder at", SOCKET_NAME);
  char byte = 'n';
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union { char buffer[CMSG_SPACE(sizeof fds)]; struct cmsghdr align; } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof control.buffer };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
  if (sendmsg(sock, &msg, 0) != 1)
    fail("cannot send namespaces to", SOCKET_NAME);
  char ack;
  if (read(sock, &ack, 1) != 1)
    fail("the artifact holder did not confirm at", SOCKET_NAME);
  return 0;
}

/* The holder's end: one connection, two namespace descriptors. */
static void receive_namespaces(const char *dir, int *user, int *mnt)
{
  enter(dir);
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = address();
  unlink(SOCKET_NAME);
  if (sock < 0 || bind(sock, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(sock, 1) < 0)
    fail("cannot listen at", SOCKET_NAME);
  printf("listening\n");
  fflush(stdout);
  int peer = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
  if (peer < 0)
    fail("cannot accept at", SOCKET_NAME);
  char byte;
  int fds[2];
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union { char buffer[CMSG_SPACE(sizeof fds)]; struct cmsghdr align; } control;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof control.buffer };
  if (recvmsg(peer, &msg, MSG_CMSG_CLOEXEC) != 1)
    fail("no namespaces arrived at", SOCKET_NAME);
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS || cmsg->cmsg_len != CMSG_LEN(sizeof fds))
    {
      fprintf(stderr, "berth-collect: the hook sent no namespace descriptors\n");
      exit(1);
    }
  memcpy(fds, CMSG_DATA(cmsg), sizeof fds);
  *user = fds[0];
  *mnt = fds[1];
  if (write(peer, "k", 1) != 1)
    fail("cannot confirm to", "the hook");
  close(peer);
  close(sock);
  unlink(SOCKET_NAME);
  printf("pinned\n");
  fflush(stdout);
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "send") == 0)
    return send_namespaces(argv[2]);
  if (argc < 9 || strcmp(argv[1], "hold") != 0)
    {
      fprintf(stderr, "usage: berth-collect send DIR | berth-collect hold DIR MAX_FILES MAX_FILE_BYTES MAX_TOTAL_BYTES ROOT_COUNT ROOT... PATTERN...\n");
      return 2;
    }
  argv += 2;
  argc -= 2;
  const char *dir = argv[0];
  max_files = number(argv[1], "MAX_FILES");
  max_file_bytes = number(argv[2], "MAX_FILE_BYTES");
  max_total_bytes = number(argv[3], "MAX_TOTAL_BYTES");
  long long roots = number(argv[4], "ROOT_COUNT");
  if (roots < 1 || 5 + roots >= argc)
    {
      fprintf(stderr, "berth-collect: give at least one root and one pattern\n");
      return 2;
    }
  patterns = argv + 5 + roots;
  pattern_count = argc - 5 - (int) roots;

  int user, mnt;
  receive_namespaces(dir, &user, &mnt);

  char go;
  if (read(STDIN_FILENO, &go, 1) != 1)
    return 0;
  if (setns(user, CLONE_NEWUSER) < 0)
    fail("cannot join the job's user namespace", "");
  if (setns(mnt, CLONE_NEWNS) < 0)
    fail("cannot join the job's mount namespace", "");
  if (chdir("/") < 0)
    fail("cannot enter", "/");

  for (long long i = 0; i < roots; i++)
    {
      const char *root = argv[5 + i];
      int dirfd_root = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dirfd_root < 0)
        fail("cannot open", root);
      struct stat st;
      if (fstat(dirfd_root, &st) < 0)
        fail("cannot stat", root);
      walk(dirfd_root, root, st.st_dev, 0);
    }
  printf("E 0 0\n");
  if (fflush(stdout) != 0)
    fail("cannot write", "stdout");
  return 0;
}
