// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Shared by every test program.
 *
 * hv_test_init() runs g_test_init() with G_TEST_OPTION_ISOLATE_DIRS: each test case gets
 * its own temporary HOME and XDG_{CONFIG,DATA,CACHE,RUNTIME}_DIR, removed afterwards.
 * The environment (G_DEBUG=fatal-criticals, GSETTINGS_BACKEND=memory) comes from meson. */
void         hv_test_init              (int          *argc,
                                        char       ***argv);

/* For UI tests: one temporary HOME and XDG_*_HOME/XDG_RUNTIME_DIR for the whole process,
 * removed at exit, while XDG_DATA_DIRS stays the system's (icons, MIME types, schemas). */
void         hv_test_init_ui           (int          *argc,
                                        char       ***argv);

/* Iterates the thread-default main context until @condition returns TRUE or @timeout_ms
 * passes. Returns what @condition last returned. Use instead of sleeping. */
gboolean     hv_test_wait_for          (gboolean    (*condition) (gpointer data),
                                        gpointer      data,
                                        guint         timeout_ms);

#define HV_TEST_WAIT_FOR(expr, timeout_ms) \
  G_STMT_START { \
    gint64 _hv_deadline = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    while (!(expr) && g_get_monotonic_time () < _hv_deadline) \
      { \
        if (!g_main_context_iteration (NULL, FALSE)) \
          g_usleep (1000); \
      } \
    if (!(expr)) \
      g_error ("%s:%d: timed out after %d ms waiting for: %s", \
               __FILE__, __LINE__, (int) (timeout_ms), #expr); \
  } G_STMT_END

/* A tmux server name (`tmux -L NAME`) private to this test process and call.
 * Kill it with hv_test_tmux_kill_server() when done. */
char        *hv_test_tmux_socket_name  (void);
void         hv_test_tmux_kill_server  (const char   *socket_name);

/* Iterates the main context until *@result is set by an async callback. */
GAsyncResult *hv_test_wait_result      (GAsyncResult **result,
                                        guint          timeout_ms);

/* Measures how long the main loop is busy between two waits: the time from the end of
 * one poll to the start of the next iteration, i.e. the work dispatched in one iteration.
 * A stall of our code shows up as a long iteration. */
typedef struct _HvStallProbe HvStallProbe;

/* An iteration longer than HV_STALL_LONG_US: when it started (since the probe started or
 * was reset) and how long it took, in microseconds. */
#define HV_STALL_LONG_US 16000
typedef struct {
  gint64 at_us;
  gint64 duration_us;
} HvStall;

HvStallProbe *hv_stall_probe_start     (GMainContext *context);
const HvStall *hv_stall_probe_get_long (HvStallProbe *probe,
                                        guint        *n_stalls);
gint64        hv_stall_probe_get_max_us (HvStallProbe *probe);
guint         hv_stall_probe_get_iterations (HvStallProbe *probe);
void          hv_stall_probe_reset     (HvStallProbe *probe);
void          hv_stall_probe_free      (HvStallProbe *probe);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvStallProbe, hv_stall_probe_free)

/* Kills the QEMUs of this test run (paths below G_TEST_TMPDIR) when the test process ends. */
void          hv_test_start_qemu_reaper (void);

G_END_DECLS
