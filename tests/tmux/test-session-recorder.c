// SPDX-License-Identifier: GPL-3.0-or-later
/* The session recorder: what it writes for what it is fed (asciicast v2 and JSONL), byte
 * for byte; its UTF-8 handling, redaction and resize events; the `hydravisor record`
 * process around it; and the tmux layout parser it follows pane sizes with. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>

#include "hv-jsonl-writer.h"
#include "hv-pane-size-watcher.h"
#include "hv-session-recorder.h"
#include "hv-test-fixture.h"

/* ---- reading recordings back ----------------------------------------------------------- */

typedef struct {
  gint64 us;           /* the time, exactly as written, in µs */
  char *code;          /* "o", "r" */
  char *data;
} CastEvent;

typedef struct {
  JsonNode *header;
  GPtrArray *events;   /* CastEvent */
  GString *output;     /* the "o" data, concatenated */
} Cast;

static void
cast_event_free (CastEvent *event)
{
  g_free (event->code);
  g_free (event->data);
  g_free (event);
}

static void
cast_free (Cast *cast)
{
  json_node_unref (cast->header);
  g_ptr_array_unref (cast->events);
  g_string_free (cast->output, TRUE);
  g_free (cast);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cast, cast_free)

/* "12.345678" → 12345678; the recorder always writes six decimals. */
static gint64
parse_time (const char *text)
{
  g_autofree char *copy = g_strdup (text);
  char *dot = strchr (copy, '.');
  guint64 secs, frac;

  g_assert_nonnull (dot);
  *dot = '\0';
  g_assert_cmpuint (strlen (dot + 1), ==, 6);
  g_assert_true (g_ascii_string_to_unsigned (copy, 10, 0, G_MAXINT64 / G_USEC_PER_SEC, &secs, NULL));
  g_assert_true (g_ascii_string_to_unsigned (dot + 1, 10, 0, 999999, &frac, NULL));
  return (gint64) (secs * G_USEC_PER_SEC + frac);
}

/* Parses every line as JSON (the file must be valid asciicast v2: a header object, then
 * [time, code, data] arrays), checks times never decrease, and joins the output. */
static Cast *
cast_load (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Cast *cast = g_new0 (Cast, 1);
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 0);
  g_assert_cmpint (contents[len - 1], ==, '\n');
  g_assert_true (g_utf8_validate (contents, (gssize) len, NULL));

  cast->events = g_ptr_array_new_with_free_func ((GDestroyNotify) cast_event_free);
  cast->output = g_string_new (NULL);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      JsonArray *array;
      CastEvent *event;
      g_autofree char *time_text = NULL;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      if (i == 0)
        {
          g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
          cast->header = json_node_copy (json_parser_get_root (parser));
          continue;
        }

      g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
      array = json_node_get_array (json_parser_get_root (parser));
      g_assert_cmpuint (json_array_get_length (array), ==, 3);
      g_assert_cmpint (lines[i][0], ==, '[');
      time_text = g_strndup (lines[i] + 1, strcspn (lines[i] + 1, ","));

      event = g_new0 (CastEvent, 1);
      event->us = parse_time (time_text);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, 0), event->us / 1e6, 1e-7);
      event->code = g_strdup (json_array_get_string_element (array, 1));
      event->data = g_strdup (json_array_get_string_element (array, 2));
      if (cast->events->len > 0)
        g_assert_cmpint (event->us, >=, ((CastEvent *) g_ptr_array_index (cast->events, cast->events->len - 1))->us);
      if (g_str_equal (event->code, "o"))
        g_string_append (cast->output, event->data);
      g_ptr_array_add (cast->events, event);
    }
  g_assert_nonnull (cast->header);
  return cast;
}

/* The .jsonl records, each checked for its fields; @output gets the output joined. */
static GPtrArray *
jsonl_load (const char *path,
            const char *session,
            GString    *output)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records;
  guint skipped = 0;
  gint64 last = 0;

  records = hv_jsonl_read_file (path, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 0);
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = json_node_get_object (g_ptr_array_index (records, i));
      const char *stream = json_object_get_string_member (record, "stream");
      g_autoptr(GDateTime) ts = g_date_time_new_from_iso8601 (json_object_get_string_member (record, "ts"), NULL);
      gint64 us;

      g_assert_cmpuint (json_object_get_size (record), ==, 4);
      g_assert_nonnull (ts);
      g_assert_true (g_str_has_suffix (json_object_get_string_member (record, "ts"), "Z"));
      us = g_date_time_to_unix (ts) * G_USEC_PER_SEC + g_date_time_get_microsecond (ts);
      g_assert_cmpint (us, >=, last);
      last = us;
      g_assert_cmpstr (json_object_get_string_member (record, "session"), ==, session);
      g_assert_true (g_str_equal (stream, "output") || g_str_equal (stream, "resize"));
      if (output != NULL && g_str_equal (stream, "output"))
        g_string_append (output, json_object_get_string_member (record, "data"));
    }
  return records;
}

