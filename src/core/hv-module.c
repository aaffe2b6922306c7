// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <gmodule.h>

#include "hv-module.h"

G_LOCK_DEFINE_STATIC (modules);

static GModule *
hv_module_open (const char  *name,
                GError     **error)
{
  static GHashTable *opened;   /* name → GModule*, never closed */
  g_autofree char *file = g_strdup_printf ("libhydravisor-%s.so", name);
  g_autofree char *self_dir = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GString) tried = g_string_new (NULL);
  const char *dirs[3];
  GModule *module;

  if (opened == NULL)
    opened = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if ((module = g_hash_table_lookup (opened, name)) != NULL)
    return module;

  if (self_path != NULL)
    self_dir = g_path_get_dirname (self_path);
  dirs[0] = g_getenv ("HYDRAVISOR_MODULE_DIR");
  dirs[1] = self_dir;
  dirs[2] = MODULEDIR;

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || *dirs[i] == '\0')
        continue;
      path = g_build_filename (dirs[i], file, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_string_append_printf (tried, "%s%s", tried->len > 0 ? ", " : "", dirs[i]);
          continue;
        }
      /* Local: the module's own libraries do not leak into the program's namespace. */
      module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
      if (module == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Cannot load %s: %s"), path, g_module_error ());
          return NULL;
        }
      g_module_make_resident (module);
      g_hash_table_insert (opened, g_strdup (name), module);
      return module;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("%s is not installed (looked in %s); reinstall Hydravisor"), file, tried->str);
  return NULL;
}

/**
 * hv_module_lookup:
 * @name: the module, e.g. "libvirt"
 * @symbol: a function it exports
 *
 * Returns: the address of @symbol, or %NULL with @error set when the module cannot be
 *   found or loaded, or lacks @symbol
 */
gpointer
hv_module_lookup (const char  *name,
                  const char  *symbol,
                  GError     **error)
{
  GModule *module;
  gpointer address = NULL;

  g_return_val_if_fail (name != NULL && symbol != NULL, NULL);

  G_LOCK (modules);
  module = hv_module_open (name, error);
  G_UNLOCK (modules);
  if (module == NULL)
    return NULL;
  if (!g_module_symbol (module, symbol, &address) || address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s has no %s: %s"), g_module_name (module), symbol, g_module_error ());
      return NULL;
    }
  return address;
}
