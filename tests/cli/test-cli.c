// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-test-fixture.h"

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs the real binary without any display, as over SSH or in CI. */
static void
run_hydravisor (Run         *run,
                const char  *first,
                ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("HV_BINARY");
  int wait_status;
  va_list args;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *) binary);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                               NULL, NULL, &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static void
test_version (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "hydravisor " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_help_lists_subcommands (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "usage: hydravisor [--config DIR] [--verbose] [--version] [SUBCOMMAND [ARGS…]]\n"));
  g_assert_nonnull (strstr (run.out, "\n  help         Show the subcommands, or the usage of one\n"));
  g_assert_nonnull (strstr (run.out, "--config DIR"));
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_help_subcommand (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "help", "help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "usage: hydravisor help [SUBCOMMAND]\n"));
}

static void
test_help_unknown_subcommand (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "help", "frobnicate", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_str_has_prefix (run.err, "hydravisor: unknown subcommand “frobnicate”"));
}

/* An unknown subcommand exits 2 with a usage line and never opens a window. */
static void
test_unknown_subcommand (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "frobnicate", "--now", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==,
                   "hydravisor: unknown subcommand “frobnicate”; run “hydravisor help” for the list\n"
                   "usage: hydravisor [--config DIR] [--verbose] [--version] [SUBCOMMAND [ARGS…]]\n");
}

static void
test_unknown_option (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "--frobnicate", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_true (g_str_has_prefix (run.err, "hydravisor: unknown option “--frobnicate”\nusage: hydravisor "));
}

static void
test_config_needs_folder (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "--config", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_true (g_str_has_prefix (run.err, "hydravisor: --config needs a folder\n"));
}

/* Global options go before the subcommand and do not stop it from running. */
static void
test_global_options_then_subcommand (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "--config", "/tmp/some dir", "--verbose", "help", "help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "usage: hydravisor help [SUBCOMMAND]\n"));
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/help-lists-subcommands", test_help_lists_subcommands);
  g_test_add_func ("/cli/help-subcommand", test_help_subcommand);
  g_test_add_func ("/cli/help-unknown-subcommand", test_help_unknown_subcommand);
  g_test_add_func ("/cli/unknown-subcommand", test_unknown_subcommand);
  g_test_add_func ("/cli/unknown-option", test_unknown_option);
  g_test_add_func ("/cli/config-needs-folder", test_config_needs_folder);
  g_test_add_func ("/cli/global-options-then-subcommand", test_global_options_then_subcommand);

  return g_test_run ();
}
