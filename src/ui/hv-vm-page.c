// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-graph.h"
#include "hv-ui-format.h"
#include "hv-vm-page.h"
#include "hv-vm-row.h"
#include "hv-window.h"

struct _HvVmPage
{
  GtkWidget        parent_instance;

  GtkSpinner      *busy_spinner;
  AdwActionRow    *state_row;
  GtkImage        *state_icon;
  AdwActionRow    *connection_row;
  AdwActionRow    *vcpus_row;
  AdwActionRow    *memory_row;
  AdwActionRow    *disks_row;
  AdwActionRow    *network_row;
  AdwActionRow    *uptime_row;
  HvGraph         *cpu_graph;
  HvGraph         *memory_graph;
  GtkListBox      *snapshots_list;

  HvVm            *vm;
  GListStore      *snapshots;
  GCancellable    *cancellable;
  guint            refresh_interval_ms;
  guint            tick_id;
  guint            busy;
  gboolean         stats_in_flight;
};

G_DEFINE_FINAL_TYPE (HvVmPage, hv_vm_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_VM, PROP_REFRESH_INTERVAL, N_PROPS };
static GParamSpec *properties[N_PROPS];

static HvVmBackend *
hv_vm_page_get_backend (HvVmPage *self)
{
  return self->vm != NULL ? hv_vm_get_backend (self->vm) : NULL;
}

static void
hv_vm_page_toast (HvVmPage   *self,
                  const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (HV_IS_WINDOW (root))
    hv_window_add_toast (HV_WINDOW (root), adw_toast_new (message));
  else
    g_warning ("%s", message);
}

static void
hv_vm_page_set_busy (HvVmPage *self,
                     gboolean  busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), self->busy > 0);
  gtk_spinner_set_spinning (self->busy_spinner, self->busy > 0);
}

static void
hv_vm_page_update_actions (HvVmPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  HvVmState state = self->vm != NULL ? hv_vm_get_state (self->vm) : HV_VM_STATE_UNKNOWN;
  gboolean active = hv_vm_state_is_active (state);
  gboolean connected = hv_vm_page_get_backend (self) != NULL;

  gtk_widget_action_set_enabled (widget, "vm.start", connected && !active);
  gtk_widget_action_set_enabled (widget, "vm.pause", connected && state == HV_VM_STATE_RUNNING);
  gtk_widget_action_set_enabled (widget, "vm.resume", connected && state == HV_VM_STATE_PAUSED);
  gtk_widget_action_set_enabled (widget, "vm.shutdown", connected && (state == HV_VM_STATE_RUNNING ||
                                                                      state == HV_VM_STATE_PAUSED));
  gtk_widget_action_set_enabled (widget, "vm.force-off", connected && active);
  gtk_widget_action_set_enabled (widget, "vm.console", connected && active);
  gtk_widget_action_set_enabled (widget, "vm.delete", connected && !active);
  gtk_widget_action_set_enabled (widget, "vm.snapshot-create", connected);
}

static void
hv_vm_page_update_uptime (HvVmPage *self)
{
  gint64 uptime = hv_vm_get_uptime (self->vm);
  g_autofree char *text = NULL;

  if (!hv_vm_state_is_active (hv_vm_get_state (self->vm)))
    text = g_strdup (_("Not running"));
  else if (hv_vm_get_started_at (self->vm) == 0)
    text = g_strdup (_("Unknown"));
  else if (uptime < 3600)
    text = g_strdup_printf (_("%" G_GINT64_FORMAT " min %" G_GINT64_FORMAT " s"), uptime / 60, uptime % 60);
  else
    text = g_strdup_printf (_("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min"), uptime / 3600, (uptime / 60) % 60);
  adw_action_row_set_subtitle (self->uptime_row, text);
}

