// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-new-vm-dialog.h"

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)
#define GIB (MIB * 1024)

struct _HvNewVmDialog
{
  AdwWindow             parent_instance;

  HvVmManager          *manager;
  HvConfig             *config;
  HvVmBackend          *backend;        /* the chosen connection, watched */
  GListModel           *backend_vms;    /* its VMs, watched for names taken */
  GCancellable         *cancellable;    /* of the creation running, or NULL */
  GtkFileChooserNative *chooser;
  char                 *disk_image;
  char                 *iso;
  char                 *name_error;
  char                 *error;
  gboolean              can_create;

  /* Template widgets */
  GtkWidget            *create_button;
  GtkSpinner           *spinner;
  GtkWidget            *error_box;
  GtkLabel             *error_label;
  GtkWidget            *form;
  AdwEntryRow          *name_row;
  GtkLabel             *name_error_label;
  AdwComboRow          *connection_row;
  AdwActionRow         *cpus_row;
  GtkSpinButton        *cpus_spin;
  AdwActionRow         *memory_row;
  GtkSpinButton        *memory_spin;
  AdwActionRow         *new_disk_row;
  GtkCheckButton       *new_disk_check;
  GtkSpinButton        *disk_spin;
  AdwActionRow         *image_row;
  GtkCheckButton       *image_check;
  AdwActionRow         *iso_row;
  GtkWidget            *iso_clear_button;
  GtkSwitch            *network_switch;
};

G_DEFINE_FINAL_TYPE (HvNewVmDialog, hv_new_vm_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CAN_CREATE,
  PROP_CREATING,
  N_PROPS
};

enum {
  CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Why @backend cannot take a new VM now, or NULL when it can. */
static char *
connection_problem (HvVmBackend *backend)
{
  const char *reason;

  if (backend == NULL)
    return g_strdup (_("No connection is configured"));

  switch (hv_vm_backend_get_connection_state (backend))
    {
    case HV_VM_CONNECTION_CONNECTED:
      return NULL;
    case HV_VM_CONNECTION_CONNECTING:
      return g_strdup (_("Connecting…"));
    case HV_VM_CONNECTION_DISCONNECTED:
    default:
      reason = hv_vm_backend_get_connection_error (backend);
      if (reason != NULL && reason[0] != '\0')
        /* Translators: %s says why a VM connection is down. */
        return g_strdup_printf (_("Disconnected: %s"), reason);
      return g_strdup (_("Disconnected"));
    }
}

static gboolean
hv_new_vm_dialog_is_creating (HvNewVmDialog *self)
{
  return self->cancellable != NULL;
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* Checks the form and shows what is wrong with it, next to where it is wrong. */
static void
hv_new_vm_dialog_update (HvNewVmDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  gboolean name_ok = FALSE;
  gboolean disk_ok;
  gboolean can_create;

  /* The name: nothing to say while it is empty. */
  g_clear_pointer (&self->name_error, g_free);
  if (name[0] == '\0')
    name_ok = FALSE;
  else if (!hv_vm_name_validate (name, &error))
    self->name_error = g_strdup (error->message);
  else if (self->backend != NULL && hv_vm_backend_find_vm (self->backend, name) != NULL)
    /* Translators: the first %s is a VM name, the second a connection like qemu:///session. */
    self->name_error = g_strdup_printf (_("A virtual machine named “%s” already exists on %s"),
                                        name, hv_vm_backend_get_connection (self->backend));
  else
    name_ok = TRUE;
  gtk_label_set_label (self->name_error_label, self->name_error != NULL ? self->name_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->name_error_label), self->name_error != NULL);
  set_row_error (GTK_WIDGET (self->name_row), self->name_error != NULL);

  /* The connection. */
  if (self->manager != NULL)
    {
      problem = connection_problem (self->backend);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->connection_row), problem != NULL ? problem : "");
      set_row_error (GTK_WIDGET (self->connection_row), problem != NULL);
    }

  /* The disk. */
  if (gtk_check_button_get_active (self->image_check))
    disk_ok = self->disk_image != NULL;
  else
    disk_ok = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->disk_spin), gtk_check_button_get_active (self->new_disk_check));
  if (self->disk_image != NULL)
    {
      g_autofree char *display = g_filename_display_name (self->disk_image);

      adw_action_row_set_subtitle (self->image_row, display);
    }
  else
    adw_action_row_set_subtitle (self->image_row, _("None chosen"));
  set_row_error (GTK_WIDGET (self->image_row), !disk_ok);

  /* The ISO. */
  if (self->iso != NULL)
    {
      g_autofree char *display = g_filename_display_name (self->iso);

      adw_action_row_set_subtitle (self->iso_row, display);
    }
  else
    adw_action_row_set_subtitle (self->iso_row, _("None"));
  gtk_widget_set_visible (self->iso_clear_button, self->iso != NULL);

  can_create = self->manager != NULL && name_ok && problem == NULL && disk_ok &&
               !hv_new_vm_dialog_is_creating (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-vm.create", can_create);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-vm.choose-image", !hv_new_vm_dialog_is_creating (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-vm.choose-iso", !hv_new_vm_dialog_is_creating (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-vm.clear-iso",
                                 !hv_new_vm_dialog_is_creating (self) && self->iso != NULL);
  if (can_create != self->can_create)
    {
      self->can_create = can_create;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CREATE]);
    }
}

