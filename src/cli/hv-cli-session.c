// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <unistd.h>

#include "hv-cli-private.h"
#include "hv-config.h"
#include "hv-host-command.h"
#include "hv-tmux-server.h"

/* The server and prefix of the configuration; NULL (and an exit status) when it is broken. */
static HvTmuxServer *
server_from_config (int *status)
{
  g_autoptr(HvConfig) config = hv_config_new (NULL);
  g_autoptr(GError) error = NULL;
  HvTmuxServer *server;

  if (!hv_config_load (config, &error))
    {
      fprintf (stderr, "hydravisor: %s\n", error->message);
      *status = HV_CLI_EXIT_USAGE;
      return NULL;
    }
  server = hv_tmux_server_new (hv_config_get_string (config, "tmux.socket_name"),
                               hv_config_get_string (config, "tmux.session_prefix"));
  /* Sessions made here are recorded like the window's, by this same binary. */
  if (hv_config_get_boolean (config, "tmux.record_all_sessions"))
    {
      g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);

      if (self_path != NULL)
        hv_tmux_server_set_recorder (server, self_path, NULL, hv_config_get_dir (config));
    }
  return server;
}

static char *
name_for (HvTmuxServer *server,
          const char   *id,
          int          *status)
{
  g_autoptr(GError) error = NULL;

  if (!hv_tmux_validate_id (id, &error))
    {
      *status = hv_cli_usage_error ("session", "%s", error->message);
      return NULL;
    }
  return hv_tmux_server_session_name (server, id);
}

static int
session_list (HvTmuxServer *server,
              gboolean      json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = hv_tmux_server_list_sync (server, &error);

  if (sessions == NULL)
    return hv_cli_fail (_("session list"), error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < sessions->len; i++)
        {
          HvTmuxSession *s = g_ptr_array_index (sessions, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, hv_tmux_session_get_short_name (s));
          json_builder_set_member_name (builder, "session");
          json_builder_add_string_value (builder, hv_tmux_session_get_name (s));
          json_builder_set_member_name (builder, "windows");
          json_builder_add_int_value (builder, hv_tmux_session_get_n_windows (s));
          json_builder_set_member_name (builder, "attached");
          json_builder_add_int_value (builder, hv_tmux_session_get_n_clients (s));
          json_builder_set_member_name (builder, "recording");
          json_builder_add_boolean_value (builder, hv_tmux_session_get_recording (s));
          json_builder_set_member_name (builder, "created");
          json_builder_add_int_value (builder, hv_tmux_session_get_created (s));
          json_builder_set_member_name (builder, "command");
          json_builder_add_string_value (builder, hv_tmux_session_get_current_command (s));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return HV_CLI_EXIT_OK;
    }

  if (sessions->len == 0)
    {
      printf ("%s\n", _("No sessions. Create one with “hydravisor session new NAME”."));
      return HV_CLI_EXIT_OK;
    }
  printf ("%-24s %-10s %-8s %-9s %s\n", _("NAME"), _("STATE"), _("WINDOWS"), _("RECORDING"), _("COMMAND"));
  for (guint i = 0; i < sessions->len; i++)
    {
      HvTmuxSession *s = g_ptr_array_index (sessions, i);

      printf ("%-24s %-10s %-8u %-9s %s\n", hv_tmux_session_get_short_name (s),
              hv_tmux_session_get_n_clients (s) > 0 ? _("attached") : _("detached"),
              hv_tmux_session_get_n_windows (s),
              hv_tmux_session_get_recording (s) ? _("yes") : _("no"),
              hv_tmux_session_get_current_command (s));
    }
  return HV_CLI_EXIT_OK;
}

static int
run_tmux (HvTmuxServer       *server,
          const char         *what,
          const char         *name,
          const char * const *args,
          gboolean            print)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = hv_tmux_server_run_sync (server, args, &error);

  if (out == NULL)
    {
      if (strstr (error->message, "can't find") != NULL || strstr (error->message, "no server running") != NULL ||
          strstr (error->message, "error connecting") != NULL)
        {
          g_autofree char *why = g_strdup_printf (_("there is no session “%s” (see “hydravisor session list”)"),
                                                  hv_tmux_server_get_prefix (server)[0] && g_str_has_prefix (name, hv_tmux_server_get_prefix (server))
                                                  ? name + strlen (hv_tmux_server_get_prefix (server)) : name);
          return hv_cli_fail (what, why);
        }
      return hv_cli_fail (what, error->message);
    }
  if (print)
    fputs (out, stdout);
  return HV_CLI_EXIT_OK;
}

static int
session_new (HvTmuxServer  *server,
             const char    *name,
             char         **command)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = hv_tmux_server_new_session_argv (server, name, (const char * const *) command,
                                                        NULL, NULL, 0, 0);

  if (!hv_host_command_run_sync ((const char * const *) argv, NULL, NULL, NULL, NULL, &error))
    {
      if (strstr (error->message, "duplicate session") != NULL)
        return hv_cli_fail (_("session new"), _("a session with that name already exists"));
      return hv_cli_fail (_("session new"), error->message);
    }
  printf ("%s\n", name);
  return HV_CLI_EXIT_OK;
}