static void
hv_vm_page_update (HvVmPage *self)
{
  HvVmState state = hv_vm_get_state (self->vm);
  const char * const *disks = hv_vm_get_disks (self->vm);
  g_autofree char *memory = g_format_size_full (hv_vm_get_memory (self->vm), G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *vcpus = g_strdup_printf ("%u", hv_vm_get_vcpus (self->vm));
  g_autofree char *disk_text = disks[0] != NULL ? g_strjoinv ("\n", (char **) disks) : g_strdup (_("None"));
  g_autofree char *state_text = NULL;
  g_autofree char *connection = g_strdup_printf ("%s (%s)", hv_vm_get_connection (self->vm),
                                                 hv_vm_get_backend_name (self->vm));

  if (hv_vm_get_state_reason (self->vm) != NULL)
    state_text = g_strdup_printf ("%s — %s", hv_vm_state_to_label (state), hv_vm_get_state_reason (self->vm));
  else
    state_text = g_strdup (hv_vm_state_to_label (state));

  adw_action_row_set_subtitle (self->state_row, state_text);
  gtk_image_set_from_icon_name (self->state_icon, hv_vm_state_icon_name (state));
  adw_action_row_set_subtitle (self->connection_row, connection);
  adw_action_row_set_subtitle (self->vcpus_row, vcpus);
  adw_action_row_set_subtitle (self->memory_row, memory);
  adw_action_row_set_subtitle (self->disks_row, disk_text);
  adw_action_row_set_subtitle (self->network_row,
                               hv_vm_get_network (self->vm) != NULL ? hv_vm_get_network (self->vm) : _("None"));
  hv_vm_page_update_uptime (self);
  hv_graph_set_max (self->memory_graph, (double) hv_vm_get_memory (self->vm) / (1024 * 1024));
  hv_graph_set_max (self->cpu_graph, 100.0 * MAX (1, hv_vm_get_vcpus (self->vm)));
  hv_vm_page_update_actions (self);
}

/* Live statistics, while the page is on screen and the VM runs. */

static void
hv_vm_page_stats_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(HvVmPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *cpu_label = NULL;
  g_autofree char *memory_label = NULL;
  g_autofree char *used = NULL;
  double cpu;

  self->stats_in_flight = FALSE;
  if (!hv_vm_backend_update_stats_finish (HV_VM_BACKEND (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Statistics of %s: %s", hv_vm_get_name (self->vm), error->message);
      return;
    }
  if (self->vm == NULL)
    return;

  cpu = MAX (0, hv_vm_get_cpu_percent (self->vm));
  hv_graph_push (self->cpu_graph, cpu);
  hv_graph_push (self->memory_graph, (double) hv_vm_get_memory_used (self->vm) / (1024 * 1024));
  /* Translators: the label of the CPU graph, e.g. "CPU 12 %" */
  cpu_label = g_strdup_printf (_("CPU %.0f %%"), cpu);
  used = g_format_size_full (hv_vm_get_memory_used (self->vm), G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: the label of the memory graph, e.g. "Memory 212.4 MiB" */
  memory_label = g_strdup_printf (_("Memory %s"), used);
  hv_graph_set_label (self->cpu_graph, cpu_label);
  hv_graph_set_label (self->memory_graph, memory_label);
}

static gboolean
hv_vm_page_tick (gpointer user_data)
{
  HvVmPage *self = user_data;
  HvVmBackend *backend = hv_vm_page_get_backend (self);

  hv_vm_page_update_uptime (self);
  if (backend == NULL || self->stats_in_flight || hv_vm_get_state (self->vm) != HV_VM_STATE_RUNNING)
    return G_SOURCE_CONTINUE;

  self->stats_in_flight = TRUE;
  hv_vm_backend_update_stats_async (backend, self->vm, self->cancellable,
                                    hv_vm_page_stats_done, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static void
hv_vm_page_map (GtkWidget *widget)
{
  HvVmPage *self = HV_VM_PAGE (widget);

  GTK_WIDGET_CLASS (hv_vm_page_parent_class)->map (widget);

  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (MAX (100, self->refresh_interval_ms), hv_vm_page_tick, self);
  hv_vm_page_tick (self);
}

static void
hv_vm_page_unmap (GtkWidget *widget)
{
  HvVmPage *self = HV_VM_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (hv_vm_page_parent_class)->unmap (widget);
}

/* Snapshots */

static GtkWidget *
hv_vm_page_create_snapshot_row (gpointer item,
                                gpointer user_data)
{
  HvVmSnapshot *snapshot = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *revert = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  GtkWidget *delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autoptr(GString) subtitle = g_string_new (NULL);
  GVariant *target = g_variant_new_string (hv_vm_snapshot_get_name (snapshot));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), hv_vm_snapshot_get_name (snapshot));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (hv_vm_snapshot_get_created (snapshot) > 0)
    {
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (hv_vm_snapshot_get_created (snapshot));
      g_autofree char *when = g_date_time_format (created, "%Y-%m-%d %H:%M");

      g_string_append (subtitle, when);
    }
  if (hv_vm_snapshot_get_is_current (snapshot))
    g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", _("Current"));
  if (hv_vm_snapshot_get_with_memory (snapshot))
    g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", _("With running state"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);

  gtk_widget_set_valign (revert, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (revert, "flat");
  gtk_widget_add_css_class (delete, "flat");
  gtk_widget_set_tooltip_text (revert, _("Revert to This Snapshot…"));
  gtk_widget_set_tooltip_text (delete, _("Delete Snapshot…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (revert), "vm.snapshot-revert");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (revert), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete), "vm.snapshot-delete");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (delete), target);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), revert);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);
  return row;
}

static void
hv_vm_page_snapshots_listed (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(HvVmPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snapshots = hv_vm_backend_list_snapshots_finish (HV_VM_BACKEND (source), result, &error);

  if (snapshots == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Snapshots of %s: %s", hv_vm_get_name (self->vm), error->message);
      return;
    }
  g_list_store_splice (self->snapshots, 0, g_list_model_get_n_items (G_LIST_MODEL (self->snapshots)),
                       snapshots->pdata, snapshots->len);
}

static void
hv_vm_page_refresh_snapshots (HvVmPage *self)
{
  HvVmBackend *backend = hv_vm_page_get_backend (self);

  if (backend != NULL)
    hv_vm_backend_list_snapshots_async (backend, self->vm, self->cancellable,
                                        hv_vm_page_snapshots_listed, g_object_ref (self));
}

/* Operations */

typedef struct {
  HvVmPage *self;
  char     *what;   /* "Cannot start “vm”" */
} Operation;

static Operation *
operation_new (HvVmPage   *self,
               const char *what)
{
  Operation *op = g_new0 (Operation, 1);

  op->self = g_object_ref (self);
  op->what = g_strdup (what);
  hv_vm_page_set_busy (self, TRUE);
  return op;
}

static void
operation_finish (Operation *op,
                  gboolean   ok,
                  GError    *error)
{
  hv_vm_page_set_busy (op->self, FALSE);
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: "Cannot start “web”: <why>" */
      g_autofree char *message = g_strdup_printf ("%s: %s", op->what, error->message);

      hv_vm_page_toast (op->self, message);
    }
  hv_vm_page_update_actions (op->self);
  g_object_unref (op->self);
  g_free (op->what);
  g_free (op);
}

static void
hv_vm_page_action_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = hv_vm_backend_action_finish (HV_VM_BACKEND (source), result, &error);

  operation_finish (user_data, ok, error);
}

static void
hv_vm_page_run_action (HvVmPage   *self,
                       HvVmAction  action,
                       const char *what)
{
  HvVmBackend *backend = hv_vm_page_get_backend (self);

  if (backend == NULL)
    return;
  hv_vm_backend_action_async (backend, self->vm, action, self->cancellable,
                              hv_vm_page_action_done, operation_new (self, what));
}

static void
hv_vm_page_snapshot_done (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  Operation *op = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hv_vm_backend_snapshot_finish (HV_VM_BACKEND (source), result, &error);

  hv_vm_page_refresh_snapshots (op->self);
  operation_finish (op, ok, error);
}

static void
hv_vm_page_run_snapshot (HvVmPage           *self,
                         HvVmSnapshotAction  action,
                         const char         *name,
                         const char         *what)
{
  HvVmBackend *backend = hv_vm_page_get_backend (self);

  if (backend == NULL)
    return;
  hv_vm_backend_snapshot_async (backend, self->vm, action, name, self->cancellable,
                                hv_vm_page_snapshot_done, operation_new (self, what));
}

static void
hv_vm_page_start_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  g_autofree char *what = g_strdup_printf (_("Cannot start “%s”"), hv_vm_get_name (self->vm));

  hv_vm_page_run_action (self, HV_VM_ACTION_START, what);
}

static void
hv_vm_page_pause_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  g_autofree char *what = g_strdup_printf (_("Cannot pause “%s”"), hv_vm_get_name (self->vm));

  hv_vm_page_run_action (self, HV_VM_ACTION_PAUSE, what);
}

static void
hv_vm_page_resume_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  g_autofree char *what = g_strdup_printf (_("Cannot resume “%s”"), hv_vm_get_name (self->vm));

  hv_vm_page_run_action (self, HV_VM_ACTION_RESUME, what);
}

static void
hv_vm_page_shutdown_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  g_autofree char *what = g_strdup_printf (_("Cannot shut down “%s”"), hv_vm_get_name (self->vm));

  hv_vm_page_run_action (self, HV_VM_ACTION_SHUTDOWN, what);
}

static void
hv_vm_page_console_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (HV_IS_WINDOW (root))
    hv_window_open_vm_console (HV_WINDOW (root), self->vm);
}

/* Destructive actions ask first. */

typedef void (*ConfirmedFunc) (HvVmPage *self, const char *response, const char *argument);

typedef struct {
  HvVmPage      *self;
  ConfirmedFunc  func;
  char          *argument;
} Confirm;

static void
hv_vm_page_confirm_response (AdwMessageDialog *dialog,
                             const char       *response,
                             Confirm          *confirm)
{
  if (!g_str_equal (response, "cancel"))
    confirm->func (confirm->self, response, confirm->argument);
  g_object_unref (confirm->self);
  g_free (confirm->argument);
  g_free (confirm);
}

static AdwMessageDialog *
hv_vm_page_confirm (HvVmPage      *self,
                    const char    *heading,
                    const char    *body,
                    const char    *response_id,
                    const char    *response_label,
                    ConfirmedFunc  func,
                    const char    *argument)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                         heading, body));
  Confirm *confirm = g_new0 (Confirm, 1);

  confirm->self = g_object_ref (self);
  confirm->func = func;
  confirm->argument = g_strdup (argument);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response_id, response_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response_id, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (hv_vm_page_confirm_response), confirm);
  return dialog;
}

