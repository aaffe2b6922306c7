// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-libvirt-backend.h"
#include "hv-qemu-backend.h"
#include "hv-vm-manager.h"

/* One flat list over the backends' lists: the items of backend k follow those of backends
 * 0…k-1. Each backend's items-changed is forwarded with its offset. */
struct _HvVmManager
{
  GObject      parent_instance;
  GListStore  *backends;
  HvVmBackend *default_backend;
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

HvVmManager *
hv_vm_manager_new_from_config (HvConfig *config)
{
  HvVmManager *self = hv_vm_manager_new ();
  g_autoptr(GPtrArray) uris = g_ptr_array_new ();
  g_autoptr(HvQemuBackend) qemu = hv_qemu_backend_new (NULL, NULL);
  const char * const *configured = hv_config_get_strv (config, "libvirt.uris");
  const char *env_uri = g_getenv ("LIBVIRT_DEFAULT_URI");
  const char *preferred = hv_config_get_string (config, "defaults.vm_backend");

  hv_vm_manager_add_backend (self, HV_VM_BACKEND (qemu));

  for (guint i = 0; configured != NULL && configured[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (uris, configured[i], g_str_equal, NULL))
      g_ptr_array_add (uris, (gpointer) configured[i]);
  if (env_uri != NULL && *env_uri != '\0' &&
      !g_ptr_array_find_with_equal_func (uris, env_uri, g_str_equal, NULL))
    g_ptr_array_add (uris, (gpointer) env_uri);

  for (guint i = 0; i < uris->len; i++)
    {
      g_autoptr(HvLibvirtBackend) libvirt = hv_libvirt_backend_new (g_ptr_array_index (uris, i));

      hv_vm_manager_add_backend (self, HV_VM_BACKEND (libvirt));
      if (i == 0 && g_strcmp0 (preferred, "libvirt") == 0)
        hv_vm_manager_set_default_backend (self, HV_VM_BACKEND (libvirt));
    }
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

void
hv_vm_manager_connect_all (HvVmManager *self)
{
  guint n;

  g_return_if_fail (HV_IS_VM_MANAGER (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->backends));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (G_LIST_MODEL (self->backends), i);

      /* Failures show on the backend's connection-state/-error; it retries by itself. */
      hv_vm_backend_connect_async (backend, NULL, NULL, NULL);
    }
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
}
