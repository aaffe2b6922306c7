// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where Hydravisor keeps its files (ARCHITECTURE.md, "Files on disk"). Every directory
 * returned by an _ensure_ function exists and has mode 0700 when it returns TRUE. */

void         hv_paths_set_config_dir       (const char  *dir);
const char  *hv_paths_get_config_dir       (void);
/* The hydravisor program itself, for commands it runs through tmux (recorder, console):
 * $HYDRAVISOR_PROGRAM when set (the test programs point it at the build's binary), else
 * the running program. */
char        *hv_paths_get_program          (void);
char        *hv_paths_get_data_dir         (void);
char        *hv_paths_get_runtime_dir      (void);
char        *hv_paths_get_data_subdir      (const char  *name);

gboolean     hv_paths_ensure_dir           (const char  *path,
                                            GError     **error);
char        *hv_paths_ensure_config_dir    (GError     **error);
char        *hv_paths_ensure_data_subdir   (const char  *name,
                                            GError     **error);
char        *hv_paths_ensure_runtime_dir   (GError     **error);

G_END_DECLS