static void
hv_new_vm_dialog_show_error (HvNewVmDialog *self,
                             const char    *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (self->error_box, message != NULL);
}

/* Follows the chosen connection: its state and its list of VMs. */
static void
hv_new_vm_dialog_watch_backend (HvNewVmDialog *self,
                                HvVmBackend   *backend)
{
  if (self->backend == backend)
    return;

  if (self->backend != NULL)
    g_signal_handlers_disconnect_by_data (self->backend, self);
  if (self->backend_vms != NULL)
    g_signal_handlers_disconnect_by_data (self->backend_vms, self);
  g_clear_object (&self->backend_vms);
  g_set_object (&self->backend, backend);

  if (backend != NULL)
    {
      self->backend_vms = g_object_ref (hv_vm_backend_get_vms (backend));
      g_signal_connect_swapped (backend, "notify::connection-state",
                                G_CALLBACK (hv_new_vm_dialog_update), self);
      g_signal_connect_swapped (backend, "notify::connection-error",
                                G_CALLBACK (hv_new_vm_dialog_update), self);
      g_signal_connect_swapped (self->backend_vms, "items-changed",
                                G_CALLBACK (hv_new_vm_dialog_update), self);
    }
  hv_new_vm_dialog_update (self);
}

static void
hv_new_vm_dialog_connection_selected (HvNewVmDialog *self)
{
  if (self->manager == NULL)
    return;
  hv_new_vm_dialog_watch_backend (self, adw_combo_row_get_selected_item (self->connection_row));
}

static void
hv_new_vm_dialog_name_changed (HvNewVmDialog *self)
{
  hv_new_vm_dialog_update (self);
}

static void
hv_new_vm_dialog_name_activated (HvNewVmDialog *self)
{
  if (self->can_create)
    gtk_widget_activate_action (GTK_WIDGET (self), "new-vm.create", NULL);
}

static void
hv_new_vm_dialog_disk_toggled (HvNewVmDialog *self)
{
  hv_new_vm_dialog_update (self);
}

static void
hv_new_vm_dialog_set_creating (HvNewVmDialog *self,
                               GCancellable  *cancellable)
{
  gboolean creating = cancellable != NULL;

  g_set_object (&self->cancellable, cancellable);
  /* Focus leaves the form first: a text entry that loses its sensitivity while focused
   * never hears of the focus going. */
  if (creating)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (self->form, !creating);
  if (!creating)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), creating);
  gtk_spinner_set_spinning (self->spinner, creating);
  hv_new_vm_dialog_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATING]);
}

