// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "hv-cli.h"
#include "hv-cli-private.h"
#include "hv-paths.h"

struct _HvCliContext
{
  gboolean verbose;
  const char *config_dir;
};

static GPtrArray *commands;

/**
 * hv_cli_register:
 * @command: (transfer none): a static description of one subcommand
 */
void
hv_cli_register (const HvCliCommand *command)
{
  g_return_if_fail (command != NULL && command->name != NULL && command->run != NULL);
  g_return_if_fail (hv_cli_lookup (command->name) == NULL);

  if (commands == NULL)
    commands = g_ptr_array_new ();
  g_ptr_array_add (commands, (gpointer) command);
}

const HvCliCommand *
hv_cli_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; commands != NULL && i < commands->len; i++)
    {
      const HvCliCommand *command = g_ptr_array_index (commands, i);

      if (g_str_equal (command->name, name))
        return command;
    }
  return NULL;
}

gboolean
hv_cli_context_get_verbose (HvCliContext *ctx)
{
  return ctx->verbose;
}

const char *
hv_cli_context_get_config_dir (HvCliContext *ctx)
{
  return ctx->config_dir;
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("usage: hydravisor [--config DIR] [--verbose] [--version] [SUBCOMMAND [ARGS…]]"));
}

/**
 * hv_cli_usage_error:
 * @command: (nullable): the subcommand whose usage line to show
 *
 * Prints `hydravisor: MESSAGE` and the usage line on stderr.
 *
 * Returns: %HV_CLI_EXIT_USAGE
 */
int
hv_cli_usage_error (const char *command,
                    const char *format,
                    ...)
{
  const HvCliCommand *cmd = command ? hv_cli_lookup (command) : NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "hydravisor: %s\n", message);
  if (cmd != NULL)
    fprintf (stderr, _("usage: hydravisor %s %s\n"), cmd->name, cmd->usage ? cmd->usage : "");
  else
    print_usage (stderr);

  return HV_CLI_EXIT_USAGE;
}

/**
 * hv_cli_fail:
 *
 * Prints `hydravisor: WHAT: WHY` on stderr.
 *
 * Returns: %HV_CLI_EXIT_FAILED
 */
int
hv_cli_fail (const char *what,
             const char *why)
{
  fprintf (stderr, "hydravisor: %s: %s\n", what, why);
  return HV_CLI_EXIT_FAILED;
}

static int
compare_commands (gconstpointer a,
                  gconstpointer b)
{
  const HvCliCommand *ca = *(const HvCliCommand **) a;
  const HvCliCommand *cb = *(const HvCliCommand **) b;

  return g_strcmp0 (ca->name, cb->name);
}

static int
run_help (HvCliContext  *ctx,
          int            argc,
          char         **argv)
{
  const HvCliCommand *command;

  if (argc > 2)
    return hv_cli_usage_error ("help", _("help takes at most one subcommand"));

  if (argc == 2)
    {
      command = hv_cli_lookup (argv[1]);
      if (command == NULL)
        return hv_cli_usage_error (NULL, _("unknown subcommand “%s”; run “hydravisor help” for the list"), argv[1]);

      printf (_("usage: hydravisor %s %s\n"), command->name, command->usage ? command->usage : "");
      printf ("\n%s\n", _(command->summary));
      if (command->help != NULL)
        printf ("\n%s\n", _(command->help));
      return HV_CLI_EXIT_OK;
    }

  print_usage (stdout);
  printf ("\n%s\n\n", _("Hydravisor runs AI agents and people side by side in virtual machines, containers and terminal sessions they can audit. Without a subcommand it opens the window."));
  printf ("%s\n", _("Subcommands:"));
  g_ptr_array_sort (commands, compare_commands);
  for (guint i = 0; i < commands->len; i++)
    {
      command = g_ptr_array_index (commands, i);
      if (command->hidden)
        continue;
      printf ("  %-12s %s\n", command->name, _(command->summary));
    }
  printf ("\n%s\n", _("Global options:"));
  printf ("  %-12s %s\n", "--config DIR", _("read config.toml, ssh.toml and policy.toml from DIR"));
  printf ("  %-12s %s\n", "--verbose", _("print debug messages on stderr"));
  printf ("  %-12s %s\n", "--version", _("print the version and exit"));
  printf ("\n%s\n", _("Run “hydravisor help SUBCOMMAND” for the options of one subcommand."));
  return HV_CLI_EXIT_OK;
}

static const HvCliCommand help_command = {
  .name = "help",
  .usage = "[SUBCOMMAND]",
  .summary = N_("Show the subcommands, or the usage of one"),
  .run = run_help,
};

void
_hv_cli_register_builtin (void)
{
  if (hv_cli_lookup ("help") == NULL)
    hv_cli_register (&help_command);
}

/**
 * hv_cli_dispatch:
 * @exit_status: (out): the process's exit status when this returns %TRUE
 *
 * Reads the global options and runs the subcommand, if any.
 *
 * Returns: %TRUE when the command line was handled here and the process should exit
 *   with @exit_status; %FALSE when the window should open (no subcommand).
 */
gboolean
hv_cli_dispatch (int    argc,
                 char **argv,
                 int   *exit_status)
{
  HvCliContext ctx = { 0 };
  const HvCliCommand *command;
  int i;

  g_return_val_if_fail (exit_status != NULL, FALSE);

  hv_cli_register_all ();

  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--"))
        {
          i++;
          break;
        }
      if (arg[0] != '-')
        break;

      if (g_str_equal (arg, "--version") || g_str_equal (arg, "-V"))
        {
          printf ("hydravisor %s\n", PACKAGE_VERSION);
          *exit_status = HV_CLI_EXIT_OK;
          return TRUE;
        }
      else if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          *exit_status = run_help (&ctx, 1, argv + i);
          return TRUE;
        }
      else if (g_str_equal (arg, "--verbose") || g_str_equal (arg, "-v"))
        {
          ctx.verbose = TRUE;
        }
      else if (g_str_equal (arg, "--config") || g_str_has_prefix (arg, "--config="))
        {
          const char *dir = arg[8] == '=' ? arg + 9 : (i + 1 < argc ? argv[++i] : NULL);

          if (dir == NULL || dir[0] == '\0')
            {
              *exit_status = hv_cli_usage_error (NULL, _("--config needs a folder"));
              return TRUE;
            }
          ctx.config_dir = dir;
        }
      else
        {
          *exit_status = hv_cli_usage_error (NULL, _("unknown option “%s”"), arg);
          return TRUE;
        }
    }

  if (ctx.config_dir != NULL)
    hv_paths_set_config_dir (ctx.config_dir);
  if (ctx.verbose)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);

  if (i >= argc)
    return FALSE;

  command = hv_cli_lookup (argv[i]);
  if (command == NULL)
    {
      *exit_status = hv_cli_usage_error (NULL, _("unknown subcommand “%s”; run “hydravisor help” for the list"), argv[i]);
      return TRUE;
    }

  *exit_status = command->run (&ctx, argc - i, argv + i);
  return TRUE;
}
