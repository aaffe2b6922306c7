// SPDX-License-Identifier: GPL-3.0-or-later
/* `hydravisor record`: the session recorder process that tmux's pipe-pane starts for each
 * Hydravisor session (see hv-session-recorder.h). Hidden from `hydravisor help`. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv-cli-private.h"
#include "hv-config.h"
#include "hv-pane-size-watcher.h"
#include "hv-session-recorder.h"

/* One read becomes one event: at most this much output per event. */
#define READ_SIZE (64 * 1024)
/* After a read that found little (the output trickles in, e.g. tmux passing on each read
 * from the pane), wait this long before reading again, so that output arriving meanwhile
 * makes one event instead of many: fewer system calls and records, event times at most
 * this much later. A read that fills the buffer is followed at once. */
#define SMALL_READ (16 * 1024)
#define COALESCE_MS 10
/* A larger pipe buffer lets a writer on a pipe go on while the recorder waits. */
#define PIPE_SIZE (1024 * 1024)

typedef struct {
  const char *session;
  const char *socket_name;
  const char *pane;
  const char *dir;
  const char *size;
  const char *formats;
} RecordOptions;

typedef struct {
  HvSessionRecorder *recorder;
  HvPaneSizeWatcher *watcher;
  GMainLoop *loop;
  guint8 *buffer;
  guint stdin_id;
  guint resume_id;
  guint flush_id;
  gint64 flush_deadline;
  gboolean stopped_by_signal;
  GError *error;
} Recording;

/* tmux runs the recorder with stderr on /dev/null: a failure printed there alone would
 * go unseen. */
static gboolean
stderr_is_discarded (void)
{
  struct stat err, null;

  if (fstat (STDERR_FILENO, &err) != 0)
    return TRUE;
  if (stat ("/dev/null", &null) != 0)
    return FALSE;
  return S_ISCHR (err.st_mode) && err.st_rdev == null.st_rdev;
}

/* Prints `hydravisor: record: WHY` and, when stderr is discarded, also appends it to
 * DIR/record-errors.log so the failure can be found next to the recordings. */
static int
record_fail (const RecordOptions *options,
             const char          *dir,
             const char          *why)
{
  int status = hv_cli_fail ("record", why);

  if (dir != NULL && stderr_is_discarded ())
    {
      g_autofree char *path = g_build_filename (dir, "record-errors.log", NULL);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *stamp = g_date_time_format_iso8601 (now);
      g_autofree char *line = g_strdup_printf ("%s hydravisor: record: session “%s”: %s\n",
                                               stamp, options->session ? options->session : "", why);
      int fd;

      g_mkdir_with_parents (dir, 0700);
      fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (fd >= 0)
        {
          if (write (fd, line, strlen (line)) < 0)
            { /* Nowhere left to report it. */ }
          close (fd);
        }
    }
  return status;
}

static gboolean
parse_size (const char *text,
            guint      *cols,
            guint      *rows)
{
  g_auto(GStrv) parts = g_strsplit (text, "x", 2);
  guint64 c, r;

  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, 10000, &c, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 10000, &r, NULL))
    return FALSE;
  *cols = (guint) c;
  *rows = (guint) r;
  return TRUE;
}

static void
stop (Recording *rec,
      GError    *error)
{
  if (error != NULL && rec->error == NULL)
    rec->error = error;
  else if (error != NULL)
    g_error_free (error);
  g_main_loop_quit (rec->loop);
}

static gboolean on_flush (gpointer user_data);

/* Keeps one timer for the line held back for redaction. */
static void
schedule_flush (Recording *rec)
{
  gint64 deadline = hv_session_recorder_get_deadline (rec->recorder);
  gint64 delay;

  if (deadline == rec->flush_deadline)
    return;
  g_clear_handle_id (&rec->flush_id, g_source_remove);
  rec->flush_deadline = deadline;
  if (deadline < 0)
    return;
  delay = MAX (deadline - g_get_monotonic_time (), 0);
  rec->flush_id = g_timeout_add ((guint) ((delay + 999) / 1000), on_flush, rec);
}

static gboolean
on_flush (gpointer user_data)
{
  Recording *rec = user_data;
  GError *error = NULL;

  rec->flush_id = 0;
  rec->flush_deadline = -1;
  if (!hv_session_recorder_flush (rec->recorder, g_get_monotonic_time (), &error))
    stop (rec, error);
  else
    schedule_flush (rec);
  return G_SOURCE_REMOVE;
}

typedef enum {
  READ_DATA,
  READ_NOTHING,   /* EAGAIN */
  READ_EOF,
  READ_FAILED,
} ReadResult;

