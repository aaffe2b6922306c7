// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "hv-host-command.h"
#include "hv-pane-size-watcher.h"

/* The reply to the size query starts with this word. */
#define SIZE_REPLY "hv-size "

struct _HvPaneSizeWatcher
{
  GObject parent_instance;

  char *socket_name;
  char *session;
  char *pane_id;           /* "%3" */
  guint pane;              /* 3 */

  GSubprocess *client;
  GDataInputStream *lines;
  GCancellable *cancellable;
  guint cols;
  guint rows;
  gboolean running;
};

enum {
  RESIZED,
  STOPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HvPaneSizeWatcher, hv_pane_size_watcher, G_TYPE_OBJECT)

static void
hv_pane_size_watcher_dispose (GObject *object)
{
  HvPaneSizeWatcher *self = HV_PANE_SIZE_WATCHER (object);

  hv_pane_size_watcher_stop (self);
  g_clear_object (&self->lines);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hv_pane_size_watcher_parent_class)->dispose (object);
}

static void
hv_pane_size_watcher_finalize (GObject *object)
{
  HvPaneSizeWatcher *self = HV_PANE_SIZE_WATCHER (object);

  g_free (self->socket_name);
  g_free (self->session);
  g_free (self->pane_id);

  G_OBJECT_CLASS (hv_pane_size_watcher_parent_class)->finalize (object);
}

