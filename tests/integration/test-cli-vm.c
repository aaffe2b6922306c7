// SPDX-License-Identifier: GPL-3.0-or-later
/* `hydravisor vm …`: against libvirt's test driver and a real QEMU (the direct backend). */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/wait.h>

#include "hv-test-fixture.h"

static char *config_dir;

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

static void
hydravisor_argv (Run         *run,
                 const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int wait_status;

  /* The test's own folders (GLib isolates them per test, but not in the environment). */
  envp = g_environ_setenv (envp, "HOME", g_get_home_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_ptr_array_add (argv, (char *) g_getenv ("HV_BINARY"));
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, config_dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

#define hydravisor(run, ...) hydravisor_argv (run, (const char *[]) { __VA_ARGS__, NULL })

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
find_vm (JsonArray  *array,
         const char *name)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *vm = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (vm, "name"), name) == 0)
        return vm;
    }
  return NULL;
}

/* The test driver's "test" domain, as a table and as JSON. */
static void
test_list_and_info (void)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *vm;

  hydravisor (&run, "vm", "list", "--uri", "test:///default");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "NAME "));
  g_assert_nonnull (strstr (run.out, "\ntest  "));
  g_assert_nonnull (strstr (run.out, "running"));
  g_assert_nonnull (strstr (run.out, "8.0 GiB"));
  run_clear (&run);

  hydravisor (&run, "vm", "list", "--uri", "test:///default", "--json");
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  vm = find_vm (json_node_get_array (root), "test");
  g_assert_nonnull (vm);
  g_assert_cmpstr (json_object_get_string_member (vm, "state"), ==, "running");
  g_assert_cmpstr (json_object_get_string_member (vm, "backend"), ==, "libvirt");
  g_assert_cmpstr (json_object_get_string_member (vm, "connection"), ==, "test:///default");
  g_assert_cmpint (json_object_get_int_member (vm, "vcpus"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (vm, "memory"), ==, G_GINT64_CONSTANT (8589934592));
  g_clear_pointer (&root, json_node_unref);
  run_clear (&run);

  hydravisor (&run, "vm", "info", "test", "--uri", "test:///default", "--json");
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "name"), ==, "test");
  g_assert_true (json_object_has_member (json_node_get_object (root), "snapshots"));
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (root), "uuid"));
}

/* Names that are not letters, digits, '.', '_' and '-' are refused before anything runs:
 * exit 2, a message naming the character, nothing on disk, nothing run by a shell. */
static void
test_bad_names (void)
{
  g_autofree char *marker = g_build_filename (g_get_tmp_dir (), "hv-cli-vm-shell-ran", NULL);
  g_autofree char *injection = g_strdup_printf ("$(touch %s)", marker);
  g_autofree char *vms_dir = g_build_filename (g_get_user_data_dir (), "hydravisor", "vms", NULL);
  g_autofree char *long_name = g_strnfill (65, 'a');
  const struct { const char *name; const char *says; } cases[] = {
    { "a/b", "“/”" },
    { "a b", "space" },
    { "a\"b", "“\"”" },
    { "a;b", "“;”" },
    { injection, "“$”" },
    { long_name, "65 characters" },
    { "\xff\xfe", "UTF-8" },
    { "_rf", "start with a letter or a digit" },
    { "-rf", "does not take" },
  };

  g_unlink (marker);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      hydravisor (&run, "vm", "create", cases[i].name, "--backend", "qemu", "--disk", "10MB", "--ram", "64MB");
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (g_str_has_prefix (run.err, "hydravisor: "));
      if (strstr (run.err, cases[i].says) == NULL)
        g_error ("“%s”: the message “%s” does not say %s", cases[i].name, run.err, cases[i].says);
      run_clear (&run);

      hydravisor (&run, "vm", "start", cases[i].name);
      g_assert_cmpint (run.status, ==, 2);
    }
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  /* Nothing was made for any of them. */
  if (g_file_test (vms_dir, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (vms_dir, 0, NULL);

      g_assert_null (g_dir_read_name (dir));
    }
}

static void
test_usage_errors (void)
{
  const char *argvs[][8] = {
    { "vm", NULL },
    { "vm", "frobnicate", NULL },
    { "vm", "start", NULL },
    { "vm", "list", "extra", NULL },
    { "vm", "create", "x", "--disk", "1GB", "--image", "/nonexistent", NULL },
    { "vm", "create", "x", "--cpu", "many", NULL },
    { "vm", "list", "--backend", "xen", NULL },
    { "vm", "snapshot", "create", "x", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (argvs); i++)
    {
      g_auto(Run) run = { 0 };

      hydravisor_argv (&run, argvs[i]);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, "hydravisor"));
    }
}

