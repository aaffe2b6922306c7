// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "hv-cli-private.h"
#include "hv-config.h"

static void
print_diagnostics (HvConfig *config)
{
  GPtrArray *diagnostics = hv_config_get_diagnostics (config);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      g_autofree char *text = hv_config_diagnostic_format (g_ptr_array_index (diagnostics, i));

      fprintf (stderr, "%s\n", text);
    }
}

static guint
count_errors (HvConfig *config)
{
  GPtrArray *diagnostics = hv_config_get_diagnostics (config);
  guint n = 0;

  for (guint i = 0; i < diagnostics->len; i++)
    if (((HvConfigDiagnostic *) g_ptr_array_index (diagnostics, i))->severity == HV_CONFIG_SEVERITY_ERROR)
      n++;
  return n;
}

static int
config_check (HvConfig *config)
{
  gboolean ok = hv_config_load (config, NULL);
  guint n_errors = count_errors (config);
  guint n_warnings = hv_config_get_diagnostics (config)->len - n_errors;

  print_diagnostics (config);
  if (!ok)
    {
      fprintf (stderr, ngettext ("hydravisor: config check: %u error in %s\n",
                                 "hydravisor: config check: %u errors in %s\n", n_errors),
               n_errors, hv_config_get_dir (config));
      return HV_CLI_EXIT_FAILED;
    }
  printf (ngettext ("%s: configuration is valid (%u warning)\n", "%s: configuration is valid (%u warnings)\n", n_warnings),
          hv_config_get_dir (config), n_warnings);
  return HV_CLI_EXIT_OK;
}

static int
config_show (HvConfig *config)
{
  g_autofree char *text = NULL;

  if (!hv_config_load (config, NULL))
    {
      print_diagnostics (config);
      fprintf (stderr, "%s\n", _("hydravisor: config show: the configuration has errors; run “hydravisor config check”"));
      return HV_CLI_EXIT_USAGE;
    }
  print_diagnostics (config);
  text = hv_config_to_toml (config);
  fputs (text, stdout);
  return HV_CLI_EXIT_OK;
}

static int
run_config (HvCliContext  *ctx,
            int            argc,
            char         **argv)
{
  g_autoptr(HvConfig) config = NULL;

  if (argc != 2)
    return hv_cli_usage_error ("config", _("config takes one action: check or show"));

  config = hv_config_new (NULL);
  if (g_str_equal (argv[1], "check"))
    return config_check (config);
  if (g_str_equal (argv[1], "show"))
    return config_show (config);
  return hv_cli_usage_error ("config", _("unknown action “%s”"), argv[1]);
}

static const HvCliCommand config_command = {
  .name = "config",
  .usage = "check|show",
  .summary = N_("Check the configuration files, or print the effective configuration"),
  .help = N_("check  validates config.toml, ssh.toml and policy.toml and prints each problem as\n"
             "       FILE:LINE:COLUMN: message; exits 1 if any file has an error.\n"
             "show   prints the configuration in effect (files, defaults and environment) as TOML."),
  .run = run_config,
};

void
_hv_cli_register_config (void)
{
  hv_cli_register (&config_command);
}