static void
hv_new_vm_dialog_create_done (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(HvNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HvVm) vm = hv_vm_backend_create_finish (HV_VM_BACKEND (source), result, &error);
  g_autofree char *name = NULL;

  /* Cancelled: the dialog was closed. */
  if (vm == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  hv_new_vm_dialog_set_creating (self, NULL);

  if (vm == NULL)
    {
      /* Translators: the first %s is a VM name, the second says why. */
      g_autofree char *message = g_strdup_printf (_("Could not create “%s”: %s"),
                                                  gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                                                  error->message);

      hv_new_vm_dialog_show_error (self, message);
      return;
    }

  g_signal_emit (self, signals[CREATED], 0, vm);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
hv_new_vm_dialog_create_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  HvNewVmDialog *self = HV_NEW_VM_DIALOG (widget);
  g_autoptr(HvVmSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = NULL;

  hv_new_vm_dialog_update (self);
  if (!self->can_create)
    return;

  spec = hv_new_vm_dialog_get_spec (self);
  if (!hv_vm_spec_validate (spec, &error))
    {
      hv_new_vm_dialog_show_error (self, error->message);
      return;
    }

  hv_new_vm_dialog_show_error (self, NULL);
  cancellable = g_cancellable_new ();
  hv_new_vm_dialog_set_creating (self, cancellable);
  hv_vm_backend_create_async (self->backend, spec, cancellable,
                              hv_new_vm_dialog_create_done, g_object_ref (self));
}

static void
hv_new_vm_dialog_cancel_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
hv_new_vm_dialog_chooser_response (GtkNativeDialog *chooser,
                                   int              response,
                                   gpointer         user_data)
{
  HvNewVmDialog *self = HV_NEW_VM_DIALOG (user_data);
  gboolean iso = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "hv-choosing-iso"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL)
    return;

  if (iso)
    hv_new_vm_dialog_set_iso (self, path);
  else
    hv_new_vm_dialog_set_disk_image (self, path);
}

static void
hv_new_vm_dialog_choose (HvNewVmDialog *self,
                         gboolean       iso)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  self->chooser = gtk_file_chooser_native_new (iso ? _("Choose an Installation ISO") : _("Choose a Disk Image"),
                                               GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (self->chooser), "hv-choosing-iso", GINT_TO_POINTER (iso));

  if (iso)
    {
      gtk_file_filter_set_name (filter, _("ISO Images"));
      gtk_file_filter_add_pattern (filter, "*.iso");
      gtk_file_filter_add_pattern (filter, "*.ISO");
      gtk_file_filter_add_mime_type (filter, "application/x-cd-image");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("Disk Images"));
      gtk_file_filter_add_pattern (filter, "*.qcow2");
      gtk_file_filter_add_pattern (filter, "*.img");
      gtk_file_filter_add_pattern (filter, "*.raw");
      gtk_file_filter_add_pattern (filter, "*.vmdk");
      gtk_file_filter_add_pattern (filter, "*.vdi");
      gtk_file_filter_add_pattern (filter, "*.vhdx");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (hv_new_vm_dialog_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
hv_new_vm_dialog_choose_image_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  hv_new_vm_dialog_choose (HV_NEW_VM_DIALOG (widget), FALSE);
}

static void
hv_new_vm_dialog_choose_iso_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  hv_new_vm_dialog_choose (HV_NEW_VM_DIALOG (widget), TRUE);
}

static void
hv_new_vm_dialog_clear_iso_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  hv_new_vm_dialog_set_iso (HV_NEW_VM_DIALOG (widget), NULL);
}

/* The connection as the combo row shows it when chosen: its URI. */
static void
connection_item_setup (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_list_item_set_child (item, label);
}

static void
connection_item_bind (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  HvVmBackend *backend = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), hv_vm_backend_get_connection (backend));
}

/* In the list: the URI, and under it why it is not usable. */
static void
connection_list_item_update (GtkListItem *item)
{
  HvVmBackend *backend = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  g_autofree char *problem = NULL;

  if (backend == NULL)
    return;
  problem = connection_problem (backend);
  gtk_label_set_label (GTK_LABEL (title), hv_vm_backend_get_connection (backend));
  gtk_label_set_label (GTK_LABEL (subtitle), problem != NULL ? problem : "");
  gtk_widget_set_visible (subtitle, problem != NULL);
}

static void
connection_list_item_setup (GtkSignalListItemFactory *factory,
                            GtkListItem              *item,
                            gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0.0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (subtitle), 40);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "error");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_item_set_child (item, box);
}

static void
connection_list_item_bind (GtkSignalListItemFactory *factory,
                           GtkListItem              *item,
                           gpointer                  user_data)
{
  HvVmBackend *backend = gtk_list_item_get_item (item);

  connection_list_item_update (item);
  g_signal_connect_object (backend, "notify::connection-state",
                           G_CALLBACK (connection_list_item_update), item, G_CONNECT_SWAPPED);
  g_signal_connect_object (backend, "notify::connection-error",
                           G_CALLBACK (connection_list_item_update), item, G_CONNECT_SWAPPED);
}

