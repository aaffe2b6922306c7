// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <unistd.h>

#include "hv-chat-provider.h"
#include "hv-cli-private.h"
#include "hv-config.h"

/* Runs the main loop until the async call given to it finishes. */
typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
wait_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_run (Wait *wait)
{
  if (wait->result == NULL)
    g_main_loop_run (wait->loop);
  return wait->result;
}

static void
wait_clear (Wait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_object (&wait->result);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Wait, wait_clear)

/* Decimal units, as Ollama shows sizes: "7.4 GB". */
static char *
format_size (guint64 bytes)
{
  static const char * const units[] = { "KB", "MB", "GB", "TB", "PB" };
  double value = (double) bytes;
  guint unit = 0;

  if (bytes < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " B", bytes);
  value /= 1000.0;
  while (value >= 999.95 && unit + 1 < G_N_ELEMENTS (units))
    {
      value /= 1000.0;
      unit++;
    }
  return g_strdup_printf ("%.1f %s", value, units[unit]);
}

static char *
format_local_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static char *
format_utc_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static const char *
or_empty (const char *text)
{
  return text ? text : "";
}

/* Prints rows of cells in columns, two spaces apart; the last column is not padded. */
static void
print_table (GPtrArray *rows,
             guint      n_columns)
{
  g_autofree glong *widths = g_new0 (glong, n_columns);

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);

      for (guint c = 0; c < n_columns; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (cells[c], -1));
    }
  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < n_columns; c++)
        {
          g_string_append (line, cells[c]);
          if (c + 1 < n_columns)
            for (glong pad = g_utf8_strlen (cells[c], -1); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      /* A last column that is empty leaves no trailing blanks. */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      printf ("%s\n", line->str);
    }
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_member_time (JsonBuilder *builder,
                 const char  *name,
                 GDateTime   *time)
{
  g_autofree char *text = time ? format_utc_time (time) : NULL;

  add_member_string (builder, name, text);
}

static void
add_model_json (JsonBuilder *builder,
                HvModelInfo *info,
                gboolean     running)
{
  json_builder_begin_object (builder);
  add_member_string (builder, "name", hv_model_info_get_name (info));
  add_member_string (builder, "provider", hv_model_info_get_provider (info));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) hv_model_info_get_size (info));
  add_member_string (builder, "parameter_size", hv_model_info_get_parameter_size (info));
  add_member_string (builder, "quantization", hv_model_info_get_quantization (info));
  add_member_string (builder, "family", hv_model_info_get_family (info));
  add_member_string (builder, "format", hv_model_info_get_format (info));
  add_member_string (builder, "digest", hv_model_info_get_digest (info));
  if (running)
    {
      json_builder_set_member_name (builder, "size_vram");
      json_builder_add_int_value (builder, (gint64) hv_model_info_get_size_vram (info));
      add_member_time (builder, "expires", hv_model_info_get_expires (info));
    }
  else
    add_member_time (builder, "modified", hv_model_info_get_modified (info));
  json_builder_end_object (builder);
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, TRUE);

  printf ("%s\n", text);
}

static void
print_models (GListModel *models,
              gboolean    running,
              gboolean    json)
{
  guint n = g_list_model_get_n_items (models);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HvModelInfo) info = g_list_model_get_item (models, i);

          add_model_json (builder, info, running);
        }
      json_builder_end_array (builder);
      print_json (builder);
      return;
    }

  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

    if (running)
      g_ptr_array_add (rows, g_strdupv ((char *[]) { (char *) "NAME", (char *) "SIZE", (char *) "VRAM",
                                                     (char *) "PARAMS", (char *) "QUANT", (char *) "UNTIL", NULL }));
    else
      g_ptr_array_add (rows, g_strdupv ((char *[]) { (char *) "NAME", (char *) "SIZE", (char *) "PARAMS",
                                                     (char *) "QUANT", (char *) "MODIFIED", NULL }));
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(HvModelInfo) info = g_list_model_get_item (models, i);
        g_autoptr(GStrvBuilder) row = g_strv_builder_new ();
        g_autofree char *size = format_size (hv_model_info_get_size (info));

        g_strv_builder_add (row, hv_model_info_get_name (info));
        g_strv_builder_add (row, size);
        if (running)
          {
            g_autofree char *vram = format_size (hv_model_info_get_size_vram (info));

            g_strv_builder_add (row, vram);
          }
        g_strv_builder_add (row, or_empty (hv_model_info_get_parameter_size (info)));
        g_strv_builder_add (row, or_empty (hv_model_info_get_quantization (info)));
        {
          g_autofree char *when = format_local_time (running ? hv_model_info_get_expires (info)
                                                             : hv_model_info_get_modified (info));

          g_strv_builder_add (row, when);
        }
        g_ptr_array_add (rows, g_strv_builder_end (row));
      }
    print_table (rows, running ? 6 : 5);
  }
}

