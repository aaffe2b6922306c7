// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-vm-backend.h"
#include "hv-vm-row.h"

struct _HvVmRow
{
  GtkWidget    parent_instance;

  GtkWidget   *header_box;
  GtkLabel    *connection_label;
  GtkLabel    *connection_error;
  GtkLabel    *connection_empty;
  GtkSpinner  *connecting_spinner;
  GtkButton   *retry_button;
  GtkWidget   *vm_box;
  GtkImage    *state_icon;
  GtkLabel    *name_label;
  GtkLabel    *state_label;

  GObject     *item;
};

G_DEFINE_FINAL_TYPE (HvVmRow, hv_vm_row, GTK_TYPE_WIDGET)

const char *
hv_vm_state_icon_name (int state)
{
  switch ((HvVmState) state)
    {
    case HV_VM_STATE_RUNNING: return "media-playback-start-symbolic";
    case HV_VM_STATE_PAUSED:
    case HV_VM_STATE_SUSPENDED: return "media-playback-pause-symbolic";
    case HV_VM_STATE_STARTING:
    case HV_VM_STATE_SHUTTING_DOWN: return "content-loading-symbolic";
    case HV_VM_STATE_CRASHED: return "dialog-warning-symbolic";
    case HV_VM_STATE_SHUTOFF: return "media-playback-stop-symbolic";
    case HV_VM_STATE_UNKNOWN:
    default: return "dialog-question-symbolic";
    }
}

static void
hv_vm_row_update_vm (HvVmRow *self)
{
  HvVm *vm = HV_VM (self->item);
  HvVmState state = hv_vm_get_state (vm);
  g_autofree char *memory = g_format_size_full (hv_vm_get_memory (vm), G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *details = NULL;

  gtk_label_set_label (self->name_label, hv_vm_get_name (vm));
  gtk_image_set_from_icon_name (self->state_icon, hv_vm_state_icon_name (state));
  /* Translators: "2 vCPUs · 4.0 GiB · Running" */
  details = g_strdup_printf (ngettext ("%u vCPU · %s · %s", "%u vCPUs · %s · %s", hv_vm_get_vcpus (vm)),
                             hv_vm_get_vcpus (vm), memory, hv_vm_state_to_label (state));
  gtk_label_set_label (self->state_label, details);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_icon), hv_vm_state_to_label (state));

  if (state == HV_VM_STATE_RUNNING)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "success");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "success");
  if (state == HV_VM_STATE_CRASHED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "error");
}

static void
hv_vm_row_update_backend (HvVmRow *self)
{
  HvVmBackend *backend = HV_VM_BACKEND (self->item);
  HvVmConnectionState state = hv_vm_backend_get_connection_state (backend);
  const char *error = hv_vm_backend_get_connection_error (backend);
  const char *connection = hv_vm_backend_get_connection (backend);

  gtk_label_set_label (self->connection_label,
                       g_strcmp0 (connection, "qemu") == 0 ? _("QEMU (this computer)") : connection);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connection_label), connection);

  /* While it tries again after an error, the row keeps its size: the error stays, and Retry
   * is there but insensitive. A row that changed size at each attempt would flicker and
   * have the list laid out again. */
  gtk_widget_set_visible (GTK_WIDGET (self->connecting_spinner), state == HV_VM_CONNECTION_CONNECTING);
  gtk_spinner_set_spinning (self->connecting_spinner, state == HV_VM_CONNECTION_CONNECTING);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                          state == HV_VM_CONNECTION_DISCONNECTED ||
                          (state == HV_VM_CONNECTION_CONNECTING && error != NULL));
  gtk_widget_set_sensitive (GTK_WIDGET (self->retry_button), state == HV_VM_CONNECTION_DISCONNECTED);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->retry_button), "s", connection);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "vms.retry");

  gtk_widget_set_visible (GTK_WIDGET (self->connection_empty),
                          state == HV_VM_CONNECTION_CONNECTED &&
                          g_list_model_get_n_items (hv_vm_backend_get_vms (backend)) == 0);

  if (state == HV_VM_CONNECTION_DISCONNECTED || (state == HV_VM_CONNECTION_CONNECTING && error != NULL))
    {
      /* Translators: %s says why, e.g. "Failed to connect socket to '/run/libvirt/libvirt-sock'" */
      g_autofree char *text = g_strdup_printf (_("Disconnected: %s"),
                                               error != NULL ? error : _("not connected yet"));

      gtk_label_set_label (self->connection_error, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->connection_error), text);
      gtk_widget_set_visible (GTK_WIDGET (self->connection_error), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->connection_error), FALSE);
}

static void
hv_vm_row_item_notify (HvVmRow *self)
{
  if (HV_IS_VM (self->item))
    hv_vm_row_update_vm (self);
  else if (HV_IS_VM_BACKEND (self->item))
    hv_vm_row_update_backend (self);
}

void
hv_vm_row_bind (HvVmRow *self,
                GObject *item)
{
  g_return_if_fail (HV_IS_VM_ROW (self));

  /* Only what the row shows: a VM's disks arriving later must not redraw 200 rows. */
  static const char * const vm_signals[] = {
    "notify::name", "notify::state", "notify::state-reason", "notify::vcpus", "notify::memory", NULL
  };
  static const char * const backend_signals[] = {
    "notify::connection-state", "notify::connection-error", NULL
  };

  if (self->item != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->item, hv_vm_row_item_notify, self);
      if (HV_IS_VM_BACKEND (self->item))
        g_signal_handlers_disconnect_by_func (hv_vm_backend_get_vms (HV_VM_BACKEND (self->item)),
                                              hv_vm_row_item_notify, self);
      g_clear_object (&self->item);
    }
  if (item == NULL)
    return;

  self->item = g_object_ref (item);
  for (const char * const *signal = HV_IS_VM (item) ? vm_signals : backend_signals; *signal != NULL; signal++)
    g_signal_connect_swapped (item, *signal, G_CALLBACK (hv_vm_row_item_notify), self);
  if (HV_IS_VM_BACKEND (item))   /* "No virtual machines yet" */
    g_signal_connect_swapped (hv_vm_backend_get_vms (HV_VM_BACKEND (item)), "items-changed",
                              G_CALLBACK (hv_vm_row_item_notify), self);
  gtk_widget_set_visible (self->header_box, HV_IS_VM_BACKEND (item));
  gtk_widget_set_visible (self->vm_box, HV_IS_VM (item));
  hv_vm_row_item_notify (self);
}

GObject *
hv_vm_row_get_item (HvVmRow *self)
{
  g_return_val_if_fail (HV_IS_VM_ROW (self), NULL);
  return self->item;
}

const char *
hv_vm_row_get_state_icon_name (HvVmRow *self)
{
  g_return_val_if_fail (HV_IS_VM_ROW (self), NULL);
  return gtk_image_get_icon_name (self->state_icon);
}

GtkWidget *
hv_vm_row_new (void)
{
  return g_object_new (HV_TYPE_VM_ROW, NULL);
}

static void
hv_vm_row_dispose (GObject *object)
{
  HvVmRow *self = HV_VM_ROW (object);

  hv_vm_row_bind (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_VM_ROW);
  G_OBJECT_CLASS (hv_vm_row_parent_class)->dispose (object);
}

static void
hv_vm_row_class_init (HvVmRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_vm_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-vm-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, header_box);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, connection_label);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, connection_error);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, connection_empty);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, vm_box);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, HvVmRow, state_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hv-vm-row");
}

static void
hv_vm_row_init (HvVmRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
}