static void
connection_list_item_unbind (GtkSignalListItemFactory *factory,
                             GtkListItem              *item,
                             gpointer                  user_data)
{
  HvVmBackend *backend = gtk_list_item_get_item (item);

  if (backend != NULL)
    g_signal_handlers_disconnect_by_func (backend, connection_list_item_update, item);
}

/* Closing stops the creation. */
static gboolean
hv_new_vm_dialog_close_request (GtkWindow *window)
{
  HvNewVmDialog *self = HV_NEW_VM_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  return GTK_WINDOW_CLASS (hv_new_vm_dialog_parent_class)->close_request (window);
}

static void
hv_new_vm_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HvNewVmDialog *self = HV_NEW_VM_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CAN_CREATE:
      g_value_set_boolean (value, self->can_create);
      break;
    case PROP_CREATING:
      g_value_set_boolean (value, hv_new_vm_dialog_is_creating (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_new_vm_dialog_dispose (GObject *object)
{
  HvNewVmDialog *self = HV_NEW_VM_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->backend != NULL)
    g_signal_handlers_disconnect_by_data (self->backend, self);
  if (self->backend_vms != NULL)
    g_signal_handlers_disconnect_by_data (self->backend_vms, self);
  g_clear_object (&self->backend);
  g_clear_object (&self->backend_vms);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_NEW_VM_DIALOG);
  g_clear_object (&self->manager);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (hv_new_vm_dialog_parent_class)->dispose (object);
}

static void
hv_new_vm_dialog_finalize (GObject *object)
{
  HvNewVmDialog *self = HV_NEW_VM_DIALOG (object);

  g_free (self->disk_image);
  g_free (self->iso);
  g_free (self->name_error);
  g_free (self->error);

  G_OBJECT_CLASS (hv_new_vm_dialog_parent_class)->finalize (object);
}

static void
hv_new_vm_dialog_class_init (HvNewVmDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = hv_new_vm_dialog_get_property;
  object_class->dispose = hv_new_vm_dialog_dispose;
  object_class->finalize = hv_new_vm_dialog_finalize;
  window_class->close_request = hv_new_vm_dialog_close_request;

  properties[PROP_CAN_CREATE] =
    g_param_spec_boolean ("can-create", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATING] =
    g_param_spec_boolean ("creating", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HvNewVmDialog::created:
   * @vm: the virtual machine, now in its backend's list
   */
  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HV_TYPE_VM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-new-vm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, error_box);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, form);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, name_error_label);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, connection_row);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, cpus_row);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, cpus_spin);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, memory_row);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, memory_spin);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, new_disk_row);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, new_disk_check);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, disk_spin);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, image_row);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, image_check);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, iso_row);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, iso_clear_button);
  gtk_widget_class_bind_template_child (widget_class, HvNewVmDialog, network_switch);
  gtk_widget_class_bind_template_callback (widget_class, hv_new_vm_dialog_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, hv_new_vm_dialog_name_activated);
  gtk_widget_class_bind_template_callback (widget_class, hv_new_vm_dialog_connection_selected);
  gtk_widget_class_bind_template_callback (widget_class, hv_new_vm_dialog_disk_toggled);

  gtk_widget_class_install_action (widget_class, "new-vm.create", NULL, hv_new_vm_dialog_create_action);
  gtk_widget_class_install_action (widget_class, "new-vm.cancel", NULL, hv_new_vm_dialog_cancel_action);
  gtk_widget_class_install_action (widget_class, "new-vm.choose-image", NULL, hv_new_vm_dialog_choose_image_action);
  gtk_widget_class_install_action (widget_class, "new-vm.choose-iso", NULL, hv_new_vm_dialog_choose_iso_action);
  gtk_widget_class_install_action (widget_class, "new-vm.clear-iso", NULL, hv_new_vm_dialog_clear_iso_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "new-vm.cancel", NULL);
}

static void
hv_new_vm_dialog_init (HvNewVmDialog *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list_factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (connection_item_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (connection_item_bind), NULL);
  adw_combo_row_set_factory (self->connection_row, factory);
  g_signal_connect (list_factory, "setup", G_CALLBACK (connection_list_item_setup), NULL);
  g_signal_connect (list_factory, "bind", G_CALLBACK (connection_list_item_bind), NULL);
  g_signal_connect (list_factory, "unbind", G_CALLBACK (connection_list_item_unbind), NULL);
  adw_combo_row_set_list_factory (self->connection_row, list_factory);

  hv_new_vm_dialog_update (self);
}