static gint64
record_ts_us (GPtrArray *records,
              guint      i)
{
  JsonObject *record = json_node_get_object (g_ptr_array_index (records, i));
  g_autoptr(GDateTime) ts = g_date_time_new_from_iso8601 (json_object_get_string_member (record, "ts"), NULL);

  return g_date_time_to_unix (ts) * G_USEC_PER_SEC + g_date_time_get_microsecond (ts);
}

static char *
sessions_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "hydravisor", "sessions", NULL);
}

static HvSessionRecorder *
recorder_new (const char * const *patterns)
{
  g_autofree char *dir = sessions_dir ();
  g_autoptr(GError) error = NULL;
  HvSessionRecorder *recorder = hv_session_recorder_new ("test", dir, 80, 24, patterns, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (recorder);
  return recorder;
}

static void
feed (HvSessionRecorder *recorder,
      const char        *text,
      gint64             when)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hv_session_recorder_feed (recorder, (const guint8 *) text, strlen (text), when, &error));
  g_assert_no_error (error);
}

static void
finish (HvSessionRecorder *recorder)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hv_session_recorder_finish (recorder, &error));
  g_assert_no_error (error);
}

/* ---- mixed terminal output ------------------------------------------------------------- */

static const char *pieces[] = {
  "hello", "world", " ", " ", "ls -la", "\r\n", "\r\n", "\n", "\t", "é", "€", "😀", "中文字", "ß",
  "\033[31m", "\033[0m", "\033[1;32;48;5;236m", "\033[2K", "\033[?25l", "\033]0;title – ok\007",
  "\033[10;20H", "\"quoted\"", "back\\slash", "\b", "\x01", "\x7f", "naïve café", "Ωμέγα", "𝄞",
};

static GByteArray *
mixed_output (GRand *rand,
              gsize  size)
{
  GByteArray *bytes = g_byte_array_sized_new ((guint) size);

  while (bytes->len < size)
    {
      const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];
      gsize len = strlen (piece);

      if (bytes->len + len > size)
        {
          /* Fill up with ASCII, so the input ends with a whole character. */
          piece = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
          len = size - bytes->len;
        }
      g_byte_array_append (bytes, (const guint8 *) piece, (guint) len);
    }
  return bytes;
}

/* GLib isolates the test's folders without exporting them (the variables say /dev/null):
 * give child processes the same folders. */
static GSubprocessLauncher *
launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  return launcher;
}

/* Runs `asciinema cat` (which needs a terminal: script(1) gives it one, in raw mode so
 * the bytes pass unchanged) and returns what it printed. */
static GBytes *
asciinema_cat (const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *command = g_strdup_printf ("asciinema cat %s", quoted);
  const char *argv[] = { "script", "-q", "-e", "-c", command, "/dev/null", NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) err = NULL;

  launcher = launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                           G_SUBPROCESS_FLAGS_STDERR_PIPE);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (proc, nothing, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  if (g_subprocess_get_exit_status (proc) != 0)
    g_test_message ("asciinema cat failed: %.*s%.*s", (int) MIN (g_bytes_get_size (out), 2000),
                    (const char *) g_bytes_get_data (out, NULL),
                    (int) g_bytes_get_size (err), (const char *) g_bytes_get_data (err, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  return g_steal_pointer (&out);
}

/* 1 MiB of mixed output in random pieces, most cutting characters and escape sequences:
 * the recording holds exactly the input, with the times it was fed at, and asciinema
 * plays it back byte for byte. */
static void
test_byte_exact (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);
  g_autoptr(GByteArray) input = mixed_output (rand, 1024 * 1024);
  g_autoptr(HvSessionRecorder) recorder = NULL;
  g_autoptr(GArray) feed_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(Cast) cast = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GString) jsonl_output = g_string_new (NULL);
  g_autoptr(GBytes) played = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cast_path = NULL;
  g_autofree char *jsonl_path = NULL;
  gint64 before, after, t;
  gsize offset = 0;
  guint k;

  before = g_get_monotonic_time ();
  recorder = recorder_new (NULL);
  after = g_get_monotonic_time ();
  cast_path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  jsonl_path = g_strdup (hv_session_recorder_get_jsonl_path (recorder));

  t = after + 1000;
  while (offset < input->len)
    {
      gsize len = g_rand_int_range (rand, 0, 3) == 0 ? (gsize) g_rand_int_range (rand, 1, 4)
                                                     : (gsize) g_rand_int_range (rand, 1, 9000);

      if (offset == 0)
        len = 64;   /* the first feed is sure to hold whole characters */
      len = MIN (len, input->len - offset);
      g_assert_true (hv_session_recorder_feed (recorder, input->data + offset, len, t, &error));
      g_assert_no_error (error);
      g_array_append_val (feed_times, t);
      offset += len;
      t += g_rand_int_range (rand, 0, 5000);
    }
  finish (recorder);

  cast = cast_load (cast_path);
  g_assert_cmpuint (cast->output->len, ==, input->len);
  g_assert_cmpmem (cast->output->str, cast->output->len, input->data, input->len);
  g_assert_cmpuint (cast->events->len, <=, feed_times->len);

  /* Each event carries the time of the feed that completed it, relative to the start. */
  g_assert_cmpint (((CastEvent *) g_ptr_array_index (cast->events, 0))->us, >=,
                   g_array_index (feed_times, gint64, 0) - after);
  g_assert_cmpint (((CastEvent *) g_ptr_array_index (cast->events, 0))->us, <=,
                   g_array_index (feed_times, gint64, 0) - before);
  k = 0;
  for (guint i = 0; i < cast->events->len; i++)
    {
      CastEvent *event = g_ptr_array_index (cast->events, i);
      gint64 since_first = event->us - ((CastEvent *) g_ptr_array_index (cast->events, 0))->us;

      g_assert_cmpstr (event->code, ==, "o");
      while (k < feed_times->len &&
             g_array_index (feed_times, gint64, k) - g_array_index (feed_times, gint64, 0) < since_first)
        k++;
      g_assert_cmpuint (k, <, feed_times->len);
      g_assert_cmpint (g_array_index (feed_times, gint64, k) - g_array_index (feed_times, gint64, 0), ==, since_first);
    }

  /* The .jsonl holds the same output, with wall-clock times at the same offsets. */
  records = jsonl_load (jsonl_path, "test", jsonl_output);
  g_assert_cmpuint (records->len, ==, cast->events->len);
  g_assert_cmpmem (jsonl_output->str, jsonl_output->len, input->data, input->len);
  for (guint i = 1; i < records->len; i++)
    g_assert_cmpint (record_ts_us (records, i) - record_ts_us (records, 0), ==,
                     ((CastEvent *) g_ptr_array_index (cast->events, i))->us -
                     ((CastEvent *) g_ptr_array_index (cast->events, 0))->us);
  g_assert_cmpint (record_ts_us (records, 0) / G_USEC_PER_SEC, >=,
                   json_object_get_int_member (json_node_get_object (cast->header), "timestamp"));

  played = asciinema_cat (cast_path);
  g_assert_cmpmem (g_bytes_get_data (played, NULL), g_bytes_get_size (played), input->data, input->len);

  g_assert_finalize_object (g_steal_pointer (&recorder));
}