static void
hv_vm_page_force_off_confirmed (HvVmPage *self, const char *response, const char *argument)
{
  g_autofree char *what = g_strdup_printf (_("Cannot turn off “%s”"), hv_vm_get_name (self->vm));

  hv_vm_page_run_action (self, HV_VM_ACTION_FORCE_OFF, what);
}

static void
hv_vm_page_force_off_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  g_autofree char *heading = g_strdup_printf (_("Force Off “%s”?"), hv_vm_get_name (self->vm));

  gtk_window_present (GTK_WINDOW (hv_vm_page_confirm (self, heading,
                                                      _("The VM is turned off at once, like pulling the plug: "
                                                        "what its programs have not saved is lost."),
                                                      "force-off", _("_Force Off"),
                                                      hv_vm_page_force_off_confirmed, NULL)));
}

static void
hv_vm_page_delete_confirmed (HvVmPage *self, const char *response, const char *argument)
{
  g_autofree char *what = g_strdup_printf (_("Cannot delete “%s”"), hv_vm_get_name (self->vm));

  hv_vm_page_run_action (self, g_str_equal (response, "delete-disks") ? HV_VM_ACTION_DELETE_WITH_DISKS
                                                                      : HV_VM_ACTION_DELETE, what);
}

static void
hv_vm_page_delete_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  g_autofree char *heading = g_strdup_printf (_("Delete “%s”?"), hv_vm_get_name (self->vm));
  AdwMessageDialog *dialog;

  dialog = hv_vm_page_confirm (self, heading,
                               _("The VM’s definition and snapshots are removed. Its disks can be kept "
                                 "or deleted too; an image you chose yourself is always kept."),
                               "delete", _("_Keep Disks"), hv_vm_page_delete_confirmed, NULL);
  adw_message_dialog_add_response (dialog, "delete-disks", _("_Delete Disks Too"));
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DEFAULT);
  adw_message_dialog_set_response_appearance (dialog, "delete-disks", ADW_RESPONSE_DESTRUCTIVE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
hv_vm_page_revert_confirmed (HvVmPage *self, const char *response, const char *snapshot)
{
  g_autofree char *what = g_strdup_printf (_("Cannot revert “%s” to “%s”"), hv_vm_get_name (self->vm), snapshot);

  hv_vm_page_run_snapshot (self, HV_VM_SNAPSHOT_REVERT, snapshot, what);
}

static void
hv_vm_page_snapshot_revert_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  const char *snapshot = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_("Revert to “%s”?"), snapshot);

  gtk_window_present (GTK_WINDOW (hv_vm_page_confirm (self, heading,
                                                      _("The VM goes back to the snapshot; what changed since "
                                                        "it was taken is lost unless you take a snapshot first."),
                                                      "revert", _("_Revert"),
                                                      hv_vm_page_revert_confirmed, snapshot)));
}