/* Sets a spin button's range to [@lower, @upper] and its value to @value within it. */
static void
setup_spin (GtkSpinButton *spin,
            double         lower,
            double         upper,
            double         value)
{
  upper = MAX (lower, upper);
  gtk_spin_button_set_range (spin, lower, upper);
  gtk_spin_button_set_value (spin, CLAMP (value, lower, upper));
}

/* "At most 4GB, set by the policy" */
static void
set_limit_subtitle (AdwActionRow *row,
                    const char   *limit)
{
  /* Translators: %s is a limit like "4" or "16GB" from policy.toml. */
  g_autofree char *subtitle = g_strdup_printf (_("At most %s, set by the policy"), limit);

  adw_action_row_set_subtitle (row, subtitle);
}

static void
hv_new_vm_dialog_load_defaults (HvNewVmDialog *self)
{
  HvConfig *config = self->config;
  gint64 cpu_limit = MAX (hv_config_get_int (config, "policy.defaults.vm.cpu_limit"), 1);
  guint64 ram_limit = hv_config_get_size (config, "policy.defaults.vm.ram_limit");
  guint64 disk_limit = hv_config_get_size (config, "policy.defaults.vm.disk_limit");
  const char *image = hv_config_get_string (config, "defaults.vm_image");
  g_autofree char *cpu_text = g_strdup_printf ("%" G_GINT64_FORMAT, cpu_limit);
  g_autofree char *ram_text = hv_config_format_size (ram_limit);
  g_autofree char *disk_text = hv_config_format_size (disk_limit);

  setup_spin (self->cpus_spin, 1, (double) cpu_limit, (double) hv_config_get_int (config, "defaults.cpu"));
  set_limit_subtitle (self->cpus_row, cpu_text);

  setup_spin (self->memory_spin, 16, (double) (ram_limit / MIB),
              (double) (hv_config_get_size (config, "defaults.ram") / MIB));
  set_limit_subtitle (self->memory_row, ram_text);

  /* Tenths of a GiB, rounded down so the policy's limit holds. */
  setup_spin (self->disk_spin, 1, (double) (disk_limit * 10 / GIB) / 10,
              (double) (hv_config_get_size (config, "defaults.disk") * 10 / GIB) / 10);
  set_limit_subtitle (self->new_disk_row, disk_text);

  if (image != NULL && g_str_has_suffix (image, ".iso"))
    hv_new_vm_dialog_set_iso (self, image);
  else if (image != NULL && g_str_has_suffix (image, ".ISO"))
    hv_new_vm_dialog_set_iso (self, image);
}

/**
 * hv_new_vm_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @manager: the connections to choose from
 * @config: for the defaults and the policy's limits
 */
HvNewVmDialog *
hv_new_vm_dialog_new (GtkWindow   *parent,
                      HvVmManager *manager,
                      HvConfig    *config)
{
  HvNewVmDialog *self;
  GListModel *backends;
  HvVmBackend *preferred;
  guint selected = GTK_INVALID_LIST_POSITION;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HV_IS_VM_MANAGER (manager), NULL);
  g_return_val_if_fail (HV_IS_CONFIG (config), NULL);

  self = g_object_new (HV_TYPE_NEW_VM_DIALOG, "transient-for", parent, NULL);
  self->manager = g_object_ref (manager);
  self->config = g_object_ref (config);

  hv_new_vm_dialog_load_defaults (self);

  backends = hv_vm_manager_get_backends (manager);
  preferred = hv_vm_manager_get_default_backend (manager);
  for (guint i = 0; i < g_list_model_get_n_items (backends) && selected == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr(HvVmBackend) backend = g_list_model_get_item (backends, i);

      if (backend == preferred)
        selected = i;
    }
  adw_combo_row_set_model (self->connection_row, backends);
  if (selected != GTK_INVALID_LIST_POSITION)
    adw_combo_row_set_selected (self->connection_row, selected);
  hv_new_vm_dialog_connection_selected (self);

  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return self;
}