/* Reads once from stdin and records what came. */
static ReadResult
read_once (Recording *rec,
           gssize    *out_n)
{
  GError *error = NULL;
  gssize n;

  do
    n = read (STDIN_FILENO, rec->buffer, READ_SIZE);
  while (n < 0 && errno == EINTR);

  *out_n = n;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return READ_NOTHING;
  if (n < 0)
    {
      int saved = errno;

      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not read the pane output: %s"), g_strerror (saved));
      stop (rec, error);
      return READ_FAILED;
    }
  if (n == 0)
    {
      g_debug ("End of the pane output of “%s”", hv_session_recorder_get_session (rec->recorder));
      stop (rec, NULL);
      return READ_EOF;
    }
  if (!hv_session_recorder_feed (rec->recorder, rec->buffer, (gsize) n, g_get_monotonic_time (), &error))
    {
      stop (rec, error);
      return READ_FAILED;
    }
  schedule_flush (rec);
  return READ_DATA;
}

static gboolean on_stdin (int fd, GIOCondition condition, gpointer user_data);

static gboolean
on_resume (gpointer user_data)
{
  Recording *rec = user_data;

  rec->resume_id = 0;
  rec->stdin_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, rec);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  Recording *rec = user_data;
  gssize n;

  switch (read_once (rec, &n))
    {
    case READ_NOTHING:
      return G_SOURCE_CONTINUE;
    case READ_EOF:
    case READ_FAILED:
      rec->stdin_id = 0;
      return G_SOURCE_REMOVE;
    case READ_DATA:
    default:
      break;
    }

  if (n >= SMALL_READ)
    return G_SOURCE_CONTINUE;
  rec->stdin_id = 0;
  rec->resume_id = g_timeout_add (COALESCE_MS, on_resume, rec);
  return G_SOURCE_REMOVE;
}

/* Records what is already written to stdin, without waiting for more. */
static void
drain_stdin (Recording *rec)
{
  int flags = fcntl (STDIN_FILENO, F_GETFL);
  gssize n;

  if (flags < 0 || fcntl (STDIN_FILENO, F_SETFL, flags | O_NONBLOCK) < 0)
    return;
  while (read_once (rec, &n) == READ_DATA)
    ;
}

static void
on_resized (HvPaneSizeWatcher *watcher,
            guint              cols,
            guint              rows,
            gint64             monotonic_us,
            gpointer           user_data)
{
  Recording *rec = user_data;
  GError *error = NULL;

  if (!hv_session_recorder_resize (rec->recorder, cols, rows, monotonic_us, &error))
    stop (rec, error);
}