/* Times never go backwards, even when a feed says it happened before the previous one. */
static void
test_times_never_decrease (void)
{
  g_autoptr(HvSessionRecorder) recorder = recorder_new (NULL);
  g_autofree char *path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  gint64 now = g_get_monotonic_time ();
  g_autoptr(Cast) cast = NULL;

  feed (recorder, "a", now + 2 * G_USEC_PER_SEC);
  feed (recorder, "b", now + 1 * G_USEC_PER_SEC);
  feed (recorder, "c", now + 3 * G_USEC_PER_SEC);
  finish (recorder);

  cast = cast_load (path);
  g_assert_cmpuint (cast->events->len, ==, 3);
  g_assert_cmpint (((CastEvent *) cast->events->pdata[1])->us, ==, ((CastEvent *) cast->events->pdata[0])->us);
  g_assert_cmpint (((CastEvent *) cast->events->pdata[2])->us - ((CastEvent *) cast->events->pdata[0])->us,
                   ==, G_USEC_PER_SEC);
}

/* The header: version 2, the size, the start time, the session as title, the environment;
 * the file names: session (made safe) and UTC start; files only the user can read. */
static void
test_header_and_names (void)
{
  g_autofree char *dir = sessions_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HvSessionRecorder) recorder = NULL;
  g_autoptr(HvSessionRecorder) second = NULL;
  g_autoptr(Cast) cast = NULL;
  g_autoptr(GRegex) name_re = NULL;
  g_autofree char *base = NULL;
  g_autofree char *expected_jsonl = NULL;
  const char *formats[] = { "jsonl", "cast", NULL };
  const char *session = "hydravisor-a \"b\" c/d";
  JsonObject *header;
  JsonObject *env;
  GStatBuf st;
  gint64 before, after;

  g_setenv ("TERM", "xterm-256color", TRUE);
  g_setenv ("SHELL", "/bin/zsh", TRUE);

  before = g_get_real_time () / G_USEC_PER_SEC;
  recorder = hv_session_recorder_new (session, dir, 132, 43, NULL, formats, &error);
  g_assert_no_error (error);
  after = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpstr (hv_session_recorder_get_session (recorder), ==, session);

  base = g_path_get_basename (hv_session_recorder_get_cast_path (recorder));
  name_re = g_regex_new ("^hydravisor-a \"b\" c_d-\\d{8}T\\d{6}Z\\.cast$", 0, 0, NULL);
  g_assert_true (g_regex_match (name_re, base, 0, NULL));
  g_assert_true (g_str_has_prefix (hv_session_recorder_get_cast_path (recorder), dir));
  expected_jsonl = g_strdup (hv_session_recorder_get_cast_path (recorder));
  strcpy (expected_jsonl + strlen (expected_jsonl) - strlen ("cast"), "jsonl");
  g_assert_cmpstr (hv_session_recorder_get_jsonl_path (recorder), ==, expected_jsonl);

  g_assert_cmpint (g_stat (hv_session_recorder_get_cast_path (recorder), &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (hv_session_recorder_get_jsonl_path (recorder), &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);

  /* The header is on disk before any output. */
  cast = cast_load (hv_session_recorder_get_cast_path (recorder));
  header = json_node_get_object (cast->header);
  g_assert_cmpint (json_object_get_int_member (header, "version"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (header, "width"), ==, 132);
  g_assert_cmpint (json_object_get_int_member (header, "height"), ==, 43);
  g_assert_cmpint (json_object_get_int_member (header, "timestamp"), >=, before);
  g_assert_cmpint (json_object_get_int_member (header, "timestamp"), <=, after);
  g_assert_cmpstr (json_object_get_string_member (header, "title"), ==, session);
  env = json_object_get_object_member (header, "env");
  g_assert_cmpstr (json_object_get_string_member (env, "TERM"), ==, "xterm-256color");
  g_assert_cmpstr (json_object_get_string_member (env, "SHELL"), ==, "/bin/zsh");
  g_assert_cmpuint (cast->events->len, ==, 0);

  /* A second recording of the same session, likely in the same second: its own files. */
  second = hv_session_recorder_new (session, dir, 80, 24, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hv_session_recorder_get_cast_path (second), !=, hv_session_recorder_get_cast_path (recorder));
  g_assert_cmpstr (hv_session_recorder_get_jsonl_path (second), !=, hv_session_recorder_get_jsonl_path (recorder));

  finish (recorder);
  finish (second);
  g_assert_finalize_object (g_steal_pointer (&recorder));
  g_assert_finalize_object (g_steal_pointer (&second));
}

/* Only the formats asked for are written; wrong ones are errors that leave no files. */
static void
test_formats (void)
{
  g_autofree char *dir = sessions_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HvSessionRecorder) recorder = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  g_autoptr(GDir) listing = NULL;
  const char *jsonl_only[] = { "jsonl", NULL };
  const char *unknown[] = { "cast", "mp4", NULL };
  const char *none[] = { NULL };
  guint n_files = 0;

  recorder = hv_session_recorder_new ("only-jsonl", dir, 80, 24, NULL, jsonl_only, &error);
  g_assert_no_error (error);
  g_assert_null (hv_session_recorder_get_cast_path (recorder));
  feed (recorder, "text", g_get_monotonic_time ());
  finish (recorder);
  records = jsonl_load (hv_session_recorder_get_jsonl_path (recorder), "only-jsonl", output);
  g_assert_cmpstr (output->str, ==, "text");

  g_assert_null (hv_session_recorder_new ("x", dir, 80, 24, NULL, unknown, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "mp4"));
  g_clear_error (&error);
  g_assert_null (hv_session_recorder_new ("x", dir, 80, 24, NULL, none, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);
}

/* A character fed one byte at a time is written whole, in the event of its last byte;
 * no event ever holds a piece of a character. */
static void
test_split_character (void)
{
  g_autoptr(HvSessionRecorder) recorder = recorder_new (NULL);
  g_autofree char *path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  const guint8 input[] = "a\xf0\x9f\x98\x80" "b\xe2\x82\xac";
  gint64 now = g_get_monotonic_time ();
  g_autoptr(Cast) cast = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < sizeof input - 1; i++)
    {
      g_assert_true (hv_session_recorder_feed (recorder, input + i, 1, now + (gint64) i, &error));
      g_assert_no_error (error);
    }
  finish (recorder);

  cast = cast_load (path);
  g_assert_cmpuint (cast->events->len, ==, 4);
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[0])->data, ==, "a");
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[1])->data, ==, "😀");
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[2])->data, ==, "b");
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[3])->data, ==, "€");
  /* Each at the time of its last byte. */
  g_assert_cmpint (((CastEvent *) cast->events->pdata[1])->us - ((CastEvent *) cast->events->pdata[0])->us, ==, 4);
  g_assert_cmpint (((CastEvent *) cast->events->pdata[3])->us - ((CastEvent *) cast->events->pdata[0])->us, ==, 8);
}

