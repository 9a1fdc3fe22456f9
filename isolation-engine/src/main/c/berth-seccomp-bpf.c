/*
 * berth-seccomp-bpf: compiles a seccomp profile to the raw BPF program that crun loads through its
 * run.oci.seccomp_bpf_data annotation, so each profile is compiled once instead of on every start.
 * libseccomp does the compiling, exactly as crun would from the JSON form of the same profile.
 *
 * Input on stdin, one directive per line (the engine writes it from the profile):
 *   arch x86_64
 *   default <errno>
 *   rule allow 0 <syscall> [<arg-index> <op> <value> <value-two>]...
 *   rule errno <errno> <syscall> [<arg-index> <op> <value> <value-two>]...
 * where <op> is EQ, NE, LT, LE, GT, GE or MASKED_EQ. Output: the BPF program on stdout.
 * Any unknown system call, operator or directive is an error, so a typo never weakens a profile.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 6

static void fail(int line, const char *what, const char *detail)
{
  fprintf(stderr, "berth-seccomp-bpf: line %d: %s%s%s\n", line, what, detail ? ": " : "", detail ? detail : "");
  exit(2);
}

static int parse_op(const char *name, enum scmp_compare *op)
{
  static const struct { const char *name; enum scmp_compare op; } ops[] = {
    {"EQ", SCMP_CMP_EQ}, {"NE", SCMP_CMP_NE}, {"LT", SCMP_CMP_LT}, {"LE", SCMP_CMP_LE},
    {"GT", SCMP_CMP_GT}, {"GE", SCMP_CMP_GE}, {"MASKED_EQ", SCMP_CMP_MASKED_EQ},
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(name, ops[i].name) == 0)
      {
        *op = ops[i].op;
        return 0;
      }
  return -1;
}

static void add_rule(scmp_filter_ctx ctx, char *rest, int line)
{
  char *save = NULL;
  char *action = strtok_r(rest, " \n", &save);
  char *errno_text = strtok_r(NULL, " \n", &save);
  char *name = strtok_r(NULL, " \n", &save);
  if (!action || !errno_text || !name)
    fail(line, "a rule needs an action, an errno and a system call", NULL);
  uint32_t act;
  if (strcmp(action, "allow") == 0)
    act = SCMP_ACT_ALLOW;
  else if (strcmp(action, "errno") == 0)
    act = SCMP_ACT_ERRNO(atoi(errno_text));
  else
    fail(line, "unknown action", action);
  int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR)
    fail(line, "unknown system call", name);

  struct scmp_arg_cmp args[MAX_ARGS];
  unsigned int count = 0;
  char *index;
  while ((index = strtok_r(NULL, " \n", &save)) != NULL)
    {
      char *op_name = strtok_r(NULL, " \n", &save);
      char *value = strtok_r(NULL, " \n", &save);
      char *value_two = strtok_r(NULL, " \n", &save);
      enum scmp_compare op;
      if (!op_name || !value || !value_two || count == MAX_ARGS)
        fail(line, "an argument condition needs an index, an operator and two values", NULL);
      if (parse_op(op_name, &op) < 0)
        fail(line, "unknown operator", op_name);
      args[count].arg = (unsigned int) atoi(index);
      args[count].op = op;
      args[count].datum_a = strtoull(value, NULL, 10);
      args[count].datum_b = strtoull(value_two, NULL, 10);
      count++;
    }
  int rc = seccomp_rule_add_array(ctx, act, nr, count, args);
  if (rc < 0)
    fail(line, "libseccomp refused the rule", strerror(-rc));
}

int main(void)
{
  scmp_filter_ctx ctx = NULL;
  int have_arch = 0;
  char buffer[4096];
  int line = 0;
  while (fgets(buffer, sizeof buffer, stdin))
    {
      line++;
      if (strncmp(buffer, "arch ", 5) == 0)
        {
          if (strcmp(buffer + 5, "x86_64\n") != 0 || seccomp_arch_native() != SCMP_ARCH_X86_64)
            fail(line, "only x86_64 profiles on x86_64 hosts are supported", buffer + 5);
          have_arch = 1;
        }
      else if (strncmp(buffer, "default ", 8) == 0)
        {
          ctx = seccomp_init(SCMP_ACT_ERRNO(atoi(buffer + 8)));
          if (!ctx)
            fail(line, "libseccomp could not start a filter", NULL);
          /* Another ABI (i386 through int 0x80, x32) would dodge the allow-list: kill the process. */
          if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0)
            fail(line, "cannot set the bad-architecture action", NULL);
        }
      else if (strncmp(buffer, "rule ", 5) == 0)
        {
          if (!ctx)
            fail(line, "a rule before the default action", NULL);
          add_rule(ctx, buffer + 5, line);
        }
      else
        fail(line, "unknown directive", buffer);
    }
  if (!ctx || !have_arch)
    fail(line, "the profile needs an arch and a default line", NULL);
  int rc = seccomp_export_bpf(ctx, 1);
  if (rc < 0)
    fail(line, "cannot write the BPF program", strerror(-rc));
  seccomp_release(ctx);
  return 0;
}
