// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include "hv-error.h"
#include "hv-host-command.h"
#include "hv-host-command-private.h"
#include "hv-test-fixture.h"

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Each element of argv reaches the program as exactly one argument, shell characters and all. */
static void
test_argv_intact (void)
{
  const char *argv[] = {
    "printf", "[%s]\\n",
    "two words", "it's", "\"double\"", "$(touch /tmp/hv-pwned)", "; rm -rf ~", "back\\slash", "*", "",
    NULL
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  hv_host_command_run_async (argv, NULL, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);

  g_assert_true (hv_host_command_run_finish (result, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==,
                   "[two words]\n[it's]\n[\"double\"]\n[$(touch /tmp/hv-pwned)]\n[; rm -rf ~]\n[back\\slash]\n[*]\n[]\n");
  g_assert_cmpstr (err, ==, "");
  g_assert_false (g_file_test ("/tmp/hv-pwned", G_FILE_TEST_EXISTS));
}

static void
test_stdin (void)
{
  const char *argv[] = { "cat", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  hv_host_command_run_async (argv, "line one\nline 'two'\n", NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  g_assert_true (hv_host_command_run_finish (result, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "line one\nline 'two'\n");
}

/* A failing command is an error that names the command, its exit status and its reason. */
static void
test_failure_names_command_and_status (void)
{
  const char *argv[] = { "ls", "/nonexistent dir", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  hv_host_command_run_async (argv, NULL, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);

  g_assert_false (hv_host_command_run_finish (result, NULL, &err, &error));
  g_assert_error (error, HV_HOST_COMMAND_ERROR, HV_HOST_COMMAND_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "“ls '/nonexistent dir'” failed with exit status 2: "));
  g_assert_nonnull (strstr (error->message, "No such file or directory"));
  g_assert_nonnull (strstr (err, "No such file or directory"));
}

static void
test_failure_sync (void)
{
  const char *argv[] = { "sh", "-c", "exit 7", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (hv_host_command_run_sync (argv, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, HV_HOST_COMMAND_ERROR, HV_HOST_COMMAND_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "“sh -c 'exit 7'” failed with exit status 7");
}

static void
test_missing_program (void)
{
  const char *argv[] = { "hv-no-such-program", "x", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hv_host_command_run_async (argv, NULL, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  g_assert_false (hv_host_command_run_finish (result, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "Could not run “hv-no-such-program x”: hv-no-such-program is not installed or not in PATH");
}

static gboolean
pid_alive (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  /* A zombie is dead: "pid (comm) Z ..." */
  state = strrchr (stat, ')');
  return state != NULL && state[2] != 'Z';
}

static gboolean
pidfile_written (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* Cancelling kills the child: nothing keeps running after the caller gave up. */
static void
test_cancel_kills_child (void)
{
  g_autofree char *pidfile = g_build_filename (g_get_user_runtime_dir (), "child.pid", NULL);
  g_autofree char *script = g_strdup_printf ("echo $$ > '%s.tmp' && mv '%s.tmp' '%s' && exec sleep 600",
                                             pidfile, pidfile, pidfile);
  const char *argv[] = { "sh", "-c", script, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GPid pid;

  g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);
  hv_host_command_run_async (argv, NULL, cancellable, store_result, &result);
  g_assert_true (hv_test_wait_for (pidfile_written, pidfile, 10000));
  g_assert_true (g_file_get_contents (pidfile, &contents, NULL, NULL));
  pid = (GPid) g_ascii_strtoll (contents, NULL, 10);
  g_assert_cmpint (pid, >, 1);
  g_assert_true (pid_alive (pid));

  g_cancellable_cancel (cancellable);
  hv_test_wait_result (&result, 10000);
  g_assert_false (hv_host_command_run_finish (result, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  HV_TEST_WAIT_FOR (!pid_alive (pid), 5000);
}

/* Inside Flatpak every host command goes through flatpak-spawn --host. */
static void
test_flatpak_prefix (void)
{
  g_autofree char *info = g_build_filename (g_get_user_runtime_dir (), "flatpak-info", NULL);
  const char *argv[] = { "tmux", "new-session", "-s", "hydravisor-a b", NULL };
  g_auto(GStrv) host = NULL;
  g_auto(GStrv) sandboxed = NULL;

  _hv_host_command_set_flatpak_info_path (info);
  host = hv_host_command_wrap_argv (argv);
  g_assert_false (hv_host_command_is_sandboxed ());
  g_assert_cmpstrv (host, ((const char *[]) { "tmux", "new-session", "-s", "hydravisor-a b", NULL }));

  g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);
  g_assert_true (g_file_set_contents (info, "[Application]\nname=io.github.hydravisor.Hydravisor\n", -1, NULL));
  sandboxed = hv_host_command_wrap_argv (argv);
  g_assert_true (hv_host_command_is_sandboxed ());
  g_assert_cmpstrv (sandboxed, ((const char *[]) { "flatpak-spawn", "--host", "tmux", "new-session", "-s", "hydravisor-a b", NULL }));

  _hv_host_command_set_flatpak_info_path (NULL);
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/host-command/argv-intact", test_argv_intact);
  g_test_add_func ("/host-command/stdin", test_stdin);
  g_test_add_func ("/host-command/failure-names-command-and-status", test_failure_names_command_and_status);
  g_test_add_func ("/host-command/failure-sync", test_failure_sync);
  g_test_add_func ("/host-command/missing-program", test_missing_program);
  g_test_add_func ("/host-command/cancel-kills-child", test_cancel_kills_child);
  g_test_add_func ("/host-command/flatpak-prefix", test_flatpak_prefix);

  return g_test_run ();
}