static void
hv_vm_page_snapshot_delete_confirmed (HvVmPage *self, const char *response, const char *snapshot)
{
  g_autofree char *what = g_strdup_printf (_("Cannot delete the snapshot “%s”"), snapshot);

  hv_vm_page_run_snapshot (self, HV_VM_SNAPSHOT_DELETE, snapshot, what);
}

static void
hv_vm_page_snapshot_delete_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  const char *snapshot = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_("Delete the Snapshot “%s”?"), snapshot);

  gtk_window_present (GTK_WINDOW (hv_vm_page_confirm (self, heading, _("The VM itself is not changed."),
                                                      "delete", _("_Delete"),
                                                      hv_vm_page_snapshot_delete_confirmed, snapshot)));
}

static void
hv_vm_page_snapshot_name_changed (GtkEditable      *entry,
                                  AdwMessageDialog *dialog)
{
  gboolean valid = hv_vm_name_validate (gtk_editable_get_text (entry), NULL);

  adw_message_dialog_set_response_enabled (dialog, "create", valid);
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
}

static void
hv_vm_page_snapshot_create_response (AdwMessageDialog *dialog,
                                     const char       *response,
                                     HvVmPage         *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *what = NULL;

  if (g_str_equal (response, "create"))
    {
      what = g_strdup_printf (_("Cannot take a snapshot of “%s”"), hv_vm_get_name (self->vm));
      hv_vm_page_run_snapshot (self, HV_VM_SNAPSHOT_CREATE, gtk_editable_get_text (entry), what);
    }
  g_object_unref (self);
}

