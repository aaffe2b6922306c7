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

static const char *config_env_vars[] = {
  "OLLAMA_HOST", "CONTAINERD_ADDRESS", "CONTAINERD_NAMESPACE", "AWS_PROFILE", "AWS_REGION",
  "AWS_DEFAULT_REGION", "LIBVIRT_DEFAULT_URI",
};

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
  /* The configuration tests expect no overrides from the environment. */
  for (guint i = 0; i < G_N_ELEMENTS (config_env_vars); i++)
    envp = g_environ_unsetenv (envp, config_env_vars[i]);

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

static char *
make_config_dir (const char *config_toml,
                 const char *policy_toml)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "my config", NULL);
  g_autofree char *config = g_build_filename (dir, "config.toml", NULL);
  g_autofree char *policy = g_build_filename (dir, "policy.toml", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  if (config_toml != NULL)
    g_assert_true (g_file_set_contents (config, config_toml, -1, NULL));
  if (policy_toml != NULL)
    g_assert_true (g_file_set_contents (policy, policy_toml, -1, NULL));
  return g_steal_pointer (&dir);
}

/* `config check` prints every problem with its location and exits 1 on an error. */
static void
test_config_check_errors (void)
{
  g_autofree char *dir = make_config_dir ("[defaults]\ncpu = 0\nram = \"lots\"\nshiny = true\n",
                                          "[roles]\nx = { can_create = 1 }\n");
  g_autofree char *expected = g_strdup_printf (
    "%1$s/config.toml:2:7: defaults.cpu: expected an integer from 1 to 1024, found 0\n"
    "%1$s/config.toml:3:7: defaults.ram: “lots” is not a size: write a number and a unit, like \"4GB\" or \"512MiB\"\n"
    "%1$s/config.toml:4:1: warning: unknown key “defaults.shiny”; it is ignored\n"
    "%1$s/policy.toml:2:20: roles.x.can_create: expected true or false, found an integer\n"
    "hydravisor: config check: 3 errors in %1$s\n", dir);
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "--config", dir, "config", "check", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpstr (run.err, ==, expected);
}

static void
test_config_check_valid (void)
{
  g_autofree char *dir = make_config_dir ("[defaults]\ncpu = 4\n", NULL);
  g_autofree char *expected = g_strdup_printf ("%s: configuration is valid (0 warnings)\n", dir);
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "--config", dir, "config", "check", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expected);
  g_assert_cmpstr (run.err, ==, "");
}

/* `config show` prints the configuration in effect, saying where non-default values come from. */
static void
test_config_show (void)
{
  g_autofree char *dir = make_config_dir ("[defaults]\ncpu = 8\nram = \"512MiB\"\n", NULL);
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "--config", dir, "config", "show", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_nonnull (strstr (run.out, "\n[defaults]\nvm_backend = \"qemu\"\nvm_image = \"\"\ncpu = 8  # config.toml:2:7\nram = \"512MiB\"  # config.toml:3:7\ndisk = \"20GB\"\n"));
  g_assert_nonnull (strstr (run.out, "\n[providers.ollama]\nenabled = true\nhost = \"http://127.0.0.1:11434\"\n"));
  g_assert_nonnull (strstr (run.out, "\n[containerd]\naddress = \"/run/containerd/containerd.sock\"\nnamespace = \"hydravisor\"\n"));
}

static void
test_config_show_broken (void)
{
  g_autofree char *dir = make_config_dir ("[defaults\n", NULL);
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "--config", dir, "config", "show", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "/config.toml:1:10: "));
}

static void
test_config_usage (void)
{
  g_auto(Run) run = { 0 };

  run_hydravisor (&run, "config", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.err, ==, "hydravisor: config takes one action: check or show\nusage: hydravisor config check|show\n");
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

  g_test_add_func ("/cli/config/check-errors", test_config_check_errors);
  g_test_add_func ("/cli/config/check-valid", test_config_check_valid);
  g_test_add_func ("/cli/config/show", test_config_show);
  g_test_add_func ("/cli/config/show-broken", test_config_show_broken);
  g_test_add_func ("/cli/config/usage", test_config_usage);

  return g_test_run ();
}