/* Invalid UTF-8 becomes U+FFFD, one per maximal invalid subsequence, as asciinema's
 * decoder (Python's "replace") does: the expected strings are Python's. The result does
 * not depend on how the input is cut into reads. */
static void
test_invalid_utf8 (void)
{
  static const struct { const char *input; const char *expected; } cases[] = {
    { "a\xff" "b", "a\xef\xbf\xbd" "b" },
    { "\xe2\x82x", "\xef\xbf\xbdx" },
    { "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    { "\xf0\x9f\x98", "\xef\xbf\xbd" },
    { "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
    { "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    { "\xe0\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    { "\xf0\x9f\x98\xc3\xa9", "\xef\xbf\xbd\xc3\xa9" },
    { "\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd" },
    { "\xe2\x82\xac\xe2", "\xe2\x82\xac\xef\xbf\xbd" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      gsize len = strlen (cases[c].input);

      /* Cut at every position (and not at all). */
      for (gsize cut = 0; cut <= len; cut++)
        {
          g_autoptr(HvSessionRecorder) recorder = recorder_new (NULL);
          g_autofree char *path = g_strdup (hv_session_recorder_get_cast_path (recorder));
          gint64 now = g_get_monotonic_time ();
          g_autoptr(Cast) cast = NULL;
          g_autoptr(GError) error = NULL;

          g_assert_true (hv_session_recorder_feed (recorder, (const guint8 *) cases[c].input, cut, now, &error));
          g_assert_true (hv_session_recorder_feed (recorder, (const guint8 *) cases[c].input + cut, len - cut, now, &error));
          g_assert_no_error (error);
          finish (recorder);

          cast = cast_load (path);
          g_assert_cmpstr (cast->output->str, ==, cases[c].expected);
          g_assert_finalize_object (g_steal_pointer (&recorder));
          g_assert_cmpint (g_unlink (path), ==, 0);
        }
    }
}

/* Control characters and NUL are escaped in the JSON, so each record stays one line. */
static void
test_control_characters (void)
{
  g_autoptr(HvSessionRecorder) recorder = recorder_new (NULL);
  g_autofree char *path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  const guint8 input[] = { 'a', 0, '\n', '\r', 0x1b, 0x7f, '"', '\\', 0x1f, 'z' };
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (hv_session_recorder_feed (recorder, input, sizeof input, g_get_monotonic_time (), &error));
  g_assert_no_error (error);
  finish (recorder);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);   /* header, one event, nothing after the last newline */
  g_assert_true (g_str_has_suffix (lines[1], ", \"o\", \"a\\u0000\\n\\r\\u001b\x7f\\\"\\\\\\u001fz\"]"));
}

static char *
recorded_output (const char *path)
{
  g_autoptr(Cast) cast = cast_load (path);

  return g_strdup (cast->output->str);
}

/* A match and the rest of its line become "[REDACTED]", in both files; the line end and
 * the next line are kept. */
static void
test_redaction (void)
{
  const char *patterns[] = { "password\\s*=", "api_key\\s*=", NULL };
  g_autoptr(HvSessionRecorder) recorder = recorder_new (patterns);
  g_autofree char *cast_path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  g_autofree char *jsonl_path = g_strdup (hv_session_recorder_get_jsonl_path (recorder));
  g_autofree char *output = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GString) jsonl_output = g_string_new (NULL);
  gint64 now = g_get_monotonic_time ();

  feed (recorder, "user=bob password = hunter2 more\r\nnext line\r\n", now);
  feed (recorder, "export API=1; api_key=AKIA123\rredrawn\n", now + 1000);
  feed (recorder, "plain text, no secret\r\n", now + 2000);
  finish (recorder);

  output = recorded_output (cast_path);
  g_assert_cmpstr (output, ==,
                   "user=bob [REDACTED]\r\nnext line\r\n"
                   "export API=1; [REDACTED]\rredrawn\n"
                   "plain text, no secret\r\n");
  records = jsonl_load (jsonl_path, "test", jsonl_output);
  g_assert_cmpstr (jsonl_output->str, ==, output);
}

/* A match cut across reads is still found: the incomplete line is held back briefly. */
static void
test_redaction_split (void)
{
  const char *patterns[] = { "password\\s*=", NULL };
  g_autoptr(HvSessionRecorder) recorder = recorder_new (patterns);
  g_autofree char *path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  g_autofree char *output = NULL;
  gint64 now = g_get_monotonic_time ();

  feed (recorder, "$ echo pass", now);
  g_assert_cmpint (hv_session_recorder_get_deadline (recorder), ==, now + HV_SESSION_RECORDER_HOLD_US);
  feed (recorder, "word = sec", now + 10000);
  feed (recorder, "ret\r\n$ ", now + 20000);
  finish (recorder);

  output = recorded_output (path);
  g_assert_cmpstr (output, ==, "$ echo [REDACTED]\r\n$ ");
}

/* Typed slowly (each key echoed 100 ms after the last), a line is written in pieces; the
 * match completed by a later piece still redacts everything after it on the line. */
static void
test_redaction_typed (void)
{
  const char *patterns[] = { "password\\s*=", NULL };
  g_autoptr(HvSessionRecorder) recorder = recorder_new (patterns);
  g_autofree char *path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  g_autofree char *output = NULL;
  const char *typed = "password=hunter2";
  gint64 t = g_get_monotonic_time ();
  g_autoptr(Cast) cast = NULL;

  for (const char *p = typed; *p != '\0'; p++)
    {
      char key[2] = { *p, '\0' };
      g_autoptr(GError) error = NULL;

      feed (recorder, key, t);
      t += 100 * G_TIME_SPAN_MILLISECOND;
      /* What the recorder process does when its timer fires. */
      if (hv_session_recorder_get_deadline (recorder) >= 0)
        {
          g_assert_cmpint (hv_session_recorder_get_deadline (recorder), <=, t);
          g_assert_true (hv_session_recorder_flush (recorder, t, &error));
          g_assert_no_error (error);
          g_assert_cmpint (hv_session_recorder_get_deadline (recorder), ==, -1);
        }
    }
  feed (recorder, "\r\nok\r\n", t);
  finish (recorder);

  cast = cast_load (path);
  g_assert_cmpuint (cast->events->len, >, 5);   /* written as it was typed, not at the end */
  output = recorded_output (path);
  g_assert_cmpstr (output, ==, "password[REDACTED]\r\nok\r\n");
}

/* A line held back longer than allowed, or grown too long, is written anyway. */
static void
test_redaction_hold_limits (void)
{
  const char *patterns[] = { "secret", NULL };
  g_autoptr(HvSessionRecorder) recorder = recorder_new (patterns);
  g_autofree char *path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  g_autofree char *long_line = g_strnfill (HV_SESSION_RECORDER_HOLD_BYTES, 'x');
  gint64 now = g_get_monotonic_time ();
  g_autoptr(Cast) cast = NULL;

  feed (recorder, "progress 10%", now);
  feed (recorder, " 20%", now + HV_SESSION_RECORDER_HOLD_US);   /* held long enough: written */
  g_assert_cmpint (hv_session_recorder_get_deadline (recorder), ==, -1);
  feed (recorder, long_line, now + HV_SESSION_RECORDER_HOLD_US + 1);
  g_assert_cmpint (hv_session_recorder_get_deadline (recorder), ==, -1);
  finish (recorder);

  cast = cast_load (path);
  g_assert_cmpuint (cast->events->len, ==, 2);
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[0])->data, ==, "progress 10% 20%");
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[1])->data, ==, long_line);
}