static const char *
state_of (const char *name)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *vm;

  hydravisor (&run, "vm", "list", "--backend", "qemu", "--json");
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  vm = find_vm (json_node_get_array (root), name);
  return vm != NULL ? g_intern_string (json_object_get_string_member (vm, "state")) : NULL;
}

/* A VM's whole life through the command line, on the direct QEMU backend. */
static void
test_qemu_lifecycle (void)
{
  g_autofree char *vm_dir = g_build_filename (g_get_user_data_dir (), "hydravisor", "vms", "cli-demo", NULL);
  g_auto(Run) run = { 0 };

  hydravisor (&run, "vm", "create", "cli-demo", "--backend", "qemu", "--cpu", "1", "--ram", "64MB",
              "--disk", "10MB", "--no-network");
  if (run.status != 0)
    g_error ("vm create: %s", run.err);
  g_assert_true (g_file_test (vm_dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpstr (state_of ("cli-demo"), ==, "shut off");
  run_clear (&run);

  /* The same name again is refused. */
  hydravisor (&run, "vm", "create", "cli-demo", "--backend", "qemu", "--ram", "64MB", "--disk", "10MB");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "cli-demo"));
  run_clear (&run);

  hydravisor (&run, "vm", "start", "cli-demo");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (state_of ("cli-demo"), ==, "running");
  run_clear (&run);

  hydravisor (&run, "vm", "pause", "cli-demo");
  g_assert_cmpint (run.status, ==, 0);
  HV_TEST_WAIT_FOR (g_strcmp0 (state_of ("cli-demo"), "paused") == 0, 10000);
  run_clear (&run);

  hydravisor (&run, "vm", "resume", "cli-demo");
  g_assert_cmpint (run.status, ==, 0);
  HV_TEST_WAIT_FOR (g_strcmp0 (state_of ("cli-demo"), "running") == 0, 10000);
  run_clear (&run);

  hydravisor (&run, "vm", "snapshot", "create", "cli-demo", "before-agent");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  hydravisor (&run, "vm", "snapshot", "list", "cli-demo");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "before-agent"));
  run_clear (&run);
  hydravisor (&run, "vm", "snapshot", "delete", "cli-demo", "before-agent");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  /* Deleting a running VM is refused; stopping it first works. */
  hydravisor (&run, "vm", "delete", "cli-demo");
  g_assert_cmpint (run.status, ==, 1);
  run_clear (&run);
  hydravisor (&run, "vm", "stop", "cli-demo", "--force");
  g_assert_cmpint (run.status, ==, 0);
  HV_TEST_WAIT_FOR (g_strcmp0 (state_of ("cli-demo"), "shut off") == 0, 10000);
  run_clear (&run);

  hydravisor (&run, "vm", "delete", "cli-demo", "--with-disks");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (state_of ("cli-demo"));
  g_assert_false (g_file_test (vm_dir, G_FILE_TEST_EXISTS));
}

static void
test_missing_vm_and_limits (void)
{
  g_auto(Run) run = { 0 };

  hydravisor (&run, "vm", "start", "nosuch", "--backend", "qemu");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "nosuch"));
  run_clear (&run);

  /* policy.toml [defaults.vm] cpu_limit = 2 by default. */
  hydravisor (&run, "vm", "create", "big", "--backend", "qemu", "--cpu", "8", "--ram", "64MB", "--disk", "10MB");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "cpu_limit"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  hv_test_init (&argc, &argv);
  hv_test_start_qemu_reaper ();

  config_dir = g_dir_make_tmp ("hv-cli-vm-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (config_dir, "config.toml", NULL);
  g_assert_true (g_file_set_contents (path, "[libvirt]\nuris = [\"test:///default\"]\n", -1, &error));

  g_test_add_func ("/cli/vm/list-and-info", test_list_and_info);
  g_test_add_func ("/cli/vm/bad-names", test_bad_names);
  g_test_add_func ("/cli/vm/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/vm/qemu-lifecycle", test_qemu_lifecycle);
  g_test_add_func ("/cli/vm/missing-vm-and-limits", test_missing_vm_and_limits);

  return g_test_run ();
}
