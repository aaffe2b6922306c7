// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-vm-backend.h"

G_DEFINE_INTERFACE (HvVmBackend, hv_vm_backend, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (HvVmSpec, hv_vm_spec, hv_vm_spec_copy, hv_vm_spec_free)

GType
hv_vm_action_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { HV_VM_ACTION_START, "HV_VM_ACTION_START", "start" },
    { HV_VM_ACTION_SHUTDOWN, "HV_VM_ACTION_SHUTDOWN", "shutdown" },
    { HV_VM_ACTION_FORCE_OFF, "HV_VM_ACTION_FORCE_OFF", "force-off" },
    { HV_VM_ACTION_PAUSE, "HV_VM_ACTION_PAUSE", "pause" },
    { HV_VM_ACTION_RESUME, "HV_VM_ACTION_RESUME", "resume" },
    { HV_VM_ACTION_DELETE, "HV_VM_ACTION_DELETE", "delete" },
    { HV_VM_ACTION_DELETE_WITH_DISKS, "HV_VM_ACTION_DELETE_WITH_DISKS", "delete-with-disks" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("HvVmAction"), values));
  return type;
}

GType
hv_vm_connection_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { HV_VM_CONNECTION_DISCONNECTED, "HV_VM_CONNECTION_DISCONNECTED", "disconnected" },
    { HV_VM_CONNECTION_CONNECTING, "HV_VM_CONNECTION_CONNECTING", "connecting" },
    { HV_VM_CONNECTION_CONNECTED, "HV_VM_CONNECTION_CONNECTED", "connected" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("HvVmConnectionState"), values));
  return type;
}

HvVmSpec *
hv_vm_spec_new (const char *name)
{
  HvVmSpec *spec = g_new0 (HvVmSpec, 1);

  spec->name = g_strdup (name);
  spec->vcpus = 1;
  spec->memory = 512 * 1024 * 1024;
  spec->network = TRUE;
  return spec;
}

HvVmSpec *
hv_vm_spec_copy (const HvVmSpec *spec)
{
  HvVmSpec *copy = g_memdup2 (spec, sizeof *spec);

  copy->name = g_strdup (spec->name);
  copy->disk_image = g_strdup (spec->disk_image);
  copy->iso = g_strdup (spec->iso);
  return copy;
}

void
hv_vm_spec_free (HvVmSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->disk_image);
  g_free (spec->iso);
  g_free (spec);
}

gboolean
hv_vm_spec_validate (const HvVmSpec  *spec,
                     GError         **error)
{
  if (!hv_vm_name_validate (spec->name, error))
    return FALSE;
  if (spec->vcpus < 1 || spec->vcpus > 256)
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC,
                   _("%u vCPUs: a VM has between 1 and 256"), spec->vcpus);
      return FALSE;
    }
  if (spec->memory < 16 * 1024 * 1024)
    {
      g_set_error_literal (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC,
                           _("The memory is below 16 MiB, too little for any guest"));
      return FALSE;
    }
  if (spec->disk_image != NULL && *spec->disk_image != '\0')
    {
      if (spec->disk_size != 0)
        {
          g_set_error_literal (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC,
                               _("Give either a new disk size or an existing image, not both"));
          return FALSE;
        }
      if (!g_file_test (spec->disk_image, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC,
                       _("The disk image “%s” does not exist"), spec->disk_image);
          return FALSE;
        }
    }
  else if (spec->disk_size < 1024 * 1024)
    {
      g_set_error_literal (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC,
                           _("The new disk is smaller than 1 MiB; give a size or an existing image"));
      return FALSE;
    }
  if (spec->iso != NULL && *spec->iso != '\0' && !g_file_test (spec->iso, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_SPEC,
                   _("The installation image “%s” does not exist"), spec->iso);
      return FALSE;
    }
  return TRUE;
}

static void
hv_vm_backend_default_init (HvVmBackendInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_enum ("connection-state", NULL, NULL, HV_TYPE_VM_CONNECTION_STATE,
                       HV_VM_CONNECTION_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_string ("connection-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_uint ("shutdown-timeout", NULL, NULL, 0, 3600, 60,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

const char *
hv_vm_backend_get_name (HvVmBackend *self)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), NULL);
  return HV_VM_BACKEND_GET_IFACE (self)->get_name (self);
}

const char *
hv_vm_backend_get_connection (HvVmBackend *self)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), NULL);
  return HV_VM_BACKEND_GET_IFACE (self)->get_connection (self);
}

GListModel *
hv_vm_backend_get_vms (HvVmBackend *self)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), NULL);
  return HV_VM_BACKEND_GET_IFACE (self)->get_vms (self);
}

HvVm *
hv_vm_backend_find_vm (HvVmBackend *self,
                       const char  *name)
{
  GListModel *vms;
  guint n;

  g_return_val_if_fail (HV_IS_VM_BACKEND (self), NULL);

  vms = hv_vm_backend_get_vms (self);
  n = g_list_model_get_n_items (vms);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvVm) vm = g_list_model_get_item (vms, i);

      if (g_strcmp0 (hv_vm_get_name (vm), name) == 0)
        return vm;   /* the list keeps its reference */
    }
  return NULL;
}

HvVmConnectionState
hv_vm_backend_get_connection_state (HvVmBackend *self)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), HV_VM_CONNECTION_DISCONNECTED);
  return HV_VM_BACKEND_GET_IFACE (self)->get_connection_state (self);
}

