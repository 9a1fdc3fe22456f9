/*
 * escape-probe: tries escape paths from inside a Berth job and reports what the kernel answered.
 * Usage: escape-probe CHECK...; one line per check: "<check> <RESULT> <detail>" where RESULT is
 *   DENIED  the call failed; detail is the errno name
 *   ABSENT  the path does not exist
 *   MASKED  the path exists but reads as empty
 *   KILLED  the process was killed; detail is the signal number
 *   ALLOWED the attempt worked (an escape path is open)
 * Every check runs in its own child, so one killed by seccomp does not stop the others.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#define SYS_io_uring_enter 426
#define SYS_io_uring_register 427
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#define SYS_move_mount 429
#define SYS_fsopen 430
#define SYS_fsmount 432
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define X32_SYSCALL_BIT 0x40000000

/* A result code the child passes to the parent through its exit status. */
enum { R_ALLOWED = 0, R_DENIED = 1, R_ABSENT = 2, R_MASKED = 3 };

static int denied(long rc)
{
  if (rc >= 0)
    return R_ALLOWED;
  if (errno == ENOENT)
    return R_ABSENT;
  return R_DENIED;
}

static int spawn_sleeper(void)
{
  pid_t pid = fork();
  if (pid == 0)
    {
      pause();
      _exit(0);
    }
  return pid;
}

static int write_path(const char *path)
{
  int fd = open(path, O_WRONLY);
  if (fd < 0)
    return denied(-1);
  return denied(write(fd, "0", 1));
}

static int read_masked(const char *path)
{
  char byte;
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return denied(-1);
  ssize_t n = read(fd, &byte, 1);
  if (n == 0)
    return R_MASKED;
  return n < 0 ? R_DENIED : R_ALLOWED;
}

static int clone_with(unsigned long flags)
{
  long rc = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (rc == 0)
    _exit(0);
  return denied(rc);
}

