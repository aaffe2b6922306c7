// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-libvirt-backend.h"
#include "hv-module.h"
#include "hv-qemu-backend.h"
#include "hv-vm-manager.h"

/* Present when a test links the libvirt backend in; otherwise it comes from the module. */
#pragma weak hv_libvirt_backend_new

typedef HvLibvirtBackend *(*LibvirtBackendNew) (const char *uri);

/* One flat list over the backends' lists: the items of backend k follow those of backends
 * 0…k-1. Each backend's items-changed is forwarded with its offset. */
struct _HvVmManager
{
  GObject      parent_instance;
  GListStore  *backends;
  HvVmBackend *default_backend;
  GPtrArray   *pending_uris;      /* libvirt URIs whose backends connect_all() makes */
  gboolean     prefer_libvirt;    /* defaults.vm_backend = "libvirt" */
  gboolean     loading;
};

static void hv_vm_manager_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HvVmManager, hv_vm_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, hv_vm_manager_list_model_init))

static GType
hv_vm_manager_get_item_type (GListModel *model)
{
  return HV_TYPE_VM;
}

static guint
hv_vm_manager_get_n_items (GListModel *model)
{
  HvVmManager *self = HV_VM_MANAGER (model);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));
  guint total = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (G_LIST_MODEL (self->backends), i);

      total += g_list_model_get_n_items (hv_vm_backend_get_vms (backend));
    }
  return total;
}

static gpointer
hv_vm_manager_get_item (GListModel *model,
                        guint       position)
{
  HvVmManager *self = HV_VM_MANAGER (model);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (G_LIST_MODEL (self->backends), i);
      GListModel *vms = hv_vm_backend_get_vms (backend);
      guint count = g_list_model_get_n_items (vms);

      if (position < count)
        return g_list_model_get_item (vms, position);
      position -= count;
    }
  return NULL;
}

static void
hv_vm_manager_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hv_vm_manager_get_item_type;
  iface->get_n_items = hv_vm_manager_get_n_items;
  iface->get_item = hv_vm_manager_get_item;
}

static guint
hv_vm_manager_offset_of (HvVmManager *self,
                         GListModel  *vms)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));
  guint offset = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (G_LIST_MODEL (self->backends), i);
      GListModel *list = hv_vm_backend_get_vms (backend);

      if (list == vms)
        break;
      offset += g_list_model_get_n_items (list);
    }
  return offset;
}

static void
hv_vm_manager_vms_changed (GListModel  *vms,
                           guint        position,
                           guint        removed,
                           guint        added,
                           HvVmManager *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), hv_vm_manager_offset_of (self, vms) + position,
                              removed, added);
}

HvVmManager *
hv_vm_manager_new (void)
{
  return g_object_new (HV_TYPE_VM_MANAGER, NULL);
}

/**
 * hv_vm_manager_new_libvirt_backend:
 * @uri: a libvirt URI
 *
 * Makes a backend for @uri, loading the libvirt module the first time. Loading reads a few
 * megabytes of libraries: call it from a worker thread (it is thread-safe) or accept the
 * wait, as the command line does.
 *
 * Returns: (transfer full): the backend (not connected), or %NULL with @error set when the
 *   module cannot be loaded
 */
HvVmBackend *
hv_vm_manager_new_libvirt_backend (const char  *uri,
                                   GError     **error)
{
  LibvirtBackendNew constructor = hv_libvirt_backend_new;

  g_return_val_if_fail (uri != NULL, NULL);

  if (constructor == NULL)
    constructor = hv_module_lookup ("libvirt", "hv_libvirt_backend_new", error);
  if (constructor == NULL)
    return NULL;
  return HV_VM_BACKEND (constructor (uri));
}

HvVmManager *
hv_vm_manager_new_from_config (HvConfig *config)
{
  HvVmManager *self = hv_vm_manager_new ();
  g_autoptr(HvQemuBackend) qemu = hv_qemu_backend_new (NULL, NULL);
  const char * const *configured = hv_config_get_strv (config, "libvirt.uris");
  const char *env_uri = g_getenv ("LIBVIRT_DEFAULT_URI");

  hv_vm_manager_add_backend (self, HV_VM_BACKEND (qemu));

  /* The libvirt connections are made by connect_all(), which loads the module first. */
  for (guint i = 0; configured != NULL && configured[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (self->pending_uris, configured[i], g_str_equal, NULL))
      g_ptr_array_add (self->pending_uris, g_strdup (configured[i]));
  if (env_uri != NULL && *env_uri != '\0' &&
      !g_ptr_array_find_with_equal_func (self->pending_uris, env_uri, g_str_equal, NULL))
    g_ptr_array_add (self->pending_uris, g_strdup (env_uri));
  self->prefer_libvirt = g_strcmp0 (hv_config_get_string (config, "defaults.vm_backend"), "libvirt") == 0;
  return self;
}

void
hv_vm_manager_add_backend (HvVmManager *self,
                           HvVmBackend *backend)
{
  GListModel *vms;
  guint offset, added;

  g_return_if_fail (HV_IS_VM_MANAGER (self));
  g_return_if_fail (HV_IS_VM_BACKEND (backend));

  offset = hv_vm_manager_get_n_items (G_LIST_MODEL (self));
  vms = hv_vm_backend_get_vms (backend);
  g_list_store_append (self->backends, backend);
  g_signal_connect_object (vms, "items-changed", G_CALLBACK (hv_vm_manager_vms_changed), self, 0);
  if (self->default_backend == NULL)
    self->default_backend = backend;

  added = g_list_model_get_n_items (vms);
  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), offset, 0, added);
}

