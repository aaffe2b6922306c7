// SPDX-License-Identifier: GPL-3.0-or-later
/* `hydravisor chat` against curl on the same stream, in the same run:
 *
 * 1. throughput: a 100 000-token reply streamed by the fake Ollama as fast as the client
 *    reads it; `hydravisor chat` must take at most 1.5× the time of `curl -sN` reading the
 *    same stream. 7 runs each, alternated; the verdict compares the fastest run of each (the
 *    least disturbed by whatever else the machine does), the medians are printed too.
 * 2. latency: 2000 tokens, one every millisecond, each carrying the server's monotonic clock
 *    when it was sent; this program reads the client's standard output through a pipe and
 *    compares with its own clock on arrival. The median from a token leaving the server to
 *    `hydravisor chat` writing it must be under 2 ms; curl on the same stream is the floor.
 *
 *   bench-chat HYDRAVISOR FAKE_OLLAMA
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_TOKENS 100000
#define N_RUNS 7
#define RATIO_LIMIT 1.5
#define N_PACED 2000
#define PACED_MS 1
#define LATENCY_LIMIT_US 2000.0
#define WARMUP_TOKENS 20

static char **child_env;

static void G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN
die (const char *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "bench-chat: %s\n", message);
  exit (1);
}

static GPid
spawn (const char * const *argv,
       int                *stdin_fd,
       int                *stdout_fd)
{
  g_autoptr(GError) error = NULL;
  GPid pid;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, child_env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &pid, stdin_fd, stdout_fd, NULL, &error))
    die ("cannot run %s: %s", argv[0], error->message);
  return pid;
}

static int
reap (GPid pid)
{
  int status;

  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      die ("waitpid: %s", g_strerror (errno));
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static gssize
read_some (int    fd,
           char  *buffer,
           gsize  size)
{
  gssize n;

  while ((n = read (fd, buffer, size)) < 0)
    if (errno != EINTR)
      die ("read: %s", g_strerror (errno));
  return n;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  guint index;

  g_array_sort (values, compare_doubles);
  index = (guint) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, index);
}

/* ---- throughput ---------------------------------------------------------------------- */

