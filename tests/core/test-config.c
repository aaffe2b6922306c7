// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "hv-config.h"
#include "hv-test-fixture.h"

static const char *env_vars[] = {
  "OLLAMA_HOST", "CONTAINERD_ADDRESS", "CONTAINERD_NAMESPACE", "AWS_PROFILE", "AWS_REGION",
  "AWS_DEFAULT_REGION", "LIBVIRT_DEFAULT_URI",
};

static char *
config_dir (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "hydravisor", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_steal_pointer (&dir);
}

static void
write_config (const char *basename,
              const char *text)
{
  g_autofree char *dir = config_dir ();
  g_autofree char *path = g_build_filename (dir, basename, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* Each diagnostic as the CLI prints it, paths relative to the config folder. */
static char *
diagnostics_text (HvConfig *config)
{
  g_autoptr(GString) out = g_string_new (NULL);
  GPtrArray *diagnostics = hv_config_get_diagnostics (config);
  g_autofree char *prefix = g_strconcat (hv_config_get_dir (config), "/", NULL);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *line = hv_config_diagnostic_format (g_ptr_array_index (diagnostics, i));

      g_string_append (out, g_str_has_prefix (line, prefix) ? line + strlen (prefix) : line);
      g_string_append_c (out, '\n');
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* No files: the defaults of FORMATS.md. */
static void
test_defaults (void)
{
  g_autoptr(HvConfig) config = hv_config_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (hv_config_load (config, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hv_config_get_diagnostics (config)->len, ==, 0);

  g_assert_cmpint (hv_config_get_int (config, "interface.refresh_interval_ms"), ==, 1000);
  g_assert_cmpstr (hv_config_get_string (config, "defaults.vm_backend"), ==, "qemu");
  g_assert_cmpint (hv_config_get_int (config, "defaults.cpu"), ==, 2);
  g_assert_cmpuint (hv_config_get_size (config, "defaults.ram"), ==, 4000000000ULL);
  g_assert_cmpuint (hv_config_get_size (config, "defaults.disk"), ==, 20000000000ULL);
  g_assert_cmpstr (hv_config_get_string (config, "defaults.model"), ==, "ollama:llama3.2");
  g_assert_cmpstrv (hv_config_get_strv (config, "libvirt.uris"), ((const char *[]) { "qemu:///session", NULL }));
  g_assert_cmpstr (hv_config_get_string (config, "containerd.address"), ==, "/run/containerd/containerd.sock");
  g_assert_cmpstr (hv_config_get_string (config, "containerd.namespace"), ==, "hydravisor");
  g_assert_true (hv_config_get_boolean (config, "providers.ollama.enabled"));
  g_assert_cmpstr (hv_config_get_string (config, "providers.ollama.host"), ==, "http://127.0.0.1:11434");
  g_assert_cmpstr (hv_config_get_string (config, "providers.bedrock.region"), ==, "us-east-1");
  g_assert_cmpstr (hv_config_get_string (config, "providers.bedrock.profile"), ==, "default");
  g_assert_cmpstr (hv_config_get_string (config, "tmux.session_prefix"), ==, "hydravisor-");
  g_assert_cmpstr (hv_config_get_string (config, "tmux.socket_name"), ==, "");
  g_assert_true (hv_config_get_boolean (config, "tmux.record_all_sessions"));
  g_assert_cmpstrv (hv_config_get_strv (config, "tmux.record_formats"), ((const char *[]) { "cast", "jsonl", NULL }));
  g_assert_cmpstr (hv_config_get_string (config, "logging.level"), ==, "info");
  g_assert_cmpint (hv_config_get_int (config, "logging.retain_days"), ==, 14);
  g_assert_true (hv_config_get_boolean (config, "policy.audit.log_denied"));
  g_assert_cmpstr (hv_config_get_string (config, "policy.audit.log_path"), ==, "hydravisor/audit/audit.jsonl");
  g_assert_cmpuint (hv_config_get_size (config, "policy.defaults.vm.disk_limit"), ==, 16000000000ULL);
  g_assert_false (hv_config_get_boolean (config, "policy.defaults.vm.networking"));
  g_assert_cmpstr (hv_config_get_source (config, "defaults.cpu"), ==, "default");

  /* Deny by default: no roles, no permissions, no SSH hosts. */
  g_assert_cmpuint (hv_config_get_policy_roles (config)->len, ==, 0);
  g_assert_cmpuint (hv_config_get_policy_permissions (config)->len, ==, 0);
  g_assert_cmpuint (hv_config_get_ssh_hosts (config)->len, ==, 0);
}

static void
test_values (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  write_config ("config.toml",
                "# mine\n"
                "[defaults]\n"
                "vm_backend = \"libvirt\"\n"
                "cpu = 8\n"
                "ram = \"1.5GiB\"\n"
                "disk = 536870912\n"
                "\n"
                "[libvirt]\n"
                "uris = [\"qemu:///system\", \"qemu+ssh://root@host/system\"]\n"
                "[providers]\n"
                "ollama.host = \"unix:/run/ollama.sock\"\n"
                "bedrock = { region = \"eu-west-1\", enabled = false }\n");
  config = hv_config_new (NULL);
  g_assert_true (hv_config_load (config, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (hv_config_get_string (config, "defaults.vm_backend"), ==, "libvirt");
  g_assert_cmpint (hv_config_get_int (config, "defaults.cpu"), ==, 8);
  g_assert_cmpuint (hv_config_get_size (config, "defaults.ram"), ==, 1610612736ULL);
  g_assert_cmpuint (hv_config_get_size (config, "defaults.disk"), ==, 536870912ULL);
  g_assert_cmpstrv (hv_config_get_strv (config, "libvirt.uris"),
                    ((const char *[]) { "qemu:///system", "qemu+ssh://root@host/system", NULL }));
  g_assert_cmpstr (hv_config_get_string (config, "providers.ollama.host"), ==, "unix:/run/ollama.sock");
  g_assert_cmpstr (hv_config_get_string (config, "providers.bedrock.region"), ==, "eu-west-1");
  g_assert_false (hv_config_get_boolean (config, "providers.bedrock.enabled"));
  g_assert_cmpstr (hv_config_get_source (config, "defaults.cpu"), ==, "config.toml:4:7");
  g_assert_cmpstr (hv_config_get_source (config, "defaults.model"), ==, "default");
}

/* Every mistake is reported with file:line:column, the key and what was expected; all of
 * them at once, not only the first. */
static void
test_errors_name_location (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  write_config ("config.toml",
                "[defaults]\n"
                "cpu = \"two\"\n"
                "ram = \"4 gigs\"\n"
                "vm_backend = \"xen\"\n"
                "colour = \"blue\"\n"
                "[tmux]\n"
                "record_formats = [\"cast\", \"mp4\"]\n"
                "[containerd]\n"
                "namespace = \"my ns\"\n");
  write_config ("ssh.toml",
                "[hosts.foo-vm]\n"
                "address = \"192.168.122.12\"\n"
                "port = 70000\n"
                "forwards = [\"X:1:2\"]\n");
  write_config ("policy.toml",
                "[roles]\n"
                "trusted = { can_create = true, can_fly = true }\n"
                "[permissions]\n"
                "\"agent::b312a9f8\" = { role = \"audited\" }\n");

  config = hv_config_new (NULL);
  g_assert_false (hv_config_load (config, &error));
  g_assert_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID);

  text = diagnostics_text (config);
  g_assert_cmpstr (text, ==,
    "config.toml:2:7: defaults.cpu: expected an integer from 1 to 1024, found \"two\"\n"
    "config.toml:3:7: defaults.ram: “4 gigs” is not a size: unknown unit “gigs” (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)\n"
    "config.toml:4:14: defaults.vm_backend: expected one of \"qemu\", \"libvirt\", found \"xen\"\n"
    "config.toml:5:1: warning: unknown key “defaults.colour”; it is ignored\n"
    "config.toml:7:27: tmux.record_formats: expected an array of strings from \"cast\", \"jsonl\", found mp4\n"
    "config.toml:9:13: containerd.namespace: expected a containerd namespace: letters and digits, separated by single '.', '_' or '-'\n"
    "ssh.toml:1:8: hosts.foo-vm: “username” is required\n"
    "ssh.toml:3:8: hosts.foo-vm.port: expected a port from 1 to 65535, found 70000\n"
    "ssh.toml:4:13: hosts.foo-vm.forwards: expected forwards like \"L:8080:127.0.0.1:80\" or \"R:9000:localhost:9000\"\n"
    "policy.toml:2:32: warning: unknown key “roles.trusted.can_fly”; it is ignored\n"
    "policy.toml:4:30: permissions.\"agent::b312a9f8\": no role “audited” is defined in [roles]\n");

  /* The GError carries the first error and the count of the rest. */
  g_assert_true (g_str_has_suffix (error->message, "config.toml:2:7: defaults.cpu: expected an integer from 1 to 1024, found \"two\" (and 8 more errors)"));
}

static void
test_syntax_error (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  write_config ("policy.toml",
                "[roles]\n"
                "trusted = { can_create = true }\n"
                "[permissions]\n"
                "\"model:ollama:llama3.2\" { role = \"trusted\" }\n");
  config = hv_config_new (NULL);
  g_assert_false (hv_config_load (config, &error));
  text = diagnostics_text (config);
  g_assert_cmpstr (text, ==, "policy.toml:4:25: expected '=' after key \"model:ollama:llama3.2\", found '{'\n");
}

static void
test_unknown_keys_warn (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  write_config ("config.toml",
                "[interface]\n"
                "refresh_interval_ms = 500\n"
                "theme = \"dark\"\n"
                "[gpu]\n"
                "enabled = true\n");
  config = hv_config_new (NULL);
  g_assert_true (hv_config_load (config, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hv_config_get_int (config, "interface.refresh_interval_ms"), ==, 500);
  text = diagnostics_text (config);
  g_assert_cmpstr (text, ==,
                   "config.toml:3:1: warning: unknown key “interface.theme”; it is ignored\n"
                   "config.toml:4:2: warning: unknown key “gpu”; it is ignored\n");
}

static void
test_environment (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  write_config ("config.toml",
                "[providers.ollama]\nhost = \"http://file:11434\"\n"
                "[libvirt]\nuris = [\"qemu:///session\"]\n");
  g_setenv ("OLLAMA_HOST", "10.0.0.2:11434", TRUE);
  g_setenv ("CONTAINERD_ADDRESS", "unix:///tmp/c.sock", TRUE);
  g_setenv ("AWS_DEFAULT_REGION", "ap-south-1", TRUE);
  g_setenv ("AWS_REGION", "eu-central-1", TRUE);
  g_setenv ("LIBVIRT_DEFAULT_URI", "test:///default", TRUE);

  config = hv_config_new (NULL);
  g_assert_true (hv_config_load (config, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hv_config_get_string (config, "providers.ollama.host"), ==, "http://10.0.0.2:11434");
  g_assert_cmpstr (hv_config_get_source (config, "providers.ollama.host"), ==, "environment (OLLAMA_HOST)");
  g_assert_cmpstr (hv_config_get_string (config, "containerd.address"), ==, "/tmp/c.sock");
  g_assert_cmpstr (hv_config_get_string (config, "providers.bedrock.region"), ==, "eu-central-1");
  g_assert_cmpstrv (hv_config_get_strv (config, "libvirt.uris"),
                    ((const char *[]) { "qemu:///session", "test:///default", NULL }));

  for (guint i = 0; i < G_N_ELEMENTS (env_vars); i++)
    g_unsetenv (env_vars[i]);
}

static void
count_change (HvConfig   *config,
              const char *key,
              GPtrArray  *seen)
{
  g_ptr_array_add (seen, g_strdup (key));
}

/* A reload that fails keeps the last good configuration and changes nothing; a good one
 * announces exactly the keys whose value changed. */
static void
test_reload_keeps_last_good (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

  write_config ("config.toml", "[defaults]\ncpu = 4\n");
  config = hv_config_new (NULL);
  g_assert_true (hv_config_load (config, NULL));
  g_signal_connect (config, "changed", G_CALLBACK (count_change), seen);

  write_config ("config.toml", "[defaults]\ncpu = 4\nram = \n");
  g_assert_false (hv_config_load (config, &error));
  g_assert_nonnull (strstr (error->message, "config.toml:3:7: "));
  g_assert_cmpint (hv_config_get_int (config, "defaults.cpu"), ==, 4);
  g_assert_cmpuint (seen->len, ==, 0);

  write_config ("config.toml", "[defaults]\ncpu = 6\n[containerd]\nnamespace = \"other\"\n");
  g_assert_true (hv_config_load (config, NULL));
  g_assert_cmpint (hv_config_get_int (config, "defaults.cpu"), ==, 6);
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (seen, "containerd.namespace", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (seen, "defaults.cpu", g_str_equal, NULL));
}

typedef struct {
  gboolean changed;
  GError *failure;
} WatchState;

static void
on_cpu_changed (HvConfig   *config,
                const char *key,
                WatchState *state)
{
  state->changed = TRUE;
}

static void
on_reload_failed (HvConfig   *config,
                  GError     *error,
                  WatchState *state)
{
  g_clear_error (&state->failure);
  state->failure = g_error_copy (error);
}

/* The GUI's path: the files are watched; an edit on disk reaches observers, a broken edit
 * is reported and the last good values stay. */
static void
test_watch (void)
{
  g_autoptr(HvConfig) config = NULL;
  WatchState state = { 0 };

  write_config ("config.toml", "[defaults]\ncpu = 2\n");
  config = hv_config_new (NULL);
  g_assert_true (hv_config_load (config, NULL));
  g_signal_connect (config, "changed::defaults.cpu", G_CALLBACK (on_cpu_changed), &state);
  g_signal_connect (config, "reload-failed", G_CALLBACK (on_reload_failed), &state);
  hv_config_watch (config);

  write_config ("config.toml", "[defaults]\ncpu = 3\n");
  HV_TEST_WAIT_FOR (state.changed, 5000);
  g_assert_cmpint (hv_config_get_int (config, "defaults.cpu"), ==, 3);

  write_config ("config.toml", "[defaults]\ncpu = [3\n");
  HV_TEST_WAIT_FOR (state.failure != NULL, 5000);
  g_assert_error (state.failure, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID);
  g_assert_true (g_str_has_suffix (state.failure->message, "config.toml:3:1: expected ',' or ']' after an array element, found end of file"));
  g_assert_cmpint (hv_config_get_int (config, "defaults.cpu"), ==, 3);
  g_clear_error (&state.failure);
}

static void
test_ssh_hosts (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const HvSshHostConfig *host;
  g_autofree char *key = NULL;

  write_config ("ssh.toml",
                "[hosts.foo-vm]\n"
                "address = \"192.168.122.12\"\n"
                "port = 2222\n"
                "username = \"hydra\"\n"
                "identity = \"~/.ssh/id_ed25519\"\n"
                "host_key_check = false\n"
                "connect_timeout = \"1m30s\"\n"
                "forwards = [\"L:8080:127.0.0.1:80\", \"R:9000:localhost:9000\"]\n"
                "\n"
                "[hosts.\"bar vm\"]\n"
                "address = \"bar.example\"\n"
                "username = \"root\"\n");
  config = hv_config_new (NULL);
  g_assert_true (hv_config_load (config, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hv_config_get_ssh_hosts (config)->len, ==, 2);

  host = hv_config_lookup_ssh_host (config, "foo-vm");
  g_assert_nonnull (host);
  g_assert_cmpstr (host->address, ==, "192.168.122.12");
  g_assert_cmpuint (host->port, ==, 2222);
  g_assert_cmpstr (host->username, ==, "hydra");
  key = g_build_filename (g_get_home_dir (), ".ssh", "id_ed25519", NULL);
  g_assert_cmpstr (host->identity, ==, key);
  g_assert_false (host->host_key_check);
  g_assert_cmpuint (host->connect_timeout, ==, 90);
  g_assert_cmpuint (host->session_timeout, ==, 120);
  g_assert_cmpstrv (host->forwards, ((const char *[]) { "L:8080:127.0.0.1:80", "R:9000:localhost:9000", NULL }));

  host = hv_config_lookup_ssh_host (config, "bar vm");
  g_assert_nonnull (host);
  g_assert_cmpuint (host->port, ==, 22);
  g_assert_cmpstr (host->identity, ==, "keyring");
  g_assert_true (host->host_key_check);
}

static void
test_policy (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  HvPolicyRole *role;
  HvPolicyPermission *permission;

  write_config ("policy.toml",
                "[roles]\n"
                "trusted   = { can_create = true,  can_attach_terminal = true,  can_read_terminal = true,  audited = false }\n"
                "audited   = { can_create = true,  can_attach_terminal = true,  can_read_terminal = true,  audited = true, needs_approval = true }\n"
                "\n"
                "[permissions]\n"
                "\"agent::b312a9f8\" = { role = \"audited\", override = { can_attach_terminal = false } }\n"
                "\n"
                "[audit]\n"
                "log_approved_for_roles = [\"audited\"]\n"
                "\n"
                "[defaults.vm]\n"
                "ram_limit = \"2GiB\"\n"
                "\n"
                "[recording]\n"
                "redact_patterns = [\"password\\\\s*=\", \"api_key\\\\s*=\"]\n");
  config = hv_config_new (NULL);
  g_assert_true (hv_config_load (config, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (hv_config_get_policy_roles (config)->len, ==, 2);
  role = g_ptr_array_index (hv_config_get_policy_roles (config), 1);
  g_assert_cmpstr (role->name, ==, "audited");
  g_assert_cmpuint (role->flags, ==, HV_POLICY_CAN_CREATE | HV_POLICY_CAN_ATTACH_TERMINAL |
                                     HV_POLICY_CAN_READ_TERMINAL | HV_POLICY_AUDITED | HV_POLICY_NEEDS_APPROVAL);
  permission = g_ptr_array_index (hv_config_get_policy_permissions (config), 0);
  g_assert_cmpstr (permission->id, ==, "agent::b312a9f8");
  g_assert_cmpstr (permission->role, ==, "audited");
  g_assert_cmpuint (permission->override_mask, ==, HV_POLICY_CAN_ATTACH_TERMINAL);
  g_assert_cmpuint (permission->override_values, ==, 0);
  g_assert_cmpuint (hv_config_get_size (config, "policy.defaults.vm.ram_limit"), ==, 2147483648ULL);
  g_assert_cmpstrv (hv_config_get_strv (config, "policy.recording.redact_patterns"),
                    ((const char *[]) { "password\\s*=", "api_key\\s*=", NULL }));
}

static void
test_bad_regex (void)
{
  g_autoptr(HvConfig) config = NULL;
  g_autofree char *text = NULL;

  write_config ("policy.toml", "[recording]\nredact_patterns = [\"(unclosed\"]\n");
  config = hv_config_new (NULL);
  g_assert_false (hv_config_load (config, NULL));
  text = diagnostics_text (config);
  g_assert_true (g_str_has_prefix (text, "policy.toml:2:19: recording.redact_patterns: expected regular expressions; “(unclosed” is not one: "));
}

static void
test_sizes (void)
{
  struct { const char *text; guint64 bytes; } good[] = {
    { "4GB", 4000000000ULL }, { "512MiB", 536870912ULL }, { "1.5GiB", 1610612736ULL },
    { "20 GB", 20000000000ULL }, { "100", 100 }, { "2tib", 2199023255552ULL }, { "0.5KiB", 512 },
  };
  const char *bad[] = { "", "GB", "4 gigs", "1.3B", "-1GB", "99999999999999999999", "1e9" };
  g_autofree char *formatted = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 bytes = 0;

      g_assert_true (hv_config_parse_size (good[i].text, &bytes, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (bytes, ==, good[i].bytes);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 bytes = 0;

      g_assert_false (hv_config_parse_size (bad[i], &bytes, &error));
      g_assert_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID);
    }

  formatted = hv_config_format_size (1610612736ULL);
  g_assert_cmpstr (formatted, ==, "1536MiB");
}

static void
test_durations (void)
{
  struct { const char *text; guint64 ms; } good[] = {
    { "500ms", 500 }, { "10s", 10000 }, { "5m", 300000 }, { "1h", 3600000 }, { "1m30s", 90000 }, { "2d", 172800000 },
  };
  const char *bad[] = { "", "10", "ten s", "5 m", "1x" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint64 ms = 0;

      g_assert_true (hv_config_parse_duration (good[i].text, &ms, NULL));
      g_assert_cmpuint (ms, ==, good[i].ms);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 ms = 0;

      g_assert_false (hv_config_parse_duration (bad[i], &ms, &error));
      g_assert_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID);
    }
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (env_vars); i++)
    g_unsetenv (env_vars[i]);

  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/values", test_values);
  g_test_add_func ("/config/errors-name-location", test_errors_name_location);
  g_test_add_func ("/config/syntax-error", test_syntax_error);
  g_test_add_func ("/config/unknown-keys-warn", test_unknown_keys_warn);
  g_test_add_func ("/config/environment", test_environment);
  g_test_add_func ("/config/reload-keeps-last-good", test_reload_keeps_last_good);
  g_test_add_func ("/config/watch", test_watch);
  g_test_add_func ("/config/ssh-hosts", test_ssh_hosts);
  g_test_add_func ("/config/policy", test_policy);
  g_test_add_func ("/config/bad-regex", test_bad_regex);
  g_test_add_func ("/config/sizes", test_sizes);
  g_test_add_func ("/config/durations", test_durations);

  return g_test_run ();
}
