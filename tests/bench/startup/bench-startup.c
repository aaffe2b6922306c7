// SPDX-License-Identifier: GPL-3.0-or-later
/* Time from process start to the first frame, and resident memory then, for Hydravisor
 * and for a bare AdwApplicationWindow, in the same run on the same display.
 * Target: Hydravisor within 1.3× of the bare window on both. */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#define RUNS 15   /* on a shared 2-core machine 7 runs swung the ratio by ±0.05 */
#define TARGET_RATIO 1.3

typedef struct {
  double ms;
  double rss_mb;
} Sample;

static gboolean
run_once (const char *binary,
          Sample     *sample)
{
  const char *argv[] = { binary, NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gint64 started;
  gint64 frame_us = 0;
  gint64 rss_kb = 0;
  const char *line;

  g_subprocess_launcher_setenv (launcher, "HYDRAVISOR_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  started = g_get_monotonic_time ();
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error))
    {
      g_printerr ("bench-startup: %s: %s\n", binary, error->message);
      return FALSE;
    }
  if (!g_subprocess_get_successful (proc) || (line = strstr (out, "first-frame-us ")) == NULL ||
      sscanf (line, "first-frame-us %" G_GINT64_FORMAT " rss-kb %" G_GINT64_FORMAT, &frame_us, &rss_kb) != 2)
    {
      g_printerr ("bench-startup: %s did not report its first frame (output: %s)\n", binary, out);
      return FALSE;
    }

  /* CLOCK_MONOTONIC is shared by both processes. */
  sample->ms = (frame_us - started) / 1000.0;
  sample->rss_mb = rss_kb / 1024.0;
  return TRUE;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  double app_ms[RUNS], app_mb[RUNS], bare_ms[RUNS], bare_mb[RUNS];
  double ms_a, ms_b, mb_a, mb_b, ms_ratio, mb_ratio;
  Sample s;

  if (argc != 3)
    {
      g_printerr ("usage: bench-startup HYDRAVISOR BARE_WINDOW\n");
      return 2;
    }

  /* One untimed run each warms the page cache, then alternate so drift hits both. */
  if (!run_once (argv[1], &s) || !run_once (argv[2], &s))
    return 1;
  for (int i = 0; i < RUNS; i++)
    {
      if (!run_once (argv[1], &s))
        return 1;
      app_ms[i] = s.ms;
      app_mb[i] = s.rss_mb;
      if (!run_once (argv[2], &s))
        return 1;
      bare_ms[i] = s.ms;
      bare_mb[i] = s.rss_mb;
    }

  ms_a = median (app_ms, RUNS);
  ms_b = median (bare_ms, RUNS);
  mb_a = median (app_mb, RUNS);
  mb_b = median (bare_mb, RUNS);
  ms_ratio = ms_a / ms_b;
  mb_ratio = mb_a / mb_b;

  printf ("startup (median of %d, GSK_RENDERER=%s)\n", RUNS, g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  printf ("  %-28s %10s %12s\n", "", "first frame", "resident");
  printf ("  %-28s %8.1f ms %9.1f MiB\n", "hydravisor", ms_a, mb_a);
  printf ("  %-28s %8.1f ms %9.1f MiB\n", "bare AdwApplicationWindow", ms_b, mb_b);
  printf ("  %-28s %10.2fx %11.2fx   (target <= %.1fx)\n", "ratio", ms_ratio, mb_ratio, TARGET_RATIO);
  printf ("%s: time ratio %.2f, memory ratio %.2f\n",
          ms_ratio <= TARGET_RATIO && mb_ratio <= TARGET_RATIO ? "PASS" : "FAIL", ms_ratio, mb_ratio);

  return ms_ratio <= TARGET_RATIO && mb_ratio <= TARGET_RATIO ? 0 : 1;
}
