// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-process.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

gboolean
hv_process_is_running (int pid)
{
  g_autofree char *path = NULL;
  g_autofree char *stat = NULL;
  const char *end;

  if (pid <= 0)
    return FALSE;
  if (kill (pid, 0) != 0 && errno != EPERM)
    return FALSE;
  path = g_strdup_printf ("/proc/%d/stat", pid);
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    /* Ended since kill () found it, or no /proc to ask (then trust kill ()). */
    return !g_file_test ("/proc/self/stat", G_FILE_TEST_EXISTS);
  /* "pid (comm) S ...": the state is the field after the last ')' (comm may hold one). */
  end = strrchr (stat, ')');
  if (end == NULL || end[1] != ' ' || end[2] == '\0')
    return TRUE;
  return end[2] != 'Z' && end[2] != 'X';
}
