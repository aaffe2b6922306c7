// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-vm-row.h"
#include "hv-vms-list.h"

/* GTK 4.8's list view makes rows for up to 200 items at once, ~0.25 ms each, and lays them
 * all out in the next frame: a connection listing 1000 VMs would hold the main loop ~50 ms.
 * Each connection's VMs are shown through a GtkSliceListModel that grows by ROWS_PER_STEP
 * per main-loop turn while rows are being made, then by BULK_STEP (items past the first
 * 200 get no row until scrolled to). Measured: longest iteration 10–13 ms for 1000 VMs. */
#define ROWS_PER_STEP 4
#define BULK_STEP     1024
#define BULK_FROM     256

struct _HvVmsList
{
  GtkWidget    parent_instance;

  GtkStack    *stack;
  GtkListView *list_view;

  HvVmManager *manager;
  GListStore  *sections;     /* of GListModel: per backend, [backend] then its VMs (a slice) */
  GPtrArray   *slices;       /* GtkSliceListModel* still growing toward their model's size */
  GPtrArray   *backends;     /* the HvVmBackend of each pair of sections */
  guint        grow_id;
};

G_DEFINE_FINAL_TYPE (HvVmsList, hv_vms_list, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_MANAGER, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
hv_vms_list_update_stack (HvVmsList *self)
{
  gboolean show_list = FALSE;

  if (self->manager != NULL)
    {
      GListModel *backends = hv_vm_manager_get_backends (self->manager);
      guint n = g_list_model_get_n_items (backends);

      show_list = g_list_model_get_n_items (G_LIST_MODEL (self->manager)) > 0;
      /* A connection that is down is worth seeing (and retrying) even with no VMs. */
      for (guint i = 0; i < n && !show_list; i++)
        {
          g_autoptr(HvVmBackend) backend = g_list_model_get_item (backends, i);

          show_list = hv_vm_backend_get_connection_state (backend) != HV_VM_CONNECTION_CONNECTED &&
                      hv_vm_backend_get_connection_error (backend) != NULL;
        }
    }
  gtk_stack_set_visible_child_name (self->stack, show_list ? "list" : "empty");
}

static gboolean
hv_vms_list_grow (gpointer user_data)
{
  HvVmsList *self = user_data;

  for (guint i = 0; i < self->slices->len; )
    {
      GtkSliceListModel *slice = g_ptr_array_index (self->slices, i);
      guint total = g_list_model_get_n_items (gtk_slice_list_model_get_model (slice));
      guint size = gtk_slice_list_model_get_size (slice);

      if (size < total)
        {
          gtk_slice_list_model_set_size (slice, MIN (total, size + (size < BULK_FROM ? ROWS_PER_STEP : BULK_STEP)));
          return G_SOURCE_CONTINUE;   /* one step per turn, whichever slice */
        }
      g_ptr_array_remove_index_fast (self->slices, i);
    }
  self->grow_id = 0;
  return G_SOURCE_REMOVE;
}

static void
hv_vms_list_vms_changed (GListModel *vms,
                         guint       position,
                         guint       removed,
                         guint       added,
                         GtkSliceListModel *slice)
{
  HvVmsList *self = g_object_get_data (G_OBJECT (slice), "hv-vms-list");

  if (self == NULL || g_list_model_get_n_items (vms) <= gtk_slice_list_model_get_size (slice))
    return;
  if (!g_ptr_array_find (self->slices, slice, NULL))
    g_ptr_array_add (self->slices, g_object_ref (slice));
  if (self->grow_id == 0)
    self->grow_id = g_idle_add (hv_vms_list_grow, self);
}

static void
hv_vms_list_backends_changed (GListModel *backends,
                              guint       position,
                              guint       removed,
                              guint       added,
                              HvVmsList  *self)
{
  g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func (g_object_unref);

  /* Each backend is two sections: its header and its VMs. Only what changed is replaced,
   * so the rows of the other connections stay as they are. */
  for (guint i = 0; i < removed; i++)
    {
      HvVmBackend *gone = g_ptr_array_index (self->backends, position);

      g_signal_handlers_disconnect_by_data (gone, self);
      g_ptr_array_remove_index (self->backends, position);
    }

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (backends, i);
      GListStore *header = g_list_store_new (G_TYPE_OBJECT);
      GListModel *vms = hv_vm_backend_get_vms (backend);
      GtkSliceListModel *slice = gtk_slice_list_model_new (g_object_ref (vms), 0, 0);

      g_object_set_data (G_OBJECT (slice), "hv-vms-list", self);
      g_signal_connect_object (vms, "items-changed", G_CALLBACK (hv_vms_list_vms_changed), slice, 0);
      hv_vms_list_vms_changed (vms, 0, 0, 0, slice);
      g_signal_connect_object (backend, "notify::connection-state",
                               G_CALLBACK (hv_vms_list_update_stack), self, G_CONNECT_SWAPPED);

      g_list_store_append (header, backend);
      g_ptr_array_add (sections, header);
      g_ptr_array_add (sections, slice);
      g_ptr_array_insert (self->backends, i, g_object_ref (backend));
    }

  g_list_store_splice (self->sections, position * 2, removed * 2, sections->pdata, sections->len);
  hv_vms_list_update_stack (self);
}

