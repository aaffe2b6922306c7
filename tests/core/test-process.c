// SPDX-License-Identifier: GPL-3.0-or-later
/* hv_process_is_running: a live process, one that ended and was reaped, and one that ended
 * and was not (a zombie, which is what a daemonized QEMU becomes under a pid 1 that never
 * waits). */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv-process.h"

static void
test_running_and_reaped (void)
{
  pid_t child = fork ();
  int status = 0;

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  g_assert_true (hv_process_is_running (child));
  g_assert_true (hv_process_is_running (getpid ()));

  g_assert_cmpint (kill (child, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_false (hv_process_is_running (child));
}

static void
test_zombie (void)
{
  pid_t child = fork ();
  siginfo_t info = { 0 };

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    _exit (0);
  /* Wait for it to end without reaping it: it stays a zombie. */
  g_assert_cmpint (waitid (P_PID, child, &info, WEXITED | WNOWAIT), ==, 0);
  g_assert_cmpint (kill (child, 0), ==, 0);
  g_assert_false (hv_process_is_running (child));
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
}

static void
test_not_a_pid (void)
{
  g_assert_false (hv_process_is_running (0));
  g_assert_false (hv_process_is_running (-1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/process/running-and-reaped", test_running_and_reaped);
  g_test_add_func ("/process/zombie", test_zombie);
  g_test_add_func ("/process/not-a-pid", test_not_a_pid);
  return g_test_run ();
}
