// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv-test-fixture.h"

void
hv_test_init (int    *argc,
              char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

static char *ui_home;

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        {
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            remove_tree (child);
          else
            g_file_delete (child, NULL, NULL);
        }
    }
  g_file_delete (file, NULL, NULL);
}

static void
remove_ui_home (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (ui_home);

  remove_tree (file);
  g_clear_pointer (&ui_home, g_free);
}

void
hv_test_init_ui (int    *argc,
                 char ***argv)
{
  const struct { const char *var; const char *sub; } dirs[] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };
  g_autoptr(GError) error = NULL;

  ui_home = g_dir_make_tmp ("hv-ui-test-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (ui_home, dirs[i].sub, NULL);

      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (dirs[i].var, path, TRUE);
    }
  atexit (remove_ui_home);

  g_test_init (argc, argv, NULL);
}

gboolean
hv_test_wait_for (gboolean (*condition) (gpointer data),
                  gpointer   data,
                  guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean done;

  while (!(done = condition (data)) && g_get_monotonic_time () < deadline)
    {
      /* Never block forever in poll: wake up every millisecond to check the deadline. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return done;
}

GAsyncResult *
hv_test_wait_result (GAsyncResult **result,
                     guint          timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (*result == NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  if (*result == NULL)
    g_error ("timed out after %u ms waiting for an async result", timeout_ms);
  return *result;
}

char *
hv_test_tmux_socket_name (void)
{
  static guint counter;

  return g_strdup_printf ("hv-test-%d-%u", (int) getpid (), ++counter);
}

void
hv_test_tmux_kill_server (const char *socket_name)
{
  const char *argv[] = { "tmux", "-L", socket_name, "kill-server", NULL };

  /* The server may already be gone: nothing to check. */
  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
}

struct _HvStallProbe
{
  GSource *source;
};

typedef struct {
  GSource parent;
  gint64 started_at;
  gint64 checked_at;   /* when the last poll ended */
  gint64 max_us;
  guint iterations;
  GArray *long_ones;   /* HvStall: the iterations over HV_STALL_LONG_US */
} StallSource;

static gboolean
stall_prepare (GSource *source,
               int     *timeout)
{
  StallSource *s = (StallSource *) source;

  /* Everything between the end of the previous poll and now was dispatching. */
  if (s->checked_at != 0)
    {
      gint64 busy = g_get_monotonic_time () - s->checked_at;

      s->max_us = MAX (s->max_us, busy);
      s->iterations++;
      if (busy > HV_STALL_LONG_US)
        {
          HvStall stall = { s->checked_at - s->started_at, busy };

          g_array_append_val (s->long_ones, stall);
        }
    }
  *timeout = -1;
  return FALSE;
}

static gboolean
stall_check (GSource *source)
{
  ((StallSource *) source)->checked_at = g_get_monotonic_time ();
  return FALSE;
}

static gboolean
stall_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs stall_funcs = {
  .prepare = stall_prepare,
  .check = stall_check,
  .dispatch = stall_dispatch,
};

HvStallProbe *
hv_stall_probe_start (GMainContext *context)
{
  HvStallProbe *probe = g_new0 (HvStallProbe, 1);

  probe->source = g_source_new (&stall_funcs, sizeof (StallSource));
  ((StallSource *) probe->source)->started_at = g_get_monotonic_time ();
  ((StallSource *) probe->source)->long_ones = g_array_new (FALSE, FALSE, sizeof (HvStall));
  g_source_set_name (probe->source, "[hydravisor] stall probe");
  /* Prepared first and checked first, so the measured span covers all other sources. */
  g_source_set_priority (probe->source, G_PRIORITY_HIGH - 100);
  g_source_attach (probe->source, context);
  return probe;
}

gint64
hv_stall_probe_get_max_us (HvStallProbe *probe)
{
  return ((StallSource *) probe->source)->max_us;
}

const HvStall *
hv_stall_probe_get_long (HvStallProbe *probe,
                         guint        *n_stalls)
{
  GArray *long_ones = ((StallSource *) probe->source)->long_ones;

  *n_stalls = long_ones->len;
  return (const HvStall *) (gpointer) long_ones->data;
}

guint
hv_stall_probe_get_iterations (HvStallProbe *probe)
{
  return ((StallSource *) probe->source)->iterations;
}

void
hv_stall_probe_reset (HvStallProbe *probe)
{
  StallSource *s = (StallSource *) probe->source;

  s->max_us = 0;
  s->iterations = 0;
  s->checked_at = 0;
  s->started_at = g_get_monotonic_time ();
  g_array_set_size (s->long_ones, 0);
}

void
hv_stall_probe_free (HvStallProbe *probe)
{
  g_array_unref (((StallSource *) probe->source)->long_ones);
  g_source_destroy (probe->source);
  g_source_unref (probe->source);
  g_free (probe);
}

static char *reaper_root;   /* G_TEST_TMPDIR: every path of this run is below it */

/* Kills the QEMUs whose command line names a path of this test run. */
static void
reaper_kill_leftovers (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize length;
      int pid = (int) g_ascii_strtoll (name, NULL, 10);
      gboolean qemu = FALSE, ours = FALSE;

      if (pid <= 0)
        continue;
      path = g_strdup_printf ("/proc/%d/cmdline", pid);
      if (!g_file_get_contents (path, &cmdline, &length, NULL))
        continue;
      for (gsize i = 0; i < length; i += strlen (cmdline + i) + 1)
        {
          if (i == 0 && strstr (cmdline, "qemu-system") != NULL)
            qemu = TRUE;
          if (strstr (cmdline + i, reaper_root) != NULL)
            ours = TRUE;
        }
      if (qemu && ours)
        kill (pid, SIGKILL);
    }
}

/**
 * hv_test_start_qemu_reaper:
 *
 * Daemonized QEMUs outlive the test that started them. This forks a process that, once the
 * test process is gone however it ended (a failed assertion aborts before any cleanup),
 * kills every QEMU whose command line names a path below G_TEST_TMPDIR (or, for the UI
 * tests, their runtime folder).
 */
void
hv_test_start_qemu_reaper (void)
{
  int fds[2];
  pid_t child;

  /* Isolated tests keep everything below G_TEST_TMPDIR; UI tests in their runtime folder,
   * where the QMP sockets named on QEMU's command line are. */
  reaper_root = g_strdup (g_getenv ("G_TEST_TMPDIR") != NULL ? g_getenv ("G_TEST_TMPDIR")
                                                             : g_get_user_runtime_dir ());
  g_assert_true (reaper_root != NULL && g_str_has_prefix (reaper_root, g_get_tmp_dir ()));
  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));

  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      char c;

      close (fds[1]);
      /* EOF once the test process is gone, however it ended. */
      while (read (fds[0], &c, 1) < 0 && errno == EINTR)
        ;
      reaper_kill_leftovers ();
      _exit (0);
    }
  close (fds[0]);
  /* fds[1] stays open, close-on-exec so QEMU does not inherit it. */
}
