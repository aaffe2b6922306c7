// SPDX-License-Identifier: GPL-3.0-or-later
/* Session recording cost, in the same run on the same machine:
 *
 * 1. the recorder process alone: 100 MiB of mixed terminal output (text, UTF-8, colour
 *    escapes) through `hydravisor record` from a pipe: CPU time per MiB (target ≤ 25 ms,
 *    i.e. at least 40 MiB/s on one core) and every byte in the .cast;
 * 2. the same output `cat` in a real tmux pane, recording off and on: wall time from the
 *    command to its end marker being shown (off) or recorded (on), target on/off ≤ 1.2;
 *    and every byte of the file in the recording. A pane's pty turns "\n" into "\r\n", so
 *    the file is compared with that one translation applied, byte for byte.
 *
 * Usage: bench-terminal HYDRAVISOR_BINARY. Exits 1 when a target is missed. */
#define _GNU_SOURCE   /* memmem */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv-session-recorder.h"

#define OUTPUT_MIB 100
#define TARGET_CPU_MS_PER_MIB 25.0
#define TARGET_RATIO 1.2
#define MARKER "hv-bench-42-end"

static const char *pieces[] = {
  "hello", "world", " ", " ", "ls -la", "total 42", "drwxr-xr-x", "\n", "\n", "\t", "é", "€", "😀",
  "中文字", "ß", "naïve café", "Ωμέγα", "\033[31m", "\033[0m", "\033[1;32m", "\033[38;5;208m", "\033[K",
  "\"quoted\"", "back\\slash", "[  OK  ]", "0123456789",
};

static GBytes *
mixed_output (gsize size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  GByteArray *bytes = g_byte_array_sized_new ((guint) size);
  guint column = 0;

  while (bytes->len < size - 1)
    {
      const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];
      gsize len = strlen (piece);

      if (bytes->len + len > size - 1)
        {
          piece = "...............................";
          len = size - 1 - bytes->len;
        }
      g_byte_array_append (bytes, (const guint8 *) piece, (guint) len);
      column = piece[len - 1] == '\n' ? 0 : column + (guint) len;
      if (column > 100)
        {
          g_byte_array_append (bytes, (const guint8 *) "\n", 1);
          column = 0;
        }
    }
  g_byte_array_set_size (bytes, (guint) size - 1);
  g_byte_array_append (bytes, (const guint8 *) "\n", 1);
  return g_byte_array_free_to_bytes (bytes);
}

static char *
find_file (const char *dir,
           const char *suffix)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, suffix))
      return g_build_filename (dir, name, NULL);
  return NULL;
}

/* The "o" data of a .cast, joined; NULL (after a message) when a line is not valid. */
static GString *
cast_output (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) output = g_string_sized_new (OUTPUT_MIB * 1024 * 1024 + 4 * 1024 * 1024);
  char *line;
  gsize len;
  guint n = 0;

  if (stream == NULL)
    return NULL;
  lines = g_data_input_stream_new (G_INPUT_STREAM (stream));
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (lines), 1024 * 1024);
  while ((line = g_data_input_stream_read_line (lines, &len, NULL, NULL)) != NULL)
    {
      g_autofree char *owned = line;
      JsonArray *event;

      if (!json_parser_load_from_data (parser, owned, (gssize) len, NULL))
        {
          g_printerr ("bench-terminal: %s:%u is not JSON\n", path, n + 1);
          return NULL;
        }
      if (n++ == 0)
        continue;
      event = json_node_get_array (json_parser_get_root (parser));
      if (g_str_equal (json_array_get_string_element (event, 1), "o"))
        g_string_append (output, json_array_get_string_element (event, 2));
    }
  return g_steal_pointer (&output);
}

/* How many bytes of @input are missing or different in @recorded, which should hold it
 * (with "\n" as "\r\n" when @pty) starting where its first line is. */