static int run_check(const char *name)
{
  char buffer[256] = {0};
  if (!strcmp(name, "keyctl"))
    return denied(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
  if (!strcmp(name, "add_key"))
    return denied(syscall(SYS_add_key, "user", "berth", "x", 1, KEY_SPEC_SESSION_KEYRING));
  if (!strcmp(name, "request_key"))
    return denied(syscall(SYS_request_key, "user", "berth", NULL, KEY_SPEC_SESSION_KEYRING));
  if (!strcmp(name, "bpf"))
    {
      union bpf_attr attr;
      memset(&attr, 0, sizeof attr);
      attr.map_type = BPF_MAP_TYPE_ARRAY;
      attr.key_size = 4;
      attr.value_size = 4;
      attr.max_entries = 1;
      return denied(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
    }
  if (!strcmp(name, "userfaultfd"))
    return denied(syscall(SYS_userfaultfd, 0));
  if (!strcmp(name, "perf_event_open"))
    {
      struct perf_event_attr attr;
      memset(&attr, 0, sizeof attr);
      attr.size = sizeof attr;
      attr.type = PERF_TYPE_SOFTWARE;
      attr.config = PERF_COUNT_SW_CPU_CLOCK;
      attr.exclude_kernel = 1;
      return denied(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
    }
  if (!strcmp(name, "io_uring_setup"))
    return denied(syscall(SYS_io_uring_setup, 1, buffer));
  if (!strcmp(name, "io_uring_enter"))
    return denied(syscall(SYS_io_uring_enter, 0, 0, 0, 0, NULL, 0));
  if (!strcmp(name, "io_uring_register"))
    return denied(syscall(SYS_io_uring_register, 0, 0, NULL, 0));
  if (!strcmp(name, "unshare_user"))
    return denied(unshare(CLONE_NEWUSER));
  if (!strcmp(name, "unshare_mount"))
    return denied(unshare(CLONE_NEWNS));
  if (!strcmp(name, "clone_newuser"))
    return clone_with(CLONE_NEWUSER);
  if (!strcmp(name, "clone_newnet"))
    return clone_with(CLONE_NEWNET);
  if (!strcmp(name, "clone_plain"))
    return clone_with(0);
  if (!strcmp(name, "clone3"))
    {
      uint64_t args[11] = {0};
      args[4] = SIGCHLD; /* exit_signal */
      long rc = syscall(SYS_clone3, args, sizeof args);
      if (rc == 0)
        _exit(0);
      return denied(rc);
    }
  if (!strcmp(name, "setns"))
    {
      int fd = open("/proc/self/ns/net", O_RDONLY);
      return denied(setns(fd, 0));
    }
  if (!strcmp(name, "mount"))
    return denied(mount("none", "/tmp", "tmpfs", 0, NULL));
  if (!strcmp(name, "umount2"))
    return denied(umount2("/proc", MNT_DETACH));
  if (!strcmp(name, "fsopen"))
    return denied(syscall(SYS_fsopen, "tmpfs", 0));
  if (!strcmp(name, "fsmount"))
    return denied(syscall(SYS_fsmount, -1, 0, 0));
  if (!strcmp(name, "move_mount"))
    return denied(syscall(SYS_move_mount, -1, "", AT_FDCWD, "/tmp", 0));
  if (!strcmp(name, "open_tree"))
    return denied(syscall(SYS_open_tree, AT_FDCWD, "/", 0));
  if (!strcmp(name, "ptrace_attach"))
    {
      pid_t target = spawn_sleeper();
      long rc = ptrace(PTRACE_ATTACH, target, NULL, NULL);
      kill(target, SIGKILL);
      return denied(rc);
    }
  if (!strcmp(name, "ptrace_traceme"))
    return denied(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
  if (!strcmp(name, "process_vm_readv"))
    {
      pid_t target = spawn_sleeper();
      char into[8];
      struct iovec local = {into, sizeof into}, remote = {&buffer, sizeof into};
      long rc = process_vm_readv(target, &local, 1, &remote, 1, 0);
      kill(target, SIGKILL);
      return denied(rc);
    }
  if (!strcmp(name, "process_vm_writev"))
    {
      pid_t target = spawn_sleeper();
      struct iovec local = {buffer, 8}, remote = {buffer, 8};
      long rc = process_vm_writev(target, &local, 1, &remote, 1, 0);
      kill(target, SIGKILL);
      return denied(rc);
    }
  if (!strcmp(name, "kexec_load"))
    return denied(syscall(SYS_kexec_load, 0, 0, NULL, 0));
  if (!strcmp(name, "kexec_file_load"))
    return denied(syscall(SYS_kexec_file_load, -1, -1, 0, "", 0));
  if (!strcmp(name, "init_module"))
    return denied(syscall(SYS_init_module, buffer, sizeof buffer, ""));
  if (!strcmp(name, "finit_module"))
    return denied(syscall(SYS_finit_module, 0, "", 0));
  if (!strcmp(name, "open_by_handle_at"))
    return denied(syscall(SYS_open_by_handle_at, AT_FDCWD, buffer, O_RDONLY));
  if (!strcmp(name, "reboot"))
    return denied(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
  if (!strcmp(name, "swapon"))
    return denied(syscall(SYS_swapon, "/tmp", 0));
  if (!strcmp(name, "swapoff"))
    return denied(syscall(SYS_swapoff, "/tmp"));
  if (!strcmp(name, "pivot_root"))
    return denied(syscall(SYS_pivot_root, "/tmp", "/tmp"));
  if (!strcmp(name, "chroot"))
    return denied(chroot("/tmp"));
  if (!strcmp(name, "raw_socket"))
    return denied(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
  if (!strcmp(name, "raw_socket6"))
    return denied(socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6));
  if (!strcmp(name, "packet_socket"))
    return denied(socket(AF_PACKET, SOCK_RAW, htons(0x0003)));
  if (!strcmp(name, "tcp_socket"))
    return denied(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!strcmp(name, "i386_syscall"))
    {
      long rc;
      /* getpid through the 32-bit ABI: another architecture for seccomp. */
      __asm__ volatile("int $0x80" : "=a"(rc) : "a"(20) : "memory");
      /* A raw system call returns -errno and leaves errno alone; report the kernel's answer. */
      if (rc < 0)
        errno = (int) -rc;
      return rc > 0 ? R_ALLOWED : R_DENIED;
    }
  if (!strcmp(name, "x32_syscall"))
    return denied(syscall(X32_SYSCALL_BIT | SYS_getpid));
  if (!strcmp(name, "sysrq_trigger"))
    return write_path("/proc/sysrq-trigger");
  if (!strcmp(name, "core_pattern"))
    return write_path("/proc/sys/kernel/core_pattern");
  if (!strcmp(name, "sys_write"))
    return write_path("/sys/kernel/uevent_helper");
  if (!strcmp(name, "sys_mkdir"))
    return denied(mkdir("/sys/fs/cgroup/berth-escape", 0700));
  if (!strcmp(name, "dev_mem"))
    return denied(open("/dev/mem", O_RDONLY));
  if (!strcmp(name, "dev_kmsg"))
    return denied(open("/dev/kmsg", O_RDONLY));
  if (!strcmp(name, "mknod_block"))
    return denied(mknod("/tmp/berth-sda", S_IFBLK | 0600, makedev(8, 0)));
  if (!strcmp(name, "mknod_char"))
    return denied(mknod("/tmp/berth-mem", S_IFCHR | 0600, makedev(1, 1)));
  if (!strcmp(name, "proc_kcore"))
    return read_masked("/proc/kcore");
  if (!strcmp(name, "proc_keys"))
    return read_masked("/proc/keys");
  if (!strcmp(name, "proc_timer_list"))
    return read_masked("/proc/timer_list");
  if (!strcmp(name, "dev_core"))
    return read_masked("/dev/core");
  if (!strcmp(name, "setuid_root"))
    return denied(setuid(0));
  if (!strcmp(name, "sethostname"))
    return denied(sethostname("escaped", 7));
  if (!strcmp(name, "root_write"))
    return denied(open("/berth-escape", O_WRONLY | O_CREAT, 0600));
  fprintf(stderr, "escape-probe: unknown check %s\n", name);
  exit(64);
}

static const char *errno_name(int code)
{
  switch (code)
    {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOSYS: return "ENOSYS";
    case EROFS: return "EROFS";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case ESRCH: return "ESRCH";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    default: return "EOTHER";
    }
}

int main(int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      int pipefd[2];
      if (pipe(pipefd) < 0)
        return 70;
      fflush(stdout);
      pid_t child = fork();
      if (child < 0)
        return 71;
      if (child == 0)
        {
          close(pipefd[0]);
          errno = 0;
          int result = run_check(argv[i]);
          int saved = errno;
          if (write(pipefd[1], &saved, sizeof saved) < 0)
            _exit(72);
          _exit(result);
        }
      close(pipefd[1]);
      int saved = 0, status;
      ssize_t got = read(pipefd[0], &saved, sizeof saved);
      close(pipefd[0]);
      waitpid(child, &status, 0);
      if (WIFSIGNALED(status))
        printf("%s KILLED %d\n", argv[i], WTERMSIG(status));
      else if (WEXITSTATUS(status) == 64)
        return 64;
      else if (got != sizeof saved)
        printf("%s ERROR no-result\n", argv[i]);
      else if (WEXITSTATUS(status) == R_DENIED)
        printf("%s DENIED %s\n", argv[i], errno_name(saved));
      else if (WEXITSTATUS(status) == R_ABSENT)
        printf("%s ABSENT ENOENT\n", argv[i]);
      else if (WEXITSTATUS(status) == R_MASKED)
        printf("%s MASKED empty\n", argv[i]);
      else
        printf("%s ALLOWED -\n", argv[i]);
    }
  return 0;
}