static void
print_details (HvModelInfo *info,
               gboolean     json)
{
  const char * const *capabilities = hv_model_info_get_capabilities (info);
  g_autofree char *caps = capabilities ? g_strjoinv (", ", (char **) capabilities) : NULL;
  g_autofree char *context = NULL;
  g_autofree char *modified = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      add_member_string (builder, "name", hv_model_info_get_name (info));
      add_member_string (builder, "provider", hv_model_info_get_provider (info));
      add_member_string (builder, "family", hv_model_info_get_family (info));
      add_member_string (builder, "format", hv_model_info_get_format (info));
      add_member_string (builder, "parameter_size", hv_model_info_get_parameter_size (info));
      add_member_string (builder, "quantization", hv_model_info_get_quantization (info));
      json_builder_set_member_name (builder, "context_length");
      json_builder_add_int_value (builder, (gint64) hv_model_info_get_context_length (info));
      json_builder_set_member_name (builder, "capabilities");
      json_builder_begin_array (builder);
      for (guint i = 0; capabilities != NULL && capabilities[i] != NULL; i++)
        json_builder_add_string_value (builder, capabilities[i]);
      json_builder_end_array (builder);
      add_member_time (builder, "modified", hv_model_info_get_modified (info));
      add_member_string (builder, "parameters", hv_model_info_get_parameters (info));
      add_member_string (builder, "template", hv_model_info_get_template (info));
      add_member_string (builder, "license", hv_model_info_get_license (info));
      json_builder_end_object (builder);
      print_json (builder);
      return;
    }

  context = hv_model_info_get_context_length (info) > 0
    ? g_strdup_printf ("%" G_GUINT64_FORMAT, hv_model_info_get_context_length (info)) : g_strdup ("");
  modified = format_local_time (hv_model_info_get_modified (info));
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
#define ROW(label, value) g_ptr_array_add (rows, g_strdupv ((char *[]) { (char *) (label), (char *) or_empty (value), NULL }))
  ROW (_("name"), hv_model_info_get_name (info));
  ROW (_("family"), hv_model_info_get_family (info));
  ROW (_("parameters"), hv_model_info_get_parameter_size (info));
  ROW (_("quantization"), hv_model_info_get_quantization (info));
  ROW (_("context length"), context);
  ROW (_("capabilities"), caps);
  ROW (_("modified"), modified);
#undef ROW
  print_table (rows, 2);
}

/* Pull progress: one updating line on a terminal; on a pipe, a line per status and per
 * tenth of a layer, so that logs stay short. */
typedef struct {
  gboolean tty;
  char *status;
  int last_bucket;
  gboolean line_open;
} PullPrinter;

static void
pull_printer_free (PullPrinter *printer)
{
  if (printer->line_open)
    printf ("\n");
  g_free (printer->status);
  g_free (printer);
}

static void
on_pull_progress (const HvPullProgress *progress,
                  gpointer              user_data)
{
  PullPrinter *printer = user_data;
  gboolean new_status = g_strcmp0 (printer->status, progress->status) != 0;
  guint percent = progress->total > 0 ? (guint) (MIN (progress->completed, progress->total) * 100 / progress->total) : 0;

  if (new_status)
    {
      g_free (printer->status);
      printer->status = g_strdup (progress->status);
      printer->last_bucket = -1;
    }

  if (printer->tty)
    {
      if (new_status && printer->line_open)
        printf ("\n");
      if (progress->total > 0)
        {
          g_autofree char *done = format_size (progress->completed);
          g_autofree char *total = format_size (progress->total);

          printf ("\r\033[K%s: %3u%% (%s / %s)", progress->status, percent, done, total);
        }
      else
        printf ("\r\033[K%s", progress->status);
      printer->line_open = TRUE;
    }
  else if (progress->total > 0)
    {
      int bucket = percent == 100 ? 100 : (int) (percent / 10 * 10);

      if (bucket > printer->last_bucket)
        {
          printf ("%s: %u%%\n", progress->status, percent);
          printer->last_bucket = bucket;
        }
    }
  else if (new_status)
    printf ("%s\n", progress->status);

  fflush (stdout);
}

static int
models_pull (HvChatProvider *provider,
             const char     *name)
{
  g_auto(Wait) wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;
  PullPrinter *printer = g_new0 (PullPrinter, 1);

  printer->tty = isatty (STDOUT_FILENO);
  printer->last_bucket = -1;
  hv_chat_provider_pull_async (provider, name, on_pull_progress, printer, (GDestroyNotify) pull_printer_free,
                               NULL, wait_done, &wait);
  if (!hv_chat_provider_pull_finish (provider, wait_run (&wait), &error))
    {
      fflush (stdout);
      return hv_cli_fail (_("models pull"), error->message);
    }
  return HV_CLI_EXIT_OK;
}

static int
models_delete (HvChatProvider *provider,
               const char     *name)
{
  g_auto(Wait) wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;

  hv_chat_provider_delete_model_async (provider, name, NULL, wait_done, &wait);
  if (!hv_chat_provider_delete_model_finish (provider, wait_run (&wait), &error))
    return hv_cli_fail (_("models delete"), error->message);
  printf (_("deleted %s\n"), name);
  return HV_CLI_EXIT_OK;
}

