// SPDX-License-Identifier: GPL-3.0-or-later
/* Session recording against a real tmux (3.3a here) on a private socket: pipe-pane starts
 * the real `hydravisor record` with the command built by
 * hv_session_recorder_build_pipe_command(), the recording follows the pane's output and
 * size, and the recorder flushes and exits when the session goes away. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <unistd.h>

#include "hv-jsonl-writer.h"
#include "hv-session-recorder.h"
#include "hv-test-fixture.h"

/* GLib isolates the test's folders without exporting them (the variables say /dev/null):
 * give child processes, the tmux server among them, the same folders. */
static GSubprocessLauncher *
launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "PS1", "$ ", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "TMUX");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  return launcher;
}

static char *
run_ok (const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

static char *
tmux (const char *socket,
      ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (argv, (char *) "tmux");
  g_ptr_array_add (argv, (char *) "-L");
  g_ptr_array_add (argv, (char *) socket);
  va_start (args, socket);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return run_ok ((const char * const *) argv->pdata);
}

static char *
make_config_dir (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "hv config", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_steal_pointer (&dir);
}

/* The recording in @dir with @suffix, or NULL while there is none. */
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

typedef struct {
  JsonNode *header;
  GString *output;    /* the "o" data joined */
  GPtrArray *resizes; /* "COLSxROWS" */
  gsize output_before_first_resize;
  gboolean complete;  /* ends with a newline */
} Cast;

static void
cast_free (Cast *cast)
{
  g_clear_pointer (&cast->header, json_node_unref);
  g_string_free (cast->output, TRUE);
  g_ptr_array_unref (cast->resizes);
  g_free (cast);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cast, cast_free)

/* Reads a .cast that may still be growing; every complete line must be valid. */
static Cast *
cast_read (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  Cast *cast = g_new0 (Cast, 1);
  gsize len = 0;
  guint n;

  cast->output = g_string_new (NULL);
  cast->resizes = g_ptr_array_new_with_free_func (g_free);
  if (!g_file_get_contents (path, &contents, &len, NULL) || len == 0)
    return cast;
  cast->complete = contents[len - 1] == '\n';
  lines = g_strsplit (contents, "\n", -1);
  n = g_strv_length (lines);
  for (guint i = 0; i + 1 < n; i++)   /* the last piece is incomplete or empty */
    {
      g_autoptr(GError) error = NULL;
      JsonArray *event;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      if (i == 0)
        {
          cast->header = json_node_copy (json_parser_get_root (parser));
          continue;
        }
      event = json_node_get_array (json_parser_get_root (parser));
      g_assert_cmpuint (json_array_get_length (event), ==, 3);
      if (g_str_equal (json_array_get_string_element (event, 1), "o"))
        g_string_append (cast->output, json_array_get_string_element (event, 2));
      else if (g_str_equal (json_array_get_string_element (event, 1), "r"))
        {
          if (cast->resizes->len == 0)
            cast->output_before_first_resize = cast->output->len;
          g_ptr_array_add (cast->resizes, g_strdup (json_array_get_string_element (event, 2)));
        }
    }
  return cast;
}

static gboolean
cast_shows (const char *path,
            const char *needle)
{
  g_autoptr(Cast) cast = cast_read (path);

  return strstr (cast->output->str, needle) != NULL;
}

static gboolean
cast_has_resize (const char *path,
                 const char *size)
{
  g_autoptr(Cast) cast = cast_read (path);

  for (guint i = 0; i < cast->resizes->len; i++)
    if (g_str_equal (g_ptr_array_index (cast->resizes, i), size))
      return TRUE;
  return FALSE;
}

static int
parent_pid (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *end;

  /* "PID (COMM) STATE PPID …" */
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return -1;
  return atoi (end + 4);
}

/* The pids of `hydravisor record` processes for @session, from /proc. */
static GArray *
find_recorders (const char *session)
{
  const char *binary = g_getenv ("HV_BINARY");
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (int));
  const char *name;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *cmdline = NULL;
      gsize len;
      gboolean is_binary = FALSE, is_record = FALSE, is_session = FALSE;
      const char *prev = NULL;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &cmdline, &len, NULL) || len == 0)
        continue;
      for (const char *arg = cmdline; arg < cmdline + len; arg += strlen (arg) + 1)
        {
          if (arg == cmdline)
            is_binary = g_str_equal (arg, binary);
          if (g_str_equal (arg, "record"))
            is_record = TRUE;
          if (prev != NULL && g_str_equal (prev, "--session") && g_str_equal (arg, session))
            is_session = TRUE;
          prev = arg;
        }
      if (is_binary && is_record && is_session)
        {
          int pid = atoi (name);

          g_array_append_val (pids, pid);
        }
    }

  /* The recorder forking its tmux client shows twice for a moment: keep the parent. */
  for (guint i = pids->len; i-- > 0;)
    {
      int ppid = parent_pid (g_array_index (pids, int, i));

      for (guint k = 0; k < pids->len; k++)
        if (g_array_index (pids, int, k) == ppid)
          {
            g_array_remove_index (pids, i);
            break;
          }
    }
  return pids;
}