static void
hv_vm_page_snapshot_create_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  HvVmPage *self = HV_VM_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *suggestion = g_date_time_format (now, "snap-%Y%m%d-%H%M%S");
  GtkWidget *entry = gtk_entry_new ();
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Take Snapshot"),
                                                       _("A snapshot keeps the VM’s disks (and, while it runs, "
                                                         "its memory) so you can go back to this moment. "
                                                         "Names are letters, digits, “.”, “_” and “-”.")));
  gtk_editable_set_text (GTK_EDITABLE (entry), suggestion);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "create", _("_Take Snapshot"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "create");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (hv_vm_page_snapshot_name_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (hv_vm_page_snapshot_create_response), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
hv_vm_page_state_changed (HvVmPage *self)
{
  hv_vm_page_update (self);
  if (hv_vm_get_state (self->vm) != HV_VM_STATE_RUNNING)
    {
      hv_graph_set_label (self->cpu_graph, _("CPU"));
      hv_graph_set_label (self->memory_graph, _("Memory"));
    }
}

GtkWidget *
hv_vm_page_new (HvVm  *vm,
                guint  refresh_interval_ms)
{
  return g_object_new (HV_TYPE_VM_PAGE, "vm", vm, "refresh-interval", refresh_interval_ms, NULL);
}

HvVm *
hv_vm_page_get_vm (HvVmPage *self)
{
  g_return_val_if_fail (HV_IS_VM_PAGE (self), NULL);
  return self->vm;
}

GtkWidget *
hv_vm_page_get_state_row (HvVmPage *self)
{
  g_return_val_if_fail (HV_IS_VM_PAGE (self), NULL);
  return GTK_WIDGET (self->state_row);
}

GListModel *
hv_vm_page_get_snapshots (HvVmPage *self)
{
  g_return_val_if_fail (HV_IS_VM_PAGE (self), NULL);
  return G_LIST_MODEL (self->snapshots);
}

static void
hv_vm_page_constructed (GObject *object)
{
  HvVmPage *self = HV_VM_PAGE (object);

  G_OBJECT_CLASS (hv_vm_page_parent_class)->constructed (object);

  g_signal_connect_object (self->vm, "notify", G_CALLBACK (hv_vm_page_state_changed), self, G_CONNECT_SWAPPED);
  hv_vm_page_state_changed (self);
  hv_vm_page_refresh_snapshots (self);
}

static void
hv_vm_page_dispose (GObject *object)
{
  HvVmPage *self = HV_VM_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_VM_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->vm);
  g_clear_object (&self->snapshots);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (hv_vm_page_parent_class)->dispose (object);
}