/* Runs @argv, reads all of its standard output; returns the seconds it took. */
static double
timed_run (const char * const *argv,
           gsize              *out_bytes,
           GString            *tail)
{
  static char buffer[1 << 16];
  gint64 start = g_get_monotonic_time ();
  int out;
  GPid pid = spawn (argv, NULL, &out);
  gssize n;
  int status;

  *out_bytes = 0;
  while ((n = read_some (out, buffer, sizeof buffer)) > 0)
    {
      *out_bytes += n;
      g_string_append_len (tail, buffer, n);
      if (tail->len > 256)
        g_string_erase (tail, 0, tail->len - 256);
    }
  close (out);
  status = reap (pid);
  if (status != 0)
    die ("%s exited with status %d", argv[0], status);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* ---- latency ------------------------------------------------------------------------- */

/* Reads @argv's output as it comes; each token is "<server's monotonic µs> ". For curl the
 * token sits in "content":"…" of each JSON line. */
static GArray *
latencies (const char * const *argv,
           gboolean            json_lines)
{
  static char buffer[1 << 16];
  g_autoptr(GString) pending = g_string_new (NULL);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  guint seen = 0;
  int out;
  GPid pid = spawn (argv, NULL, &out);
  gssize n;
  int status;

  while ((n = read_some (out, buffer, sizeof buffer)) > 0)
    {
      gint64 now = g_get_monotonic_time ();
      const char *p;

      g_string_append_len (pending, buffer, n);
      p = pending->str;
      for (;;)
        {
          const char *start = p;
          char *end;
          gint64 stamp;

          if (json_lines)
            {
              start = strstr (p, "\"content\":\"");
              if (start == NULL || strchr (start, '\n') == NULL)
                break;
              start += strlen ("\"content\":\"");
            }
          else if (strchr (p, ' ') == NULL)
            break;

          stamp = g_ascii_strtoll (start, &end, 10);
          p = json_lines ? strchr (start, '\n') + 1 : strchr (start, ' ') + 1;
          if (end == start || *end != ' ')
            continue;   /* the final object, or the closing newline */
          if (seen++ >= WARMUP_TOKENS)
            {
              double latency = (double) (now - stamp);

              g_array_append_val (values, latency);
            }
        }
      g_string_erase (pending, 0, p - pending->str);
    }
  close (out);
  status = reap (pid);
  if (status != 0)
    die ("%s exited with status %d", argv[0], status);
  if (seen != N_PACED)
    die ("%s wrote %u tokens, not %d", argv[0], seen, N_PACED);
  return values;
}

/* ---- main ---------------------------------------------------------------------------- */

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
main (int    argc,
      char **argv)
{
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autofree char *tmp = NULL;
  g_autofree char *config_dir = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *config = NULL;
  g_autofree char *url = NULL;
  g_autofree char *chat_url = NULL;
  g_autofree char *bench_model = g_strdup_printf ("bench-%d", N_TOKENS);
  g_autofree char *paced_model = g_strdup_printf ("paced-%d-%d", N_PACED, PACED_MS);
  g_autofree char *bench_body = NULL;
  g_autofree char *paced_body = NULL;
  g_autoptr(GArray) curl_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cli_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) curl_latency = NULL;
  g_autoptr(GArray) cli_latency = NULL;
  g_autoptr(GError) error = NULL;
  char line[256];
  gsize expected_bytes = 1;   /* the newline after the reply */
  double curl_time, cli_time, ratio, cli_median, cli_p99, curl_median;
  gboolean throughput_ok, latency_ok;
  int server_in, server_out;
  GPid server;
  gssize n;

  if (argc != 3)
    die ("usage: bench-chat HYDRAVISOR FAKE_OLLAMA");
  if (curl == NULL)
    die ("curl is needed as the reference client; install it (apt-get install curl)");

  tmp = g_dir_make_tmp ("hv-bench-chat-XXXXXX", &error);
  if (tmp == NULL)
    die ("%s", error->message);
  config_dir = g_build_filename (tmp, "config", NULL);
  g_mkdir_with_parents (config_dir, 0700);

  child_env = g_get_environ ();
  child_env = g_environ_unsetenv (child_env, "OLLAMA_HOST");
  child_env = g_environ_unsetenv (child_env, "DISPLAY");
  child_env = g_environ_unsetenv (child_env, "WAYLAND_DISPLAY");
  child_env = g_environ_setenv (child_env, "HOME", tmp, TRUE);
  child_env = g_environ_setenv (child_env, "XDG_DATA_HOME", tmp, TRUE);
  child_env = g_environ_setenv (child_env, "XDG_CONFIG_HOME", tmp, TRUE);
  child_env = g_environ_setenv (child_env, "LC_ALL", "C.UTF-8", TRUE);
  /* meson test sets it to catch memory errors; it is not how either client runs for real. */
  child_env = g_environ_unsetenv (child_env, "MALLOC_PERTURB_");
  /* Loopback only: no proxy lookup (the GNOME resolver needs schemas the test env hides). */
  child_env = g_environ_setenv (child_env, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  /* The server: its URL on the first line; it stops when its stdin closes. */
  server = spawn ((const char * const[]) { argv[2], NULL }, &server_in, &server_out);
  n = read_some (server_out, line, sizeof line - 1);
  if (n <= 0)
    die ("the fake Ollama did not start");
  line[n] = '\0';
  url = g_strstrip (g_strdup (line));
  chat_url = g_strconcat (url, "/api/chat", NULL);

  config_file = g_build_filename (config_dir, "config.toml", NULL);
  config = g_strdup_printf ("[providers.ollama]\nhost = \"%s\"\n", url);
  if (!g_file_set_contents (config_file, config, -1, &error))
    die ("%s", error->message);

  bench_body = g_strdup_printf ("{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"stream\":true}", bench_model);
  paced_body = g_strdup_printf ("{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"stream\":true}", paced_model);
  for (int i = 0; i < N_TOKENS; i++)
    {
      char token[32];

      expected_bytes += g_snprintf (token, sizeof token, "t%d ", i);
    }

  printf ("chat-cli: a %d-token reply from the fake Ollama on loopback (%s)\n", N_TOKENS, url);
  for (int run = 0; run < N_RUNS; run++)
    {
      const char * const curl_argv[] = { curl, "-sN", "-d", bench_body, chat_url, NULL };
      const char * const cli_argv[] = { argv[1], "--config", config_dir, "chat", "--model", bench_model, "go", NULL };
      g_autoptr(GString) tail = g_string_new (NULL);
      gsize bytes;
      double t;

      t = timed_run (curl_argv, &bytes, tail);
      g_array_append_val (curl_times, t);
      if (!g_str_has_suffix (tail->str, "\"done\":true,\"total_duration\":4883583458,\"load_duration\":1334875,"
                                        "\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,"
                                        "\"eval_count\":282,\"eval_duration\":4535599000}\n"))
        die ("curl did not read the whole stream");

      g_string_truncate (tail, 0);
      t = timed_run (cli_argv, &bytes, tail);
      g_array_append_val (cli_times, t);
      if (bytes != expected_bytes || !g_str_has_suffix (tail->str, " t99999 \n"))
        die ("hydravisor chat wrote %" G_GSIZE_FORMAT " bytes, not the %" G_GSIZE_FORMAT " of the reply",
             bytes, expected_bytes);
      printf ("  run %d: curl -sN %.3f s, hydravisor chat %.3f s\n", run + 1,
              g_array_index (curl_times, double, run), g_array_index (cli_times, double, run));
    }
  curl_time = percentile (curl_times, 0.0);
  cli_time = percentile (cli_times, 0.0);
  ratio = cli_time / curl_time;
  throughput_ok = ratio <= RATIO_LIMIT;
  printf ("throughput: fastest of %d: curl -sN %.3f s, hydravisor chat %.3f s: ratio %.2f, limit %.2f: %s "
          "(medians: %.3f s, %.3f s, ratio %.2f)\n",
          N_RUNS, curl_time, cli_time, ratio, RATIO_LIMIT, throughput_ok ? "PASS" : "FAIL",
          percentile (curl_times, 0.5), percentile (cli_times, 0.5),
          percentile (cli_times, 0.5) / percentile (curl_times, 0.5));

  {
    const char * const curl_argv[] = { curl, "-sN", "-d", paced_body, chat_url, NULL };
    const char * const cli_argv[] = { argv[1], "--config", config_dir, "chat", "--model", paced_model, "go", NULL };

    curl_latency = latencies (curl_argv, TRUE);
    cli_latency = latencies (cli_argv, FALSE);
  }
  cli_median = percentile (cli_latency, 0.5) / 1000.0;
  cli_p99 = percentile (cli_latency, 0.99) / 1000.0;
  curl_median = percentile (curl_latency, 0.5) / 1000.0;
  latency_ok = cli_median * 1000.0 < LATENCY_LIMIT_US;
  printf ("latency (%d tokens, 1 every %d ms, first %d skipped): token sent -> written by hydravisor chat: "
          "median %.3f ms, p99 %.3f ms; by curl -sN: median %.3f ms, p99 %.3f ms; "
          "added over curl %.3f ms; limit median < %.1f ms: %s\n",
          N_PACED, PACED_MS, WARMUP_TOKENS, cli_median, cli_p99, curl_median,
          percentile (curl_latency, 0.99) / 1000.0, cli_median - curl_median,
          LATENCY_LIMIT_US / 1000.0, latency_ok ? "PASS" : "FAIL");

  close (server_in);
  reap (server);
  close (server_out);
  remove_tree (tmp);
  g_strfreev (child_env);

  printf ("chat-cli: %s\n", throughput_ok && latency_ok ? "PASS" : "FAIL");
  return throughput_ok && latency_ok ? 0 : 1;
}