GListModel *
hv_vm_manager_get_backends (HvVmManager *self)
{
  g_return_val_if_fail (HV_IS_VM_MANAGER (self), NULL);
  return G_LIST_MODEL (self->backends);
}

HvVmBackend *
hv_vm_manager_find_backend (HvVmManager *self,
                            const char  *connection)
{
  guint n;

  g_return_val_if_fail (HV_IS_VM_MANAGER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (G_LIST_MODEL (self->backends), i);

      if (g_strcmp0 (hv_vm_backend_get_connection (backend), connection) == 0)
        return backend;   /* the store keeps its reference */
    }
  return NULL;
}

HvVmBackend *
hv_vm_manager_get_default_backend (HvVmManager *self)
{
  g_return_val_if_fail (HV_IS_VM_MANAGER (self), NULL);
  return self->default_backend;
}

void
hv_vm_manager_set_default_backend (HvVmManager *self,
                                   HvVmBackend *backend)
{
  g_return_if_fail (HV_IS_VM_MANAGER (self));
  self->default_backend = backend;
}

static void
hv_vm_manager_load_module (GTask        *task,
                           gpointer      source,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  GError *error = NULL;

  if (hv_libvirt_backend_new != NULL || hv_module_lookup ("libvirt", "hv_libvirt_backend_new", &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void hv_vm_manager_connect_backends (HvVmManager *self);

static void
hv_vm_manager_module_loaded (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  HvVmManager *self = HV_VM_MANAGER (source);
  g_autoptr(GError) error = NULL;

  self->loading = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The QEMU backend works without it; say why the libvirt connections are missing. */
      g_warning ("%s", error->message);
      g_ptr_array_set_size (self->pending_uris, 0);
    }

  for (guint i = 0; i < self->pending_uris->len; i++)
    {
      g_autoptr(HvVmBackend) backend = hv_vm_manager_new_libvirt_backend (g_ptr_array_index (self->pending_uris, i), NULL);

      if (backend == NULL)
        continue;
      hv_vm_manager_add_backend (self, backend);
      if (i == 0 && self->prefer_libvirt)
        hv_vm_manager_set_default_backend (self, backend);
    }
  g_ptr_array_set_size (self->pending_uris, 0);
  hv_vm_manager_connect_backends (self);
}

static void
hv_vm_manager_connect_backends (HvVmManager *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (G_LIST_MODEL (self->backends), i);

      /* Failures show on the backend's connection-state/-error; it retries by itself. */
      hv_vm_backend_connect_async (backend, NULL, NULL, NULL);
    }
}

void
hv_vm_manager_connect_all (HvVmManager *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HV_IS_VM_MANAGER (self));

  if (self->loading)
    return;
  if (self->pending_uris->len == 0)
    {
      hv_vm_manager_connect_backends (self);
      return;
    }

  /* The libvirt module is loaded on a worker: it maps libvirt and its libraries. */
  self->loading = TRUE;
  task = g_task_new (self, NULL, hv_vm_manager_module_loaded, NULL);
  g_task_set_source_tag (task, hv_vm_manager_connect_all);
  g_task_run_in_thread (task, hv_vm_manager_load_module);
}

HvVm *
hv_vm_manager_find_vm (HvVmManager *self,
                       const char  *connection,
                       const char  *name)
{
  guint n;

  g_return_val_if_fail (HV_IS_VM_MANAGER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (G_LIST_MODEL (self->backends), i);
      HvVm *vm;

      if (connection != NULL && g_strcmp0 (hv_vm_backend_get_connection (backend), connection) != 0)
        continue;
      if ((vm = hv_vm_backend_find_vm (backend, name)) != NULL)
        return vm;
    }
  return NULL;
}

static void
hv_vm_manager_dispose (GObject *object)
{
  HvVmManager *self = HV_VM_MANAGER (object);

  self->default_backend = NULL;
  g_clear_object (&self->backends);
  g_clear_pointer (&self->pending_uris, g_ptr_array_unref);
  G_OBJECT_CLASS (hv_vm_manager_parent_class)->dispose (object);
}

static void
hv_vm_manager_class_init (HvVmManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hv_vm_manager_dispose;
}

static void
hv_vm_manager_init (HvVmManager *self)
{
  self->backends = g_list_store_new (HV_TYPE_VM_BACKEND);
  self->pending_uris = g_ptr_array_new_with_free_func (g_free);
}