void
hv_new_vm_dialog_set_name (HvNewVmDialog *self,
                           const char    *name)
{
  g_return_if_fail (HV_IS_NEW_VM_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
}

/**
 * hv_new_vm_dialog_get_backend:
 *
 * Returns: (transfer none) (nullable): the chosen connection
 */
HvVmBackend *
hv_new_vm_dialog_get_backend (HvNewVmDialog *self)
{
  g_return_val_if_fail (HV_IS_NEW_VM_DIALOG (self), NULL);
  return self->backend;
}

/**
 * hv_new_vm_dialog_set_backend:
 * @backend: one of the manager's backends
 */
void
hv_new_vm_dialog_set_backend (HvNewVmDialog *self,
                              HvVmBackend   *backend)
{
  GListModel *backends;

  g_return_if_fail (HV_IS_NEW_VM_DIALOG (self));
  g_return_if_fail (HV_IS_VM_BACKEND (backend));

  backends = adw_combo_row_get_model (self->connection_row);
  for (guint i = 0; i < g_list_model_get_n_items (backends); i++)
    {
      g_autoptr(HvVmBackend) item = g_list_model_get_item (backends, i);

      if (item == backend)
        {
          adw_combo_row_set_selected (self->connection_row, i);
          return;
        }
    }
  g_critical ("%s: %s is not a connection of the manager", G_STRFUNC, hv_vm_backend_get_connection (backend));
}

/**
 * hv_new_vm_dialog_set_disk_image:
 * @path: (nullable): an existing image to use in place of a new disk; NULL for a new disk
 */
void
hv_new_vm_dialog_set_disk_image (HvNewVmDialog *self,
                                 const char    *path)
{
  g_return_if_fail (HV_IS_NEW_VM_DIALOG (self));

  if (path != NULL && path[0] == '\0')
    path = NULL;
  g_free (self->disk_image);
  self->disk_image = g_strdup (path);
  gtk_check_button_set_active (path != NULL ? self->image_check : self->new_disk_check, TRUE);
  hv_new_vm_dialog_update (self);
}

/**
 * hv_new_vm_dialog_set_iso:
 * @path: (nullable): the installation ISO, or NULL for none
 */
void
hv_new_vm_dialog_set_iso (HvNewVmDialog *self,
                          const char    *path)
{
  g_return_if_fail (HV_IS_NEW_VM_DIALOG (self));

  if (path != NULL && path[0] == '\0')
    path = NULL;
  g_free (self->iso);
  self->iso = g_strdup (path);
  hv_new_vm_dialog_update (self);
}

/**
 * hv_new_vm_dialog_get_spec:
 *
 * Returns: (transfer full): the VM the form describes now (not validated)
 */
HvVmSpec *
hv_new_vm_dialog_get_spec (HvNewVmDialog *self)
{
  HvVmSpec *spec;

  g_return_val_if_fail (HV_IS_NEW_VM_DIALOG (self), NULL);

  spec = hv_vm_spec_new (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  spec->vcpus = (guint) gtk_spin_button_get_value_as_int (self->cpus_spin);
  spec->memory = (guint64) gtk_spin_button_get_value_as_int (self->memory_spin) * MIB;
  if (gtk_check_button_get_active (self->image_check))
    {
      spec->disk_size = 0;
      spec->disk_image = g_strdup (self->disk_image);
    }
  else
    /* Whole MiB. */
    spec->disk_size = (guint64) (gtk_spin_button_get_value (self->disk_spin) * 1024 + 1e-6) * MIB;
  spec->iso = g_strdup (self->iso);
  spec->network = gtk_switch_get_active (self->network_switch);
  return spec;
}

gboolean
hv_new_vm_dialog_get_can_create (HvNewVmDialog *self)
{
  g_return_val_if_fail (HV_IS_NEW_VM_DIALOG (self), FALSE);
  return self->can_create;
}

gboolean
hv_new_vm_dialog_get_creating (HvNewVmDialog *self)
{
  g_return_val_if_fail (HV_IS_NEW_VM_DIALOG (self), FALSE);
  return hv_new_vm_dialog_is_creating (self);
}

/**
 * hv_new_vm_dialog_get_name_error:
 *
 * Returns: (nullable): what is wrong with the name, as shown under it
 */
const char *
hv_new_vm_dialog_get_name_error (HvNewVmDialog *self)
{
  g_return_val_if_fail (HV_IS_NEW_VM_DIALOG (self), NULL);
  return self->name_error;
}

/**
 * hv_new_vm_dialog_get_error:
 *
 * Returns: (nullable): why the last Create failed, as shown above the form
 */
const char *
hv_new_vm_dialog_get_error (HvNewVmDialog *self)
{
  g_return_val_if_fail (HV_IS_NEW_VM_DIALOG (self), NULL);
  return self->error;
}