/* Without patterns nothing is held back; a bad pattern is an error naming it. */
static void
test_redaction_config (void)
{
  g_autofree char *dir = sessions_dir ();
  const char *bad[] = { "password(", NULL };
  g_autoptr(HvSessionRecorder) recorder = recorder_new (NULL);
  g_autoptr(GError) error = NULL;

  feed (recorder, "no line end", g_get_monotonic_time ());
  g_assert_cmpint (hv_session_recorder_get_deadline (recorder), ==, -1);

  g_assert_null (hv_session_recorder_new ("x", dir, 80, 24, bad, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "password("));
}

/* A resize is an "r" event "COLSxROWS" (stream "resize" in the .jsonl), after the output
 * before it, including the held-back line; the same size again writes nothing. */
static void
test_resize (void)
{
  const char *patterns[] = { "never-matches", NULL };
  g_autoptr(HvSessionRecorder) recorder = recorder_new (patterns);
  g_autofree char *cast_path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  g_autofree char *jsonl_path = g_strdup (hv_session_recorder_get_jsonl_path (recorder));
  g_autoptr(GError) error = NULL;
  g_autoptr(Cast) cast = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gint64 now = g_get_monotonic_time ();
  guint cols, rows;

  feed (recorder, "before\r\n$ ", now);
  g_assert_true (hv_session_recorder_resize (recorder, 100, 30, now + 500000, &error));
  g_assert_true (hv_session_recorder_resize (recorder, 100, 30, now + 600000, &error));
  g_assert_no_error (error);
  hv_session_recorder_get_size (recorder, &cols, &rows);
  g_assert_cmpuint (cols, ==, 100);
  g_assert_cmpuint (rows, ==, 30);
  feed (recorder, "after", now + 700000);
  finish (recorder);

  cast = cast_load (cast_path);
  g_assert_cmpuint (cast->events->len, ==, 4);
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[0])->data, ==, "before\r\n");
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[1])->data, ==, "$ ");
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[2])->code, ==, "r");
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[2])->data, ==, "100x30");
  g_assert_cmpint (((CastEvent *) cast->events->pdata[2])->us - ((CastEvent *) cast->events->pdata[0])->us, ==, 500000);
  g_assert_cmpstr (((CastEvent *) cast->events->pdata[3])->data, ==, "after");

  records = jsonl_load (jsonl_path, "test", NULL);
  g_assert_cmpuint (records->len, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (records->pdata[2]), "stream"), ==, "resize");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (records->pdata[2]), "data"), ==, "100x30");
}