static void
hv_vm_page_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HvVmPage *self = HV_VM_PAGE (object);

  switch (prop_id)
    {
    case PROP_VM: g_value_set_object (value, self->vm); break;
    case PROP_REFRESH_INTERVAL: g_value_set_uint (value, self->refresh_interval_ms); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_vm_page_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  HvVmPage *self = HV_VM_PAGE (object);

  switch (prop_id)
    {
    case PROP_VM: self->vm = g_value_dup_object (value); break;
    case PROP_REFRESH_INTERVAL: self->refresh_interval_ms = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_vm_page_class_init (HvVmPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hv_vm_page_constructed;
  object_class->dispose = hv_vm_page_dispose;
  object_class->get_property = hv_vm_page_get_property;
  object_class->set_property = hv_vm_page_set_property;
  widget_class->map = hv_vm_page_map;
  widget_class->unmap = hv_vm_page_unmap;

  properties[PROP_VM] =
    g_param_spec_object ("vm", NULL, NULL, HV_TYPE_VM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESH_INTERVAL] =
    g_param_spec_uint ("refresh-interval", NULL, NULL, 100, 60000, 1000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HV_TYPE_GRAPH);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-vm-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, state_icon);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, connection_row);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, memory_row);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, disks_row);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, network_row);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, uptime_row);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, cpu_graph);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, memory_graph);
  gtk_widget_class_bind_template_child (widget_class, HvVmPage, snapshots_list);

  gtk_widget_class_install_action (widget_class, "vm.start", NULL, hv_vm_page_start_action);
  gtk_widget_class_install_action (widget_class, "vm.pause", NULL, hv_vm_page_pause_action);
  gtk_widget_class_install_action (widget_class, "vm.resume", NULL, hv_vm_page_resume_action);
  gtk_widget_class_install_action (widget_class, "vm.shutdown", NULL, hv_vm_page_shutdown_action);
  gtk_widget_class_install_action (widget_class, "vm.force-off", NULL, hv_vm_page_force_off_action);
  gtk_widget_class_install_action (widget_class, "vm.console", NULL, hv_vm_page_console_action);
  gtk_widget_class_install_action (widget_class, "vm.delete", NULL, hv_vm_page_delete_action);
  gtk_widget_class_install_action (widget_class, "vm.snapshot-create", NULL, hv_vm_page_snapshot_create_action);
  gtk_widget_class_install_action (widget_class, "vm.snapshot-revert", "s", hv_vm_page_snapshot_revert_action);
  gtk_widget_class_install_action (widget_class, "vm.snapshot-delete", "s", hv_vm_page_snapshot_delete_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hv-vm-page");
}

static void
hv_vm_page_init (HvVmPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->snapshots = g_list_store_new (HV_TYPE_VM_SNAPSHOT);
  self->refresh_interval_ms = 1000;
  gtk_list_box_bind_model (self->snapshots_list, G_LIST_MODEL (self->snapshots),
                           hv_vm_page_create_snapshot_row, NULL, NULL);
  hv_graph_set_label (self->cpu_graph, _("CPU"));
  hv_graph_set_label (self->memory_graph, _("Memory"));
}