const char *
hv_vm_backend_get_connection_error (HvVmBackend *self)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), NULL);
  return HV_VM_BACKEND_GET_IFACE (self)->get_connection_error (self);
}

void
hv_vm_backend_connect_async (HvVmBackend         *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HV_IS_VM_BACKEND (self));
  HV_VM_BACKEND_GET_IFACE (self)->connect_async (self, cancellable, callback, user_data);
}

gboolean
hv_vm_backend_connect_finish (HvVmBackend   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), FALSE);
  return HV_VM_BACKEND_GET_IFACE (self)->connect_finish (self, result, error);
}

void
hv_vm_backend_create_async (HvVmBackend         *self,
                            const HvVmSpec      *spec,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (HV_IS_VM_BACKEND (self));
  g_return_if_fail (spec != NULL);
  HV_VM_BACKEND_GET_IFACE (self)->create_async (self, spec, cancellable, callback, user_data);
}

HvVm *
hv_vm_backend_create_finish (HvVmBackend   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), NULL);
  return HV_VM_BACKEND_GET_IFACE (self)->create_finish (self, result, error);
}

void
hv_vm_backend_action_async (HvVmBackend         *self,
                            HvVm                *vm,
                            HvVmAction           action,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (HV_IS_VM_BACKEND (self));
  g_return_if_fail (HV_IS_VM (vm));
  HV_VM_BACKEND_GET_IFACE (self)->action_async (self, vm, action, cancellable, callback, user_data);
}

gboolean
hv_vm_backend_action_finish (HvVmBackend   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), FALSE);
  return HV_VM_BACKEND_GET_IFACE (self)->action_finish (self, result, error);
}

void
hv_vm_backend_snapshot_async (HvVmBackend         *self,
                              HvVm                *vm,
                              HvVmSnapshotAction   action,
                              const char          *name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HV_IS_VM_BACKEND (self));
  g_return_if_fail (HV_IS_VM (vm));
  HV_VM_BACKEND_GET_IFACE (self)->snapshot_async (self, vm, action, name, cancellable, callback, user_data);
}

gboolean
hv_vm_backend_snapshot_finish (HvVmBackend   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), FALSE);
  return HV_VM_BACKEND_GET_IFACE (self)->snapshot_finish (self, result, error);
}

void
hv_vm_backend_list_snapshots_async (HvVmBackend         *self,
                                    HvVm                *vm,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (HV_IS_VM_BACKEND (self));
  g_return_if_fail (HV_IS_VM (vm));
  HV_VM_BACKEND_GET_IFACE (self)->list_snapshots_async (self, vm, cancellable, callback, user_data);
}

GPtrArray *
hv_vm_backend_list_snapshots_finish (HvVmBackend   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), NULL);
  return HV_VM_BACKEND_GET_IFACE (self)->list_snapshots_finish (self, result, error);
}

void
hv_vm_backend_update_stats_async (HvVmBackend         *self,
                                  HvVm                *vm,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (HV_IS_VM_BACKEND (self));
  g_return_if_fail (HV_IS_VM (vm));
  HV_VM_BACKEND_GET_IFACE (self)->update_stats_async (self, vm, cancellable, callback, user_data);
}

gboolean
hv_vm_backend_update_stats_finish (HvVmBackend   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), FALSE);
  return HV_VM_BACKEND_GET_IFACE (self)->update_stats_finish (self, result, error);
}

char **
hv_vm_backend_get_console_argv (HvVmBackend  *self,
                                HvVm         *vm,
                                GError      **error)
{
  g_return_val_if_fail (HV_IS_VM_BACKEND (self), NULL);
  g_return_val_if_fail (HV_IS_VM (vm), NULL);
  return HV_VM_BACKEND_GET_IFACE (self)->get_console_argv (self, vm, error);
}

/* The blocking helpers: start the operation on the caller's thread-default context and
 * iterate that context until it completes. */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
  return *slot;
}

gboolean
hv_vm_backend_connect_sync (HvVmBackend   *self,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_connect_async (self, cancellable, store_result, &result);
  return hv_vm_backend_connect_finish (self, wait_for (&result), error);
}

HvVm *
hv_vm_backend_create_sync (HvVmBackend     *self,
                           const HvVmSpec  *spec,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_create_async (self, spec, cancellable, store_result, &result);
  return hv_vm_backend_create_finish (self, wait_for (&result), error);
}

gboolean
hv_vm_backend_action_sync (HvVmBackend   *self,
                           HvVm          *vm,
                           HvVmAction     action,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_action_async (self, vm, action, cancellable, store_result, &result);
  return hv_vm_backend_action_finish (self, wait_for (&result), error);
}

gboolean
hv_vm_backend_snapshot_sync (HvVmBackend         *self,
                             HvVm                *vm,
                             HvVmSnapshotAction   action,
                             const char          *name,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_snapshot_async (self, vm, action, name, cancellable, store_result, &result);
  return hv_vm_backend_snapshot_finish (self, wait_for (&result), error);
}

GPtrArray *
hv_vm_backend_list_snapshots_sync (HvVmBackend   *self,
                                   HvVm          *vm,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hv_vm_backend_list_snapshots_async (self, vm, cancellable, store_result, &result);
  return hv_vm_backend_list_snapshots_finish (self, wait_for (&result), error);
}