/* finish() writes what was carried and closes; feeding after it is an error; dropping a
 * recorder without finish() still writes everything. */
static void
test_finish (void)
{
  const char *patterns[] = { "x", NULL };
  g_autoptr(HvSessionRecorder) recorder = recorder_new (NULL);
  g_autoptr(HvSessionRecorder) dropped = recorder_new (patterns);
  g_autofree char *path = g_strdup (hv_session_recorder_get_cast_path (recorder));
  g_autofree char *dropped_path = g_strdup (hv_session_recorder_get_cast_path (dropped));
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;

  feed (recorder, "end \xe2\x82", g_get_monotonic_time ());
  finish (recorder);
  finish (recorder);
  g_assert_false (hv_session_recorder_feed (recorder, (const guint8 *) "more", 4, g_get_monotonic_time (), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  output = recorded_output (path);
  g_assert_cmpstr (output, ==, "end \xef\xbf\xbd");
  g_assert_finalize_object (g_steal_pointer (&recorder));

  feed (dropped, "held line", g_get_monotonic_time ());
  g_assert_finalize_object (g_steal_pointer (&dropped));
  g_free (output);
  output = recorded_output (dropped_path);
  g_assert_cmpstr (output, ==, "held line");
}

/* ---- the tmux layout parser, on layouts captured from tmux 3.3a ------------------------ */

static void
test_layout (void)
{
  static const struct { const char *layout; guint pane; gboolean found; guint cols, rows; } cases[] = {
    { "a87d,100x30,0,0,0", 0, TRUE, 100, 30 },
    { "a87d,100x30,0,0,0", 1, FALSE, 0, 0 },
    { "c08a,100x30,0,0[100x15,0,0,0,100x14,0,16,1]", 1, TRUE, 100, 14 },
    { "c08a,100x30,0,0[100x15,0,0,0,100x14,0,16,1]", 0, TRUE, 100, 15 },
    { "5a4e,204x50,0,0{102x50,0,0,3,101x50,103,0[101x25,103,0,4,101x24,103,26,7]}", 7, TRUE, 101, 24 },
    { "5a4e,204x50,0,0{102x50,0,0,3,101x50,103,0[101x25,103,0,4,101x24,103,26,7]}", 3, TRUE, 102, 50 },
    { "5a4e,204x50,0,0{102x50,0,0,3,101x50,103,0[101x25,103,0,4,101x24,103,26,7]", 3, FALSE, 0, 0 },
    { "a87d,100x30,0,0", 0, FALSE, 0, 0 },
    { "a87d,100x30,0,0,0,", 0, FALSE, 0, 0 },
    { "zzzz,100x30,0,0,0", 0, FALSE, 0, 0 },
    { "", 0, FALSE, 0, 0 },
    { "a87d,", 0, FALSE, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint cols = 0, rows = 0;

      g_assert_cmpint (hv_pane_size_watcher_parse_layout (cases[i].layout, cases[i].pane, &cols, &rows),
                       ==, cases[i].found);
      if (cases[i].found)
        {
          g_assert_cmpuint (cols, ==, cases[i].cols);
          g_assert_cmpuint (rows, ==, cases[i].rows);
        }
    }

  g_assert_true (hv_pane_size_watcher_parse_pane_id ("%12", NULL));
  g_assert_false (hv_pane_size_watcher_parse_pane_id ("%", NULL));
  g_assert_false (hv_pane_size_watcher_parse_pane_id ("12", NULL));
  g_assert_false (hv_pane_size_watcher_parse_pane_id ("%1;kill-server", NULL));
}

/* The pipe-pane command never ends in ";" (a tmux command separator in an argument) and
 * keeps a given size. Its quoting is tested against real tmux and sh in
 * tests/integration/test-recording-tmux.c. */
static void
test_pipe_command (void)
{
  g_autofree char *cmd = hv_session_recorder_build_pipe_command ("/usr/bin/hydravisor", "s;", NULL, NULL, NULL, 90, 20);
  g_autofree char *too_long_name = g_strnfill (9000, 'n');
  g_autofree char *too_long = hv_session_recorder_build_pipe_command ("/usr/bin/hydravisor", too_long_name, NULL, NULL, NULL, 0, 0);

  g_assert_true (g_str_has_prefix (cmd, "exec '/usr/bin/hydravisor' record --session 's;'"));
  g_assert_nonnull (strstr (cmd, " --size 90x20 "));
  g_assert_false (g_str_has_suffix (cmd, ";"));
  g_assert_null (too_long);
}

/* ---- the `hydravisor record` process ----------------------------------------------------- */

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
run_hydravisor (Run          *run,
                const char   *input,
                gboolean      stderr_to_null,
                const char  **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("HV_BINARY");

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *) binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                           (stderr_to_null ? G_SUBPROCESS_FLAGS_STDERR_SILENCE : G_SUBPROCESS_FLAGS_STDERR_PIPE));
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, input, NULL, &run->out, stderr_to_null ? NULL : &run->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
}

static char *
only_file (const char *dir,
           const char *suffix)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, suffix))
      {
        g_assert_null (found);
        found = g_build_filename (dir, name, NULL);
      }
  g_assert_nonnull (found);
  return found;
}