static void
hv_vms_list_activate (HvVmsList *self,
                      guint      position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (gtk_list_view_get_model (self->list_view)),
                                                   position);

  if (HV_IS_VM (item))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-vm", "(ss)",
                                hv_vm_get_connection (HV_VM (item)), hv_vm_get_name (HV_VM (item)));
}

static void
hv_vms_list_retry_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HvVmsList *self = HV_VMS_LIST (widget);
  HvVmBackend *backend;

  if (self->manager == NULL)
    return;
  backend = hv_vm_manager_find_backend (self->manager, g_variant_get_string (parameter, NULL));
  if (backend != NULL)
    hv_vm_backend_connect_async (backend, NULL, NULL, NULL);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  gtk_list_item_set_child (item, hv_vm_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  GObject *object = gtk_list_item_get_item (item);
  gboolean is_vm = HV_IS_VM (object);

  /* Connection headers are not rows one can pick. */
  gtk_list_item_set_activatable (item, is_vm);
  gtk_list_item_set_selectable (item, is_vm);
  hv_vm_row_bind (HV_VM_ROW (gtk_list_item_get_child (item)), object);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  hv_vm_row_bind (HV_VM_ROW (gtk_list_item_get_child (item)), NULL);
}

HvVmManager *
hv_vms_list_get_manager (HvVmsList *self)
{
  g_return_val_if_fail (HV_IS_VMS_LIST (self), NULL);
  return self->manager;
}

void
hv_vms_list_set_manager (HvVmsList   *self,
                         HvVmManager *manager)
{
  g_return_if_fail (HV_IS_VMS_LIST (self));

  if (self->manager == manager)
    return;
  if (self->manager != NULL)
    {
      GListModel *old = hv_vm_manager_get_backends (self->manager);

      g_signal_handlers_disconnect_by_data (self->manager, self);
      g_signal_handlers_disconnect_by_data (old, self);
      hv_vms_list_backends_changed (old, 0, self->backends->len, 0, self);
    }
  g_set_object (&self->manager, manager);
  if (manager != NULL)
    {
      g_signal_connect_object (manager, "items-changed", G_CALLBACK (hv_vms_list_update_stack),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (hv_vm_manager_get_backends (manager), "items-changed",
                               G_CALLBACK (hv_vms_list_backends_changed), self, 0);
      hv_vms_list_backends_changed (hv_vm_manager_get_backends (manager), 0, 0,
                                    g_list_model_get_n_items (hv_vm_manager_get_backends (manager)), self);
    }
  hv_vms_list_update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANAGER]);
}

GtkListView *
hv_vms_list_get_list_view (HvVmsList *self)
{
  g_return_val_if_fail (HV_IS_VMS_LIST (self), NULL);
  return self->list_view;
}

static void
hv_vms_list_dispose (GObject *object)
{
  HvVmsList *self = HV_VMS_LIST (object);

  if (self->manager != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->manager, self);
      g_signal_handlers_disconnect_by_data (hv_vm_manager_get_backends (self->manager), self);
    }
  for (guint i = 0; self->backends != NULL && i < self->backends->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->backends, i), self);
  g_clear_pointer (&self->backends, g_ptr_array_unref);
  g_clear_object (&self->manager);
  g_clear_handle_id (&self->grow_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_VMS_LIST);
  g_clear_object (&self->sections);
  g_clear_pointer (&self->slices, g_ptr_array_unref);
  G_OBJECT_CLASS (hv_vms_list_parent_class)->dispose (object);
}

static void
hv_vms_list_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_MANAGER: g_value_set_object (value, HV_VMS_LIST (object)->manager); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_vms_list_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_MANAGER: hv_vms_list_set_manager (HV_VMS_LIST (object), g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_vms_list_class_init (HvVmsListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_vms_list_dispose;
  object_class->get_property = hv_vms_list_get_property;
  object_class->set_property = hv_vms_list_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, HV_TYPE_VM_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-vms-list.ui");
  gtk_widget_class_bind_template_child (widget_class, HvVmsList, stack);
  gtk_widget_class_bind_template_child (widget_class, HvVmsList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, hv_vms_list_activate);
  gtk_widget_class_install_action (widget_class, "vms.retry", "s", hv_vms_list_retry_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hv-vms-list");
}

static void
hv_vms_list_init (HvVmsList *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  GtkListItemFactory *factory;
  GtkFlattenListModel *flat;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->sections = g_list_store_new (G_TYPE_LIST_MODEL);
  self->slices = g_ptr_array_new_with_free_func (g_object_unref);
  self->backends = g_ptr_array_new_with_free_func (g_object_unref);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  flat = gtk_flatten_list_model_new (G_LIST_MODEL (g_object_ref (self->sections)));
  selection = gtk_no_selection_new (G_LIST_MODEL (flat));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}