static gsize
count_lost (GBytes  *input,
            GString *recorded,
            gboolean pty)
{
  const guint8 *in = g_bytes_get_data (input, NULL);
  gsize in_len = g_bytes_get_size (input);
  const char *first_nl = memchr (in, '\n', in_len);
  gsize probe = MIN ((gsize) (first_nl - (const char *) in), 256);
  const char *start = probe > 8 ? memmem (recorded->str, recorded->len, in, probe) : NULL;
  gsize i = 0, j;

  if (start == NULL)
    return in_len;
  j = start - recorded->str;
  for (; i < in_len && j < recorded->len; i++)
    {
      if (pty && in[i] == '\n')
        {
          if (recorded->str[j] != '\r' || j + 1 >= recorded->len || recorded->str[j + 1] != '\n')
            break;
          j += 2;
        }
      else if ((guint8) recorded->str[j] == in[i])
        j++;
      else
        break;
    }
  return in_len - i;
}

static gboolean
report (const char *what,
        gboolean    ok)
{
  printf ("  %-58s %s\n", what, ok ? "PASS" : "FAIL");
  return ok;
}

/* ---- 1. the recorder alone --------------------------------------------------------------- */

static gboolean
bench_recorder (const char *binary,
                const char *config,
                const char *tmp,
                GBytes     *input)
{
  g_autofree char *dir = g_build_filename (tmp, "pipe", NULL);
  const char *argv[] = { binary, "--config", config, "record", "--session", "bench", "--dir", dir,
                         "--size", "80x24", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) recorded = NULL;
  g_autofree char *cast = NULL;
  const guint8 *data = g_bytes_get_data (input, NULL);
  gsize len = g_bytes_get_size (input), off = 0;
  double mib = len / (1024.0 * 1024.0);
  struct rusage usage;
  GPid pid;
  int in_fd, status;
  gint64 started;
  double wall, cpu, ms_per_mib;
  gboolean ok = TRUE;
  gsize lost;
  char line[128];

  started = g_get_monotonic_time ();
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &pid, &in_fd, NULL, NULL, &error))
    {
      g_printerr ("bench-terminal: %s\n", error->message);
      return FALSE;
    }
  while (off < len)
    {
      gssize n = write (in_fd, data + off, MIN (len - off, 64 * 1024));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_printerr ("bench-terminal: writing to the recorder: %s\n", g_strerror (errno));
          return FALSE;
        }
      off += (gsize) n;
    }
  close (in_fd);
  if (wait4 (pid, &status, 0, &usage) != pid)
    return FALSE;
  wall = (g_get_monotonic_time () - started) / 1e6;
  g_spawn_close_pid (pid);

  cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  ms_per_mib = cpu * 1000 / mib;
  printf ("recorder (hydravisor record, from a pipe):\n");
  printf ("  %.0f MiB in %.2f s wall (%.0f MiB/s); CPU %.2f s user + %.2f s sys = %.1f ms/MiB\n",
          mib, wall, mib / wall, usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6,
          usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6, ms_per_mib);

  ok &= report ("exit status 0", WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_snprintf (line, sizeof line, "CPU per MiB %.1f ms <= %.0f ms", ms_per_mib, TARGET_CPU_MS_PER_MIB);
  ok &= report (line, ms_per_mib <= TARGET_CPU_MS_PER_MIB);

  cast = find_file (dir, ".cast");
  recorded = cast ? cast_output (cast) : NULL;
  lost = recorded ? count_lost (input, recorded, FALSE) : len;
  g_snprintf (line, sizeof line, "bytes lost %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " (output identical: %s)",
              lost, len, recorded && recorded->len == len ? "yes" : "no");
  ok &= report (line, lost == 0 && recorded != NULL && recorded->len == len);
  return ok;
}

/* ---- 2. a real tmux pane ----------------------------------------------------------------- */

static gboolean
tmux (const char *socket,
      ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;
  va_list args;

  g_ptr_array_add (argv, (char *) "tmux");
  g_ptr_array_add (argv, (char *) "-L");
  g_ptr_array_add (argv, (char *) socket);
  va_start (args, socket);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("bench-terminal: tmux %s failed: %s\n", (const char *) argv->pdata[3],
                  error ? error->message : err);
      return FALSE;
    }
  return TRUE;
}