static gboolean
on_signal (gpointer user_data)
{
  Recording *rec = user_data;

  /* Stopped from outside: record what was already written, then finish cleanly. */
  rec->stopped_by_signal = TRUE;
  drain_stdin (rec);
  stop (rec, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_options (RecordOptions  *options,
               int             argc,
               char          **argv)
{
  static const struct { const char *name; gsize offset; } known[] = {
    { "--session", G_STRUCT_OFFSET (RecordOptions, session) },
    { "--socket-name", G_STRUCT_OFFSET (RecordOptions, socket_name) },
    { "--pane", G_STRUCT_OFFSET (RecordOptions, pane) },
    { "--dir", G_STRUCT_OFFSET (RecordOptions, dir) },
    { "--size", G_STRUCT_OFFSET (RecordOptions, size) },
    { "--formats", G_STRUCT_OFFSET (RecordOptions, formats) },
  };

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      gboolean matched = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (known) && !matched; k++)
        {
          gsize len = strlen (known[k].name);
          const char **slot = G_STRUCT_MEMBER_P (options, known[k].offset);

          if (strncmp (arg, known[k].name, len) != 0 || (arg[len] != '\0' && arg[len] != '='))
            continue;
          matched = TRUE;
          if (arg[len] == '=')
            *slot = arg + len + 1;
          else if (i + 1 < argc)
            *slot = argv[++i];
          else
            {
              hv_cli_usage_error ("record", _("%s needs a value"), known[k].name);
              return FALSE;
            }
        }
      if (!matched)
        {
          hv_cli_usage_error ("record", _("unknown argument “%s”"), arg);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
default_dir (HvConfig *config)
{
  const char *log_dir = hv_config_get_string (config, "policy.recording.log_dir");

  if (g_path_is_absolute (log_dir))
    return g_strdup (log_dir);
  return g_build_filename (g_get_user_data_dir (), log_dir, NULL);
}

static int
run_record (HvCliContext  *ctx,
            int            argc,
            char         **argv)
{
  RecordOptions options = { 0 };
  Recording rec = { .flush_deadline = -1 };
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HvSessionRecorder) recorder = NULL;
  g_autoptr(HvPaneSizeWatcher) watcher = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree guint8 *buffer = NULL;
  g_autofree char *dir = NULL;
  g_auto(GStrv) formats = NULL;
  guint cols = 80, rows = 24;
  guint signal_ids[3];
  const int stop_signals[3] = { SIGTERM, SIGINT, SIGHUP };
  gboolean finished;

  if (!parse_options (&options, argc, argv))
    return HV_CLI_EXIT_USAGE;
  if (options.session == NULL || options.session[0] == '\0')
    return hv_cli_usage_error ("record", _("--session NAME is required"));
  if (options.size != NULL && !parse_size (options.size, &cols, &rows))
    return hv_cli_usage_error ("record", _("--size takes COLSxROWS, e.g. 80x24, not “%s”"), options.size);
  if (options.pane != NULL && !hv_pane_size_watcher_parse_pane_id (options.pane, NULL))
    return hv_cli_usage_error ("record", _("--pane takes a tmux pane id such as %%3, not “%s”"), options.pane);

  /* A write to the control client after it exited must be an error, not a signal. */
  signal (SIGPIPE, SIG_IGN);

  config = hv_config_new (NULL);
  if (!hv_config_load (config, &error))
    {
      g_autofree char *why = g_strdup_printf (_("the configuration has errors, so the redaction patterns are unknown and nothing is recorded: %s. Run “hydravisor config check”"),
                                              error->message);

      return record_fail (&options, options.dir, why);
    }

  dir = options.dir ? g_strdup (options.dir) : default_dir (config);
  if (options.formats != NULL)
    formats = g_strsplit (options.formats, ",", -1);
  else
    formats = g_strdupv ((char **) hv_config_get_strv (config, "tmux.record_formats"));

  recorder = hv_session_recorder_new (options.session, dir, cols, rows,
                                      hv_config_get_strv (config, "policy.recording.redact_patterns"),
                                      (const char * const *) formats, &error);
  if (recorder == NULL)
    return record_fail (&options, dir, error->message);

  loop = g_main_loop_new (NULL, FALSE);
  buffer = g_malloc (READ_SIZE);
  rec.recorder = recorder;
  rec.loop = loop;
  rec.buffer = buffer;

  if (options.pane != NULL)
    {
      watcher = hv_pane_size_watcher_new (options.socket_name, options.session, options.pane);
      g_signal_connect (watcher, "resized", G_CALLBACK (on_resized), &rec);
      if (!hv_pane_size_watcher_start (watcher, &error))
        {
          /* The output is what matters: record it without resize events. */
          fprintf (stderr, _("hydravisor: record: warning: the pane's size is not followed: %s\n"), error->message);
          g_clear_error (&error);
          g_clear_object (&watcher);
        }
    }
  else
    g_debug ("No --pane: the recording keeps its initial size");

#ifdef F_SETPIPE_SZ
  /* Only works on a pipe (tmux gives a socket); a failure changes nothing. */
  (void) fcntl (STDIN_FILENO, F_SETPIPE_SZ, PIPE_SIZE);
#endif
  rec.stdin_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &rec);
  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    signal_ids[i] = g_unix_signal_add (stop_signals[i], on_signal, &rec);

  g_main_loop_run (loop);

  for (guint i = 0; i < G_N_ELEMENTS (stop_signals); i++)
    g_source_remove (signal_ids[i]);
  g_clear_handle_id (&rec.stdin_id, g_source_remove);
  g_clear_handle_id (&rec.resume_id, g_source_remove);
  g_clear_handle_id (&rec.flush_id, g_source_remove);
  if (watcher != NULL)
    {
      g_signal_handlers_disconnect_by_data (watcher, &rec);
      hv_pane_size_watcher_stop (watcher);
    }

  finished = hv_session_recorder_finish (recorder, rec.error ? NULL : &rec.error);
  if (rec.error != NULL)
    {
      g_autoptr(GError) failure = g_steal_pointer (&rec.error);

      return record_fail (&options, dir, failure->message);
    }
  g_assert (finished);
  if (rec.stopped_by_signal)
    g_debug ("Stopped by a signal; the recording is complete up to here");
  return HV_CLI_EXIT_OK;
}

static const HvCliCommand record_command = {
  .name = "record",
  .usage = "--session NAME [--socket-name SOCK] [--pane %ID] [--dir DIR] [--size COLSxROWS] [--formats cast,jsonl]",
  .summary = N_("Record a tmux pane's output read on stdin (run by tmux pipe-pane)"),
  .help = N_("Writes DIR/NAME-TIMESTAMP.cast (asciicast v2) and .jsonl until stdin ends, applying\n"
             "policy.toml's recording.redact_patterns. DIR defaults to recording.log_dir, the formats\n"
             "to tmux.record_formats, the size to 80x24. With --pane, resizes of that pane are recorded\n"
             "too. Hydravisor starts it for each session; it is not meant to be run by hand."),
  .run = run_record,
  .hidden = TRUE,
};

void
_hv_cli_register_record (void)
{
  hv_cli_register (&record_command);
}