static int
session_attach (HvTmuxServer *server,
                const char   *name)
{
  g_auto(GStrv) argv = hv_tmux_server_attach_argv (server, name);
  g_auto(GStrv) wrapped = hv_host_command_wrap_argv ((const char * const *) argv);
  g_auto(GStrv) envp = hv_tmux_server_clean_environ (g_get_environ ());
  g_autofree char *program = g_find_program_in_path (wrapped[0]);

  if (program == NULL)
    return hv_cli_fail (_("session attach"), _("tmux is not installed or not in PATH"));
  /* Replace this process: the terminal belongs to tmux from here on. */
  execve (program, wrapped, envp);
  return hv_cli_fail (_("session attach"), g_strerror (errno));
}

static int
run_session (HvCliContext  *ctx,
             int            argc,
             char         **argv)
{
  g_autoptr(HvTmuxServer) server = NULL;
  g_autofree char *name = NULL;
  g_autofree char *target = NULL;
  g_autofree char *pane = NULL;
  const char *action;
  int status = HV_CLI_EXIT_OK;

  if (argc < 2)
    return hv_cli_usage_error ("session", _("session needs an action"));
  action = argv[1];

  server = server_from_config (&status);
  if (server == NULL)
    return status;

  if (g_str_equal (action, "list"))
    {
      if (argc > 3 || (argc == 3 && !g_str_equal (argv[2], "--json")))
        return hv_cli_usage_error ("session", _("list takes only --json"));
      return session_list (server, argc == 3);
    }

  if (argc < 3)
    return hv_cli_usage_error ("session", _("%s needs a session name"), action);
  name = name_for (server, argv[2], &status);
  if (name == NULL)
    return status;
  target = g_strconcat ("=", name, NULL);
  pane = g_strconcat ("=", name, ":", NULL);

  if (g_str_equal (action, "new"))
    {
      char **command = NULL;

      if (argc > 3)
        {
          if (!g_str_equal (argv[3], "--") || argc == 4)
            return hv_cli_usage_error ("session", _("write the command after “--”: session new NAME -- CMD…"));
          command = argv + 4;
        }
      return session_new (server, name, command);
    }
  if (argc > 3 && !g_str_equal (action, "send"))
    return hv_cli_usage_error ("session", _("too many arguments for %s"), action);
  if (g_str_equal (action, "attach"))
    return session_attach (server, name);
  if (g_str_equal (action, "kill"))
    {
      g_auto(GStrv) kill_argv = hv_tmux_server_kill_argv (server, name);
      g_autoptr(GError) error = NULL;

      if (!hv_host_command_run_sync ((const char * const *) kill_argv, NULL, NULL, NULL, NULL, &error))
        {
          g_autofree char *why = NULL;

          if (strstr (error->message, "can't find") || strstr (error->message, "no server running") ||
              strstr (error->message, "error connecting"))
            why = g_strdup_printf (_("there is no session “%s” (see “hydravisor session list”)"), argv[2]);
          return hv_cli_fail (_("session kill"), why ? why : error->message);
        }
      return HV_CLI_EXIT_OK;
    }
  if (g_str_equal (action, "capture"))
    {
      const char *args[] = { "capture-pane", "-p", "-J", "-t", pane, NULL };
      return run_tmux (server, _("session capture"), name, args, TRUE);
    }
  if (g_str_equal (action, "send"))
    {
      gboolean enter = TRUE;
      const char *text;
      int rc;

      if (argc == 5 && g_str_equal (argv[3], "--no-enter"))
        enter = FALSE, text = argv[4];
      else if (argc == 4)
        text = argv[3];
      else
        return hv_cli_usage_error ("session", _("send takes a name and one TEXT argument"));
      {
        const char *args[] = { "send-keys", "-t", pane, "-l", "--", text, NULL };
        rc = run_tmux (server, _("session send"), name, args, FALSE);
      }
      if (rc == HV_CLI_EXIT_OK && enter)
        {
          const char *args[] = { "send-keys", "-t", pane, "Enter", NULL };
          rc = run_tmux (server, _("session send"), name, args, FALSE);
        }
      return rc;
    }
  return hv_cli_usage_error ("session", _("unknown action “%s”"), action);
}

static const HvCliCommand session_command = {
  .name = "session",
  .usage = "list [--json]|new NAME [-- CMD…]|attach NAME|kill NAME|capture NAME|send NAME [--no-enter] TEXT",
  .summary = N_("Terminal sessions: tmux sessions named hydravisor-NAME"),
  .help = N_("list     the sessions, attached or detached, and whether they are recorded\n"
             "new      create a detached session running CMD (default: your shell)\n"
             "attach   attach this terminal to the session (tmux attach)\n"
             "kill     end the session and everything running in it\n"
             "capture  print what the session's active pane shows\n"
             "send     type TEXT into the session, then Enter (unless --no-enter)\n"
             "NAME is 1 to 64 letters, digits, '-' or '_'. The tmux server and the prefix come\n"
             "from [tmux] socket_name and session_prefix in config.toml."),
  .run = run_session,
};

void
_hv_cli_register_session (void)
{
  hv_cli_register (&session_command);
}