/* The tmux server's CPU time so far, in seconds. */
static double
server_cpu (const char *socket)
{
  const char *argv[] = { "tmux", "-L", socket, "display-message", "-p", "#{pid}", NULL };
  g_autofree char *out = NULL;
  g_autofree char *path = NULL;
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return 0;
  path = g_strdup_printf ("/proc/%d/stat", atoi (out));
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return 0;
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  /* Fields 14 and 15 of stat(5): utime and stime; after ")" they are the 12th and 13th. */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static gboolean
file_tail_has (const char *path,
               const char *needle)
{
  char buf[64 * 1024 + 1];
  FILE *f = path ? fopen (path, "rb") : NULL;
  size_t n;

  if (f == NULL)
    return FALSE;
  if (fseek (f, -(long) (sizeof buf - 1), SEEK_END) != 0)
    rewind (f);
  n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  return memmem (buf, n, needle, strlen (needle)) != NULL;
}

typedef struct {
  double pane_s;      /* until the shell signalled the end */
  double recorded_s;  /* until the end marker was in the recording (on) */
  double server_cpu_s;
  GString *recorded;
} PaneRun;

static gboolean
pane_run (const char *binary,
          const char *config,
          const char *tmp,
          const char *socket,
          const char *data_path,
          gboolean    record,
          PaneRun    *run)
{
  const char *session = record ? "on" : "off";
  g_autofree char *target = g_strdup_printf ("=%s:", session);
  g_autofree char *dir = g_build_filename (tmp, "tmux", NULL);
  g_autofree char *channel = g_strdup_printf ("hv-bench-done-%s", session);
  g_autofree char *ready = g_strdup_printf ("hv-bench-ready-%s", session);
  g_autofree char *quoted = g_shell_quote (data_path);
  g_autofree char *ready_cmd = g_strdup_printf ("tmux -L %s wait-for -S %s", socket, ready);
  g_autofree char *cat_cmd = g_strdup_printf ("cat %s; printf 'hv-bench-%%s-end\\n' 42; tmux -L %s wait-for -S %s",
                                              quoted, socket, channel);
  g_autofree char *cast = NULL;
  double cpu_before;
  gint64 started, deadline;

  if (record)
    {
      g_autofree char *command = hv_session_recorder_build_pipe_command (binary, session, socket, dir, config, 0, 0);

      if (!tmux (socket, "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", "sh", ";",
                 "pipe-pane", "-O", "-t", target, command, NULL))
        return FALSE;
    }
  else if (!tmux (socket, "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", "sh", NULL))
    return FALSE;

  /* The shell is ready (and the recorder started) before the clock starts. */
  if (!tmux (socket, "send-keys", "-t", target, ready_cmd, "Enter", NULL) ||
      !tmux (socket, "wait-for", ready, NULL))
    return FALSE;
  if (record)
    {
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while ((cast = find_file (dir, ".cast")) == NULL && g_get_monotonic_time () < deadline)
        g_usleep (10000);
      if (cast == NULL)
        {
          g_printerr ("bench-terminal: the recorder wrote no .cast in %s\n", dir);
          return FALSE;
        }
    }

  cpu_before = server_cpu (socket);
  started = g_get_monotonic_time ();
  if (!tmux (socket, "send-keys", "-t", target, cat_cmd, "Enter", NULL) ||
      !tmux (socket, "wait-for", channel, NULL))
    return FALSE;
  run->pane_s = (g_get_monotonic_time () - started) / 1e6;
  run->server_cpu_s = server_cpu (socket) - cpu_before;
  run->recorded_s = run->pane_s;

  if (record)
    {
      deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      while (!file_tail_has (cast, MARKER) && g_get_monotonic_time () < deadline)
        g_usleep (5000);
      run->recorded_s = (g_get_monotonic_time () - started) / 1e6;
      /* Stop piping: the recorder reads to the end, flushes and exits. */
      tmux (socket, "pipe-pane", "-t", target, NULL);
      run->recorded = cast_output (cast);
    }
  return tmux (socket, "kill-session", "-t", target, NULL);
}

static gboolean
bench_tmux (const char *binary,
            const char *config,
            const char *tmp,
            GBytes     *input)
{
  /* A server of its own for each run: both start equally cold. */
  g_autofree char *socket_off = g_strdup_printf ("hv-bench-%d-off", (int) getpid ());
  g_autofree char *socket_on = g_strdup_printf ("hv-bench-%d-on", (int) getpid ());
  g_autofree char *data_path = g_build_filename (tmp, "output.txt", NULL);
  g_autoptr(GError) error = NULL;
  PaneRun off = { 0 }, on = { 0 };
  const char *kill_off[] = { "tmux", "-L", socket_off, "kill-server", NULL };
  const char *kill_on[] = { "tmux", "-L", socket_on, "kill-server", NULL };
  double mib = g_bytes_get_size (input) / (1024.0 * 1024.0);
  double ratio;
  gboolean ok = TRUE;
  gsize lost;
  char line[160];

  if (!g_file_set_contents (data_path, g_bytes_get_data (input, NULL), (gssize) g_bytes_get_size (input), &error))
    {
      g_printerr ("bench-terminal: %s\n", error->message);
      return FALSE;
    }

  g_setenv ("PS1", "$ ", TRUE);
  g_unsetenv ("TMUX");
  ok = pane_run (binary, config, tmp, socket_off, data_path, FALSE, &off) &&
       pane_run (binary, config, tmp, socket_on, data_path, TRUE, &on);
  g_spawn_sync (NULL, (char **) kill_off, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  g_spawn_sync (NULL, (char **) kill_on, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  if (!ok)
    return FALSE;

  ratio = on.recorded_s / off.pane_s;
  printf ("tmux pane (private server), `cat` of the same %.0f MiB at 80x24:\n", mib);
  printf ("  recording off: %.2f s (tmux server CPU %.2f s = %.1f ms/MiB)\n",
          off.pane_s, off.server_cpu_s, off.server_cpu_s * 1000 / mib);
  printf ("  recording on:  %.2f s until shown, %.2f s until recorded (tmux server CPU %.2f s)\n",
          on.pane_s, on.recorded_s, on.server_cpu_s);
  g_snprintf (line, sizeof line, "on/off %.2f <= %.1f", ratio, TARGET_RATIO);
  ok &= report (line, ratio <= TARGET_RATIO);

  lost = on.recorded ? count_lost (input, on.recorded, TRUE) : g_bytes_get_size (input);
  g_snprintf (line, sizeof line, "bytes of the file lost in the recording: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT,
              lost, g_bytes_get_size (input));
  ok &= report (line, lost == 0);
  if (on.recorded != NULL)
    {
      const char *in = g_bytes_get_data (input, NULL);
      gsize newlines = 0;

      for (gsize i = 0; i < g_bytes_get_size (input); i++)
        newlines += in[i] == '\n';
      printf ("  recorded %" G_GSIZE_FORMAT " bytes in all: the file with \\n as \\r\\n (%" G_GSIZE_FORMAT
              " bytes), the prompts, the typed commands and the end marker\n",
              on.recorded->len, g_bytes_get_size (input) + newlines);
      g_string_free (on.recorded, TRUE);
    }
  return ok;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *config = NULL;
  gboolean ok;
  gint64 started = g_get_monotonic_time ();

  if (argc != 2 || !g_path_is_absolute (argv[1]))
    {
      g_printerr ("usage: bench-terminal /absolute/path/to/hydravisor\n");
      return 2;
    }

  tmp = g_dir_make_tmp ("hv-bench-terminal-XXXXXX", &error);
  if (tmp == NULL)
    {
      g_printerr ("bench-terminal: %s\n", error->message);
      return 1;
    }
  /* An empty configuration: no redaction patterns, the default formats (cast and jsonl). */
  config = g_build_filename (tmp, "config", NULL);
  g_mkdir_with_parents (config, 0700);

  input = mixed_output ((gsize) OUTPUT_MIB * 1024 * 1024);
  ok = bench_recorder (argv[1], config, tmp, input);
  ok &= bench_tmux (argv[1], config, tmp, input);

  remove_tree (tmp);
  printf ("total %.1f s: %s\n", (g_get_monotonic_time () - started) / 1e6, ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