static int
models_list (HvChatProvider *provider,
             gboolean        running,
             gboolean        json)
{
  g_auto(Wait) wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) models = NULL;

  if (running)
    {
      hv_chat_provider_list_running_async (provider, NULL, wait_done, &wait);
      models = hv_chat_provider_list_running_finish (provider, wait_run (&wait), &error);
    }
  else
    {
      hv_chat_provider_list_models_async (provider, NULL, wait_done, &wait);
      models = hv_chat_provider_list_models_finish (provider, wait_run (&wait), &error);
    }
  if (models == NULL)
    return hv_cli_fail (running ? _("models ps") : _("models list"), error->message);
  print_models (models, running, json);
  return HV_CLI_EXIT_OK;
}

static int
models_show (HvChatProvider *provider,
             const char     *name,
             gboolean        json)
{
  g_auto(Wait) wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(HvModelInfo) info = NULL;

  hv_chat_provider_show_model_async (provider, name, NULL, wait_done, &wait);
  info = hv_chat_provider_show_model_finish (provider, wait_run (&wait), &error);
  if (info == NULL)
    return hv_cli_fail (_("models show"), error->message);
  print_details (info, json);
  return HV_CLI_EXIT_OK;
}

static int
run_models (HvCliContext  *ctx,
            int            argc,
            char         **argv)
{
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(HvChatProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *provider_id = NULL;
  const char *action;
  const char *name = NULL;
  gboolean json = FALSE;
  gboolean takes_name;
  gboolean takes_json;

  if (argc < 2)
    return hv_cli_usage_error ("models", _("models takes an action: list, ps, show, pull or delete"));
  action = argv[1];
  if (!g_strv_contains ((const char * const[]) { "list", "ps", "show", "pull", "delete", NULL }, action))
    return hv_cli_usage_error ("models", _("unknown action “%s”"), action);
  takes_name = g_str_equal (action, "show") || g_str_equal (action, "pull") || g_str_equal (action, "delete");
  takes_json = !g_str_equal (action, "pull") && !g_str_equal (action, "delete");

  for (int i = 2; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--json") && takes_json)
        json = TRUE;
      else if (g_str_equal (arg, "--provider") || g_str_has_prefix (arg, "--provider="))
        {
          const char *value = arg[10] == '=' ? arg + 11 : (i + 1 < argc ? argv[++i] : NULL);

          if (value == NULL || value[0] == '\0')
            return hv_cli_usage_error ("models", _("--provider needs a provider: ollama or bedrock"));
          g_free (provider_id);
          provider_id = g_strdup (value);
        }
      else if (arg[0] == '-' && arg[1] != '\0')
        return hv_cli_usage_error ("models", _("models %s does not take “%s”"), action, arg);
      else if (takes_name && name == NULL)
        name = arg;
      else
        return hv_cli_usage_error ("models", _("models %s takes no more arguments (“%s”)"), action, arg);
    }
  if (takes_name && name == NULL)
    return hv_cli_usage_error ("models", _("models %s needs a model name"), action);

  config = hv_config_new (NULL);
  if (!hv_config_load (config, &error))
    {
      fprintf (stderr, "hydravisor: %s\n", error->message);
      return HV_CLI_EXIT_USAGE;
    }

  if (provider_id == NULL &&
      !hv_chat_parse_model_ref (hv_config_get_string (config, "defaults.model"), &provider_id, NULL, NULL))
    provider_id = g_strdup ("ollama");

  provider = hv_chat_provider_new_for_id (provider_id, config, &error);
  if (provider == NULL)
    {
      g_autofree char *what = g_strdup_printf ("models %s", action);

      return hv_cli_fail (what, error->message);
    }

  if (g_str_equal (action, "list"))
    return models_list (provider, FALSE, json);
  if (g_str_equal (action, "ps"))
    return models_list (provider, TRUE, json);
  if (g_str_equal (action, "show"))
    return models_show (provider, name, json);
  if (g_str_equal (action, "pull"))
    return models_pull (provider, name);
  return models_delete (provider, name);
}

static const HvCliCommand models_command = {
  .name = "models",
  .usage = "list [--provider ollama|bedrock] [--json]|ps [--json]|show NAME [--json]|pull NAME|delete NAME",
  .summary = N_("List, download and delete the models you can chat with"),
  .help = N_("list    the installed models: NAME, SIZE, PARAMS, QUANT, MODIFIED (local time);\n"
             "        --json prints an array of objects instead\n"
             "ps      the models loaded in memory now, and until when\n"
             "show    the details of one model\n"
             "pull    downloads a model; on a terminal one line shows the progress, otherwise\n"
             "        a line is printed per step and per tenth of each layer\n"
             "delete  removes a model and its data\n"
             "\n"
             "The provider is the one of defaults.model (ollama unless configured otherwise);\n"
             "Ollama is reached at providers.ollama.host (OLLAMA_HOST overrides it)."),
  .run = run_models,
};

void
_hv_cli_register_models (void)
{
  hv_cli_register (&models_command);
}