static void
hv_pane_size_watcher_class_init (HvPaneSizeWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hv_pane_size_watcher_dispose;
  object_class->finalize = hv_pane_size_watcher_finalize;

  /**
   * HvPaneSizeWatcher::resized:
   * @cols: the pane's new width
   * @rows: the pane's new height
   * @monotonic_us: when tmux reported it
   */
  signals[RESIZED] = g_signal_new ("resized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_INT64);

  /** HvPaneSizeWatcher::stopped: the control client is gone */
  signals[STOPPED] = g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hv_pane_size_watcher_init (HvPaneSizeWatcher *self)
{
}

/**
 * hv_pane_size_watcher_parse_pane_id:
 * @pane_id: a tmux pane id, "%" and digits
 *
 * Returns: whether @pane_id is one; its number in @number
 */
gboolean
hv_pane_size_watcher_parse_pane_id (const char *pane_id,
                                    guint      *number)
{
  guint64 value;

  if (pane_id == NULL || pane_id[0] != '%' || !g_ascii_isdigit (pane_id[1]))
    return FALSE;
  if (!g_ascii_string_to_unsigned (pane_id + 1, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;
  if (number != NULL)
    *number = (guint) value;
  return TRUE;
}

/**
 * hv_pane_size_watcher_new:
 * @socket_name: (nullable): the server's `-L` name; %NULL or "" for the default server
 * @session: the session the pane belongs to
 * @pane_id: the pane, "%N" as in #{pane_id}
 */
HvPaneSizeWatcher *
hv_pane_size_watcher_new (const char *socket_name,
                          const char *session,
                          const char *pane_id)
{
  HvPaneSizeWatcher *self;

  g_return_val_if_fail (session != NULL, NULL);
  g_return_val_if_fail (hv_pane_size_watcher_parse_pane_id (pane_id, NULL), NULL);

  self = g_object_new (HV_TYPE_PANE_SIZE_WATCHER, NULL);
  self->socket_name = socket_name && socket_name[0] ? g_strdup (socket_name) : NULL;
  self->session = g_strdup (session);
  self->pane_id = g_strdup (pane_id);
  hv_pane_size_watcher_parse_pane_id (pane_id, &self->pane);
  return self;
}

static gboolean
parse_uint (const char **p,
            guint       *value)
{
  char *end;
  guint64 v;

  if (!g_ascii_isdigit (**p))
    return FALSE;
  v = g_ascii_strtoull (*p, &end, 10);
  if (v > G_MAXUINT)
    return FALSE;
  *value = (guint) v;
  *p = end;
  return TRUE;
}

/* cell := W "x" H "," X "," Y ( "," ID | "{" cell ("," cell)* "}" | "[" cell ("," cell)* "]" ) */
static gboolean
parse_cell (const char **p,
            guint        pane,
            guint       *cols,
            guint       *rows,
            gboolean    *found,
            guint        depth)
{
  guint w, h, x, y, id;

  if (depth > 64)
    return FALSE;
  if (!parse_uint (p, &w) || *(*p)++ != 'x' || !parse_uint (p, &h) ||
      *(*p)++ != ',' || !parse_uint (p, &x) || *(*p)++ != ',' || !parse_uint (p, &y))
    return FALSE;

  if (**p == '{' || **p == '[')
    {
      char close = **p == '{' ? '}' : ']';

      do
        {
          (*p)++;
          if (!parse_cell (p, pane, cols, rows, found, depth + 1))
            return FALSE;
        }
      while (**p == ',');
      return *(*p)++ == close;
    }

  if (*(*p)++ != ',' || !parse_uint (p, &id))
    return FALSE;
  if (id == pane && !*found)
    {
      *found = TRUE;
      *cols = w;
      *rows = h;
    }
  return TRUE;
}

/**
 * hv_pane_size_watcher_parse_layout:
 * @layout: a tmux window layout, "b25d,80x24,0,0{40x24,0,0,1,39x24,41,0,2}"
 * @pane: a pane number (the N of "%N")
 *
 * Returns: %TRUE when @layout is well formed and has a cell for @pane, whose size is then
 *   in @cols and @rows
 */
gboolean
hv_pane_size_watcher_parse_layout (const char *layout,
                                   guint       pane,
                                   guint      *cols,
                                   guint      *rows)
{
  const char *p = layout;
  gboolean found = FALSE;
  guint w = 0, h = 0;

  g_return_val_if_fail (layout != NULL, FALSE);

  /* The checksum: four hex digits. */
  for (int i = 0; i < 4; i++)
    if (!g_ascii_isxdigit (*p++))
      return FALSE;
  if (*p++ != ',')
    return FALSE;
  if (!parse_cell (&p, pane, &w, &h, &found, 0) || *p != '\0' || !found || w == 0 || h == 0)
    return FALSE;

  if (cols != NULL)
    *cols = w;
  if (rows != NULL)
    *rows = h;
  return TRUE;
}

static void
set_size (HvPaneSizeWatcher *self,
          guint              cols,
          guint              rows)
{
  if (cols == 0 || rows == 0 || (cols == self->cols && rows == self->rows))
    return;
  self->cols = cols;
  self->rows = rows;
  g_debug ("Pane %s of “%s” is now %ux%u", self->pane_id, self->session, cols, rows);
  g_signal_emit (self, signals[RESIZED], 0, cols, rows, g_get_monotonic_time ());
}

static void
handle_line (HvPaneSizeWatcher *self,
             const char        *line)
{
  if (g_str_has_prefix (line, "%layout-change "))
    {
      /* %layout-change @WINDOW LAYOUT VISIBLE-LAYOUT FLAGS: the visible layout has the
       * zoomed pane at its zoomed size, which is the size the pane really has. */
      g_auto(GStrv) fields = g_strsplit (line, " ", 5);
      const char *layout = g_strv_length (fields) >= 4 ? fields[3] : fields[2];
      guint cols, rows;

      if (layout != NULL && hv_pane_size_watcher_parse_layout (layout, self->pane, &cols, &rows))
        set_size (self, cols, rows);
    }
  else if (g_str_has_prefix (line, SIZE_REPLY))
    {
      const char *p = line + strlen (SIZE_REPLY);
      guint cols, rows;

      if (parse_uint (&p, &cols) && *p++ == ' ' && parse_uint (&p, &rows) && *p == '\0')
        set_size (self, cols, rows);
    }
  else if (g_str_has_prefix (line, "%exit"))
    g_debug ("The control client of “%s” exits: %s", self->session, line);
}

static void
finish_stopped (HvPaneSizeWatcher *self)
{
  if (!self->running)
    return;
  self->running = FALSE;
  g_signal_emit (self, signals[STOPPED], 0);
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HvPaneSizeWatcher) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize len;

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, &len, &error);
  if (line == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Reading the control client of “%s” failed: %s", self->session, error->message);
      finish_stopped (self);
      return;
    }

  handle_line (self, line);
  g_data_input_stream_read_line_async (self->lines, G_PRIORITY_DEFAULT, self->cancellable,
                                       read_line_cb, g_object_ref (self));
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  /* Only reaps the client. */
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
}

/**
 * hv_pane_size_watcher_start:
 *
 * Starts the control client and asks for the pane's size. "resized" follows on the
 * thread-default main context.
 */
gboolean
hv_pane_size_watcher_start (HvPaneSizeWatcher  *self,
                            GError            **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *target = NULL;
  g_autofree char *query = NULL;
  GOutputStream *in;

  g_return_val_if_fail (HV_IS_PANE_SIZE_WATCHER (self), FALSE);
  g_return_val_if_fail (!self->running && self->client == NULL, FALSE);

  target = g_strconcat ("=", self->session, NULL);
  g_ptr_array_add (argv, g_strdup ("tmux"));
  if (self->socket_name != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-L"));
      g_ptr_array_add (argv, g_strdup (self->socket_name));
    }
  g_ptr_array_add (argv, g_strdup ("-C"));
  g_ptr_array_add (argv, g_strdup ("attach-session"));
  g_ptr_array_add (argv, g_strdup ("-t"));
  g_ptr_array_add (argv, g_steal_pointer (&target));
  g_ptr_array_add (argv, g_strdup ("-f"));
  g_ptr_array_add (argv, g_strdup ("read-only,ignore-size,no-output"));
  g_ptr_array_add (argv, NULL);

  self->client = hv_host_command_spawn ((const char * const *) argv->pdata,
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                        error);
  if (self->client == NULL)
    return FALSE;

  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  g_subprocess_wait_async (self->client, NULL, wait_cb, NULL);

  /* The pane id was validated: "%" and digits, nothing tmux's parser could misread. */
  query = g_strdup_printf ("display-message -p -t %s '" SIZE_REPLY "#{pane_width} #{pane_height}'\n", self->pane_id);
  in = g_subprocess_get_stdin_pipe (self->client);
  if (!g_output_stream_write_all (in, query, strlen (query), NULL, NULL, error))
    {
      hv_pane_size_watcher_stop (self);
      return FALSE;
    }

  self->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->client));
  g_data_input_stream_set_newline_type (self->lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_data_input_stream_read_line_async (self->lines, G_PRIORITY_DEFAULT, self->cancellable,
                                       read_line_cb, g_object_ref (self));
  return TRUE;
}

/**
 * hv_pane_size_watcher_stop:
 *
 * Detaches the control client (closing its input, as `tmux -C` expects) and stops
 * reading. Does nothing when not running.
 */
void
hv_pane_size_watcher_stop (HvPaneSizeWatcher *self)
{
  g_return_if_fail (HV_IS_PANE_SIZE_WATCHER (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->client != NULL)
    {
      g_output_stream_close (g_subprocess_get_stdin_pipe (self->client), NULL, NULL);
      g_subprocess_send_signal (self->client, SIGTERM);
    }
  finish_stopped (self);
}

gboolean
hv_pane_size_watcher_get_running (HvPaneSizeWatcher *self)
{
  g_return_val_if_fail (HV_IS_PANE_SIZE_WATCHER (self), FALSE);

  return self->running;
}
