// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <sys/stat.h>

#include "hv-paths.h"

#define HV_DIR_NAME "hydravisor"

static char *config_dir_override;
static char *config_dir_cached;

/**
 * hv_paths_set_config_dir:
 * @dir: (nullable): the directory given with `--config DIR`, or %NULL for the default
 */
void
hv_paths_set_config_dir (const char *dir)
{
  g_clear_pointer (&config_dir_override, g_free);
  g_clear_pointer (&config_dir_cached, g_free);
  if (dir != NULL)
    config_dir_override = g_canonicalize_filename (dir, NULL);
}

/**
 * hv_paths_get_config_dir:
 *
 * Returns: `$XDG_CONFIG_HOME/hydravisor`, or the directory set with
 *   hv_paths_set_config_dir(). It is not created.
 */
const char *
hv_paths_get_config_dir (void)
{
  if (config_dir_override != NULL)
    return config_dir_override;

  /* Recomputed each call: tests switch XDG dirs between cases. */
  g_free (config_dir_cached);
  config_dir_cached = g_build_filename (g_get_user_config_dir (), HV_DIR_NAME, NULL);
  return config_dir_cached;
}

/** hv_paths_get_data_dir: Returns: (transfer full): `$XDG_DATA_HOME/hydravisor` */
char *
hv_paths_get_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), HV_DIR_NAME, NULL);
}

/** hv_paths_get_runtime_dir: Returns: (transfer full): `$XDG_RUNTIME_DIR/hydravisor` */
char *
hv_paths_get_runtime_dir (void)
{
  return g_build_filename (g_get_user_runtime_dir (), HV_DIR_NAME, NULL);
}

/**
 * hv_paths_get_data_subdir:
 * @name: "sessions", "chats", "vms" or "audit"
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/hydravisor/@name`
 */
char *
hv_paths_get_data_subdir (const char *name)
{
  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL, NULL);

  return g_build_filename (g_get_user_data_dir (), HV_DIR_NAME, name, NULL);
}

/**
 * hv_paths_ensure_dir:
 *
 * Creates @path and its missing parents with mode 0700. An existing @path that others
 * can read is narrowed to 0700: it holds recordings, transcripts and sockets.
 */
gboolean
hv_paths_ensure_dir (const char  *path,
                     GError     **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not read the folder %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("%s exists but is not a folder; move it away so Hydravisor can create its folder there"),
                   path);
      return FALSE;
    }

  if ((st.st_mode & 0777) != 0700 && g_chmod (path, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make the folder %s private (mode 0700): %s"),
                   path, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

/** hv_paths_ensure_config_dir: Returns: (transfer full) (nullable): the config dir, created */
char *
hv_paths_ensure_config_dir (GError **error)
{
  g_autofree char *path = g_strdup (hv_paths_get_config_dir ());

  if (!hv_paths_ensure_dir (path, error))
    return NULL;
  return g_steal_pointer (&path);
}

/** hv_paths_ensure_data_subdir: Returns: (transfer full) (nullable): the folder, created */
char *
hv_paths_ensure_data_subdir (const char  *name,
                             GError     **error)
{
  g_autofree char *top = hv_paths_get_data_dir ();
  g_autofree char *path = hv_paths_get_data_subdir (name);

  if (!hv_paths_ensure_dir (top, error) || !hv_paths_ensure_dir (path, error))
    return NULL;
  return g_steal_pointer (&path);
}

/** hv_paths_ensure_runtime_dir: Returns: (transfer full) (nullable): the folder, created */
char *
hv_paths_ensure_runtime_dir (GError **error)
{
  g_autofree char *path = hv_paths_get_runtime_dir ();

  if (!hv_paths_ensure_dir (path, error))
    return NULL;
  return g_steal_pointer (&path);
}

char *
hv_paths_get_program (void)
{
  const char *program = g_getenv ("HYDRAVISOR_PROGRAM");
  char *self;

  if (program != NULL && *program != '\0')
    return g_strdup (program);
  self = g_file_read_link ("/proc/self/exe", NULL);
  return self != NULL ? self : g_strdup ("hydravisor");
}