static gboolean
recorder_gone (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return TRUE;
  /* A zombie has exited; its parent (the tmux server) reaps it. */
  state = strrchr (stat, ')');
  return state != NULL && state[1] == ' ' && state[2] == 'Z';
}

static gboolean
control_client_attached (const char *socket)
{
  g_autofree char *clients = tmux (socket, "list-clients", "-F", "#{client_flags}", NULL);

  return strstr (clients, "control-mode") != NULL;
}

/* Runs `asciinema cat` in a terminal (script(1)) and returns its exit status. */
static int
asciinema_cat_status (const char *path)
{
  g_autofree char *quoted = g_shell_quote (path);
  g_autofree char *command = g_strdup_printf ("asciinema cat %s", quoted);
  const char *argv[] = { "script", "-q", "-e", "-c", command, "/dev/null", NULL };
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);

  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (proc, nothing, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

/* A session is recorded from its first output: the shell's output and a resize reach the
 * .cast and .jsonl while it runs; the recorder's own tmux client changes no size; killing
 * the session ends the recorder, which leaves complete, valid files. */
static void
test_record_session (void)
{
  g_autofree char *socket = hv_test_tmux_socket_name ();
  /* tmux turns "." and ":" in session names into "_": the canary path has neither. */
  g_autofree char *canary = g_strdup_printf ("/tmp/hv-pwned-%d", (int) getpid ());
  /* new-session expands "#{…}" and "#X" in names itself; "# ", "%d" and "%%" stay, and
   * must stay through pipe-pane's own expansion (strftime and formats). */
  g_autofree char *name = g_strdup_printf ("hv rec it's \"q\" $(mkdir -p %s) ; # %%d %%%% x", canary);
  g_autofree char *target = g_strdup_printf ("=%s:", name);
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "rec 'dir'", NULL);
  g_autofree char *config = make_config_dir ();
  g_autofree char *errors_log = g_build_filename (dir, "record-errors.log", NULL);
  g_autofree char *command = NULL;
  g_autofree char *cast_path = NULL;
  g_autofree char *jsonl_path = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *size = NULL;
  g_autoptr(GArray) pids = NULL;
  g_autoptr(Cast) cast = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *header;
  guint skipped = 0, n_resizes = 0;
  int pid;

  command = hv_session_recorder_build_pipe_command (g_getenv ("HV_BINARY"), name, socket, dir, config, 0, 0);
  g_assert_nonnull (command);

  /* One tmux invocation: the pipe is in place before the pane's first output is read. */
  g_free (tmux (socket, "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "sh", ";",
                "pipe-pane", "-O", "-t", target, command, NULL));
  listing = tmux (socket, "list-sessions", "-F", "#{session_name}", NULL);
  g_strchomp (listing);
  g_assert_cmpstr (listing, ==, name);

  HV_TEST_WAIT_FOR ((cast_path = cast_path ? cast_path : find_file (dir, ".cast")) != NULL &&
                    (jsonl_path = jsonl_path ? jsonl_path : find_file (dir, ".jsonl")) != NULL, 10000);
  pids = find_recorders (name);
  g_assert_cmpuint (pids->len, ==, 1);
  pid = g_array_index (pids, int, 0);

  /* The recorder's control client is attached, and the window keeps its size. */
  HV_TEST_WAIT_FOR (control_client_attached (socket), 10000);
  size = tmux (socket, "display-message", "-p", "-t", target, "#{window_width}x#{window_height}", NULL);
  g_assert_cmpstr (size, ==, "80x24\n");

  g_free (tmux (socket, "send-keys", "-t", target, "-l", "printf 'hv-%s\\n' marker-$((6*7))", NULL));
  g_free (tmux (socket, "send-keys", "-t", target, "Enter", NULL));
  HV_TEST_WAIT_FOR (cast_shows (cast_path, "hv-marker-42\r\n"), 10000);
  g_assert_false (cast_has_resize (cast_path, "80x24"));

  g_free (tmux (socket, "resize-window", "-t", target, "-x", "100", "-y", "30", NULL));
  HV_TEST_WAIT_FOR (cast_has_resize (cast_path, "100x30"), 10000);
  g_free (tmux (socket, "send-keys", "-t", target, "-l", "printf 'after-%s\\n' resize", NULL));
  g_free (tmux (socket, "send-keys", "-t", target, "Enter", NULL));
  HV_TEST_WAIT_FOR (cast_shows (cast_path, "after-resize\r\n"), 10000);

  g_free (tmux (socket, "kill-session", "-t", target, NULL));
  HV_TEST_WAIT_FOR (recorder_gone (pid), 10000);

  /* Complete and valid: the header, the output in order, the resize between. */
  cast = cast_read (cast_path);
  g_assert_true (cast->complete);
  header = json_node_get_object (cast->header);
  g_assert_cmpint (json_object_get_int_member (header, "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (header, "title"), ==, name);
  g_assert_cmpint (json_object_get_int_member (header, "width"), ==, 80);
  g_assert_cmpint (json_object_get_int_member (header, "height"), ==, 24);
  g_assert_cmpuint (cast->resizes->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (cast->resizes, cast->resizes->len - 1), ==, "100x30");
  g_assert_nonnull (g_strstr_len (cast->output->str, (gssize) cast->output_before_first_resize, "hv-marker-42"));
  g_assert_null (g_strstr_len (cast->output->str, (gssize) cast->output_before_first_resize, "after-resize"));
  g_assert_cmpint (asciinema_cat_status (cast_path), ==, 0);

  records = hv_jsonl_read_file (jsonl_path, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 0);
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = json_node_get_object (g_ptr_array_index (records, i));

      g_assert_cmpstr (json_object_get_string_member (record, "session"), ==, name);
      if (g_str_equal (json_object_get_string_member (record, "stream"), "resize"))
        n_resizes++;
    }
  g_assert_cmpuint (n_resizes, ==, cast->resizes->len);

  /* Nothing of the name reached a shell as code. */
  g_assert_false (g_file_test (canary, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (errors_log, G_FILE_TEST_EXISTS));

  hv_test_tmux_kill_server (socket);
}

/* Every argument of the pipe command reaches the program as given, through tmux's format
 * expansion (the same as pipe-pane's: display-message) and `sh -c`, whatever quotes,
 * `$()`, ";", "#" and "%" it holds; tmux fills in the pane id and size. */
static void
test_pipe_command_quoting (void)
{
  g_autofree char *socket = hv_test_tmux_socket_name ();
  const char *odd = "it's \"q\" $(touch x) `id` ; & | \\ #{pane_id} #S ## %d %% ~ * ?";
  g_autofree char *bin_dir = g_build_filename (g_get_user_data_dir (), "a b'c", NULL);
  g_autofree char *program = g_build_filename (bin_dir, "print \"args\"", NULL);
  g_autofree char *dir = g_strdup_printf ("/tmp/%s/dir", odd);
  g_autofree char *config = g_strdup_printf ("/tmp/%s/config", odd);
  g_autofree char *command = NULL;
  g_autofree char *expanded = NULL;
  g_autofree char *pane_id = NULL;
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) sh = NULL;
  g_autoptr(GBytes) printed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *sh_argv[] = { "sh", "-c", NULL, NULL };
  const char *p, *end;

  g_assert_cmpint (g_mkdir_with_parents (bin_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (program, "#!/bin/sh\nfor a; do printf '%s\\0' \"$a\"; done\n", -1, NULL));
  g_assert_cmpint (g_chmod (program, 0700), ==, 0);

  g_free (tmux (socket, "-f", "/dev/null", "new-session", "-d", "-s", "q", "-x", "91", "-y", "21", "cat", NULL));
  pane_id = tmux (socket, "display-message", "-p", "-t", "=q:", "#{pane_id}", NULL);
  g_strchomp (pane_id);

  command = hv_session_recorder_build_pipe_command (program, odd, odd, dir, config, 0, 0);
  g_assert_false (g_str_has_suffix (command, ";"));
  expanded = tmux (socket, "display-message", "-p", "-t", "=q:", command, NULL);
  g_strchomp (expanded);

  /* What tmux's pipe-pane then does: sh -c. The program prints each argument and a NUL. */
  sh_argv[2] = expanded;
  sh = g_subprocess_launcher_spawnv (launcher, sh_argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (sh, NULL, NULL, &printed, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (sh));
  p = g_bytes_get_data (printed, NULL);
  end = p + g_bytes_get_size (printed);
  g_assert_true (p < end && end[-1] == '\0');
  for (; p < end; p += strlen (p) + 1)
    g_ptr_array_add (args, (char *) p);
  g_ptr_array_add (args, NULL);

  {
    const char *expected[] = { "--config", config, "record", "--session", odd, "--socket-name", odd,
                               "--dir", dir, "--size", "91x21", "--pane", pane_id, NULL };

    g_assert_cmpstrv ((const char * const *) args->pdata, expected);
  }

  hv_test_tmux_kill_server (socket);
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/recording/tmux/session", test_record_session);
  g_test_add_func ("/recording/tmux/pipe-command-quoting", test_pipe_command_quoting);

  return g_test_run ();
}