static char *
make_config_dir (const char *policy)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "hv-test-config", NULL);
  g_autofree char *file = g_build_filename (dir, "policy.toml", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  if (policy != NULL)
    g_assert_true (g_file_set_contents (file, policy, -1, NULL));
  return g_steal_pointer (&dir);
}

/* Reads stdin to the end, writes both files in the default folder (policy.toml's
 * recording.log_dir under XDG_DATA_HOME), applies the configured redaction, exits 0. */
static void
test_cli_record (void)
{
  g_autofree char *config = make_config_dir ("[recording]\nredact_patterns = [\"token:\\\\s*\"]\n");
  g_autofree char *dir = sessions_dir ();
  const char *args[] = { "--config", config, "record", "--session", "cli test", "--size", "120x40", NULL };
  g_auto(Run) run = { 0 };
  g_autofree char *cast_path = NULL;
  g_autofree char *jsonl_path = NULL;
  g_autoptr(Cast) cast = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GString) jsonl_output = g_string_new (NULL);

  run_hydravisor (&run, "line one\r\nmy token: abc123\r\nlast é", FALSE, args);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  cast_path = only_file (dir, ".cast");
  jsonl_path = only_file (dir, ".jsonl");
  cast = cast_load (cast_path);
  g_assert_cmpstr (cast->output->str, ==, "line one\r\nmy [REDACTED]\r\nlast é");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (cast->header), "width"), ==, 120);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (cast->header), "height"), ==, 40);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (cast->header), "title"), ==, "cli test");
  records = jsonl_load (jsonl_path, "cli test", jsonl_output);
  g_assert_cmpstr (jsonl_output->str, ==, cast->output->str);
}

/* --dir and --formats; `help` does not list the internal subcommand. */
static void
test_cli_options (void)
{
  g_autofree char *config = make_config_dir (NULL);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "elsewhere", NULL);
  const char *args[] = { "--config", config, "record", "--session=s", "--dir", dir, "--formats", "cast", NULL };
  const char *help[] = { "help", NULL };
  g_auto(Run) run = { 0 };
  g_auto(Run) help_run = { 0 };
  g_autofree char *cast_path = NULL;
  g_autoptr(GDir) listing = NULL;
  guint n = 0;

  run_hydravisor (&run, "x", FALSE, args);
  g_assert_cmpint (run.status, ==, 0);
  cast_path = only_file (dir, ".cast");
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 1);

  run_hydravisor (&help_run, "", FALSE, help);
  g_assert_cmpint (help_run.status, ==, 0);
  g_assert_nonnull (strstr (help_run.out, "config"));
  g_assert_null (strstr (help_run.out, "record"));
}

/* Bad usage exits 2; a failure exits 1 with `hydravisor: record: …`, never silently. */
static void
test_cli_errors (void)
{
  g_autofree char *config = make_config_dir (NULL);
  const char *no_session[] = { "--config", config, "record", NULL };
  const char *bad_size[] = { "--config", config, "record", "--session", "s", "--size", "80by24", NULL };
  const char *bad_pane[] = { "--config", config, "record", "--session", "s", "--pane", "3", NULL };
  const char *unknown[] = { "--config", config, "record", "--session", "s", "--bogus", NULL };
  const char *bad_dir[] = { "--config", config, "record", "--session", "s", "--dir", "/proc/hv-no/such", NULL };
  const char *bad_format[] = { "--config", config, "record", "--session", "s", "--formats", "cast,gif", NULL };
  struct { const char **args; int status; const char *message; } cases[] = {
    { no_session, 2, "--session" },
    { bad_size, 2, "80by24" },
    { bad_pane, 2, "--pane" },
    { unknown, 2, "--bogus" },
    { bad_dir, 1, "hydravisor: record: " },
    { bad_format, 1, "hydravisor: record: Unknown recording format “gif”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      run_hydravisor (&run, "output", FALSE, cases[i].args);
      g_assert_cmpint (run.status, ==, cases[i].status);
      g_assert_nonnull (strstr (run.err, cases[i].message));
    }
}

/* A configuration with errors records nothing (the redaction patterns are unknown) and
 * says so; with stderr on /dev/null, as under tmux, the message lands next to the
 * recordings. */
static void
test_cli_bad_config (void)
{
  g_autofree char *config = make_config_dir ("[recording]\nredact_patterns = [\"(unclosed\"]\n");
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "rec", NULL);
  g_autofree char *log_path = g_build_filename (dir, "record-errors.log", NULL);
  const char *args[] = { "--config", config, "record", "--session", "s", "--dir", dir, NULL };
  g_auto(Run) run = { 0 };
  g_auto(Run) quiet = { 0 };
  g_autofree char *log = NULL;

  run_hydravisor (&run, "secret", FALSE, args);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "hydravisor: record: the configuration has errors"));
  g_assert_false (g_file_test (log_path, G_FILE_TEST_EXISTS));

  run_hydravisor (&quiet, "secret", TRUE, args);
  g_assert_cmpint (quiet.status, ==, 1);
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "hydravisor: record: session “s”: the configuration has errors"));
  g_assert_null (strstr (log, "secret"));
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/session-recorder/byte-exact", test_byte_exact);
  g_test_add_func ("/session-recorder/times-never-decrease", test_times_never_decrease);
  g_test_add_func ("/session-recorder/header-and-names", test_header_and_names);
  g_test_add_func ("/session-recorder/formats", test_formats);
  g_test_add_func ("/session-recorder/split-character", test_split_character);
  g_test_add_func ("/session-recorder/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/session-recorder/control-characters", test_control_characters);
  g_test_add_func ("/session-recorder/redaction", test_redaction);
  g_test_add_func ("/session-recorder/redaction-split", test_redaction_split);
  g_test_add_func ("/session-recorder/redaction-typed", test_redaction_typed);
  g_test_add_func ("/session-recorder/redaction-hold-limits", test_redaction_hold_limits);
  g_test_add_func ("/session-recorder/redaction-config", test_redaction_config);
  g_test_add_func ("/session-recorder/resize", test_resize);
  g_test_add_func ("/session-recorder/finish", test_finish);
  g_test_add_func ("/session-recorder/layout", test_layout);
  g_test_add_func ("/session-recorder/pipe-command", test_pipe_command);
  g_test_add_func ("/session-recorder/cli/record", test_cli_record);
  g_test_add_func ("/session-recorder/cli/options", test_cli_options);
  g_test_add_func ("/session-recorder/cli/errors", test_cli_errors);
  g_test_add_func ("/session-recorder/cli/bad-config", test_cli_bad_config);

  return g_test_run ();
}
