// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-recordings-list.h"
#include "hv-session-row.h"
#include "hv-sessions-list.h"
#include "hv-terminal-page.h"

struct _HvSessionsList
{
  GtkWidget     parent_instance;

  GListModel   *model;
  AdwTabView   *tab_view;
  GListModel   *pages;       /* of the tab view, to follow its tabs */

  /* Template widgets */
  GtkStack         *views;
  GtkStack         *stack;
  GtkListBox       *list_box;
  HvRecordingsList *recordings_list;
};

G_DEFINE_FINAL_TYPE (HvSessionsList, hv_sessions_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_TAB_VIEW,
  PROP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
hv_sessions_list_has_tab (HvSessionsList *self,
                          HvTmuxSession  *session)
{
  guint n;

  if (self->tab_view == NULL)
    return FALSE;

  n = adw_tab_view_get_n_pages (self->tab_view);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *child = adw_tab_page_get_child (adw_tab_view_get_nth_page (self->tab_view, i));

      if (HV_IS_TERMINAL_PAGE (child) && hv_terminal_page_get_session (HV_TERMINAL_PAGE (child)) == session)
        return TRUE;
    }
  return FALSE;
}

static void
hv_sessions_list_update_rows (HvSessionsList *self)
{
  if (self->list_box == NULL)
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (HV_IS_SESSION_ROW (child))
        hv_session_row_set_attached_here (HV_SESSION_ROW (child),
                                          hv_sessions_list_has_tab (self, hv_session_row_get_session (HV_SESSION_ROW (child))));
    }
}

static void
hv_sessions_list_update_stack (HvSessionsList *self)
{
  gboolean empty = self->model == NULL || g_list_model_get_n_items (self->model) == 0;

  if (self->stack != NULL)
    gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static GtkWidget *
hv_sessions_list_create_row (gpointer item,
                             gpointer user_data)
{
  HvSessionsList *self = HV_SESSIONS_LIST (user_data);
  GtkWidget *row = hv_session_row_new (HV_TMUX_SESSION (item));

  hv_session_row_set_attached_here (HV_SESSION_ROW (row), hv_sessions_list_has_tab (self, item));
  return row;
}

static void
hv_sessions_list_row_activated (HvSessionsList *self,
                                GtkListBoxRow  *row)
{
  HvTmuxSession *session;

  if (!HV_IS_SESSION_ROW (row))
    return;

  session = hv_session_row_get_session (HV_SESSION_ROW (row));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-session", "s", hv_tmux_session_get_name (session));
}

static void
hv_sessions_list_view_changed (HvSessionsList *self)
{
  /* The stack notifies while the template is disposed. */
  if (self->views != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

static void
hv_sessions_list_dispose (GObject *object)
{
  HvSessionsList *self = HV_SESSIONS_LIST (object);
  GtkWidget *child;

  hv_sessions_list_set_tab_view (self, NULL);
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  g_clear_object (&self->model);

  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_SESSIONS_LIST);
  /* The template removes the children it binds, not the others. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (hv_sessions_list_parent_class)->dispose (object);
}

static void
hv_sessions_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HvSessionsList *self = HV_SESSIONS_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_TAB_VIEW:
      g_value_set_object (value, self->tab_view);
      break;

    case PROP_VIEW:
      g_value_set_string (value, hv_sessions_list_get_view (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_sessions_list_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HvSessionsList *self = HV_SESSIONS_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      hv_sessions_list_set_model (self, g_value_get_object (value));
      break;

    case PROP_TAB_VIEW:
      hv_sessions_list_set_tab_view (self, g_value_get_object (value));
      break;

    case PROP_VIEW:
      hv_sessions_list_set_view (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_sessions_list_class_init (HvSessionsListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_sessions_list_dispose;
  object_class->get_property = hv_sessions_list_get_property;
  object_class->set_property = hv_sessions_list_set_property;

  /**
   * HvSessionsList:model:
   *
   * The sessions listed, a #GListModel of #HvTmuxSession.
   */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * HvSessionsList:tab-view:
   *
   * The tab view of the window: sessions with a tab in it are attached here.
   */
  properties[PROP_TAB_VIEW] =
    g_param_spec_object ("tab-view", NULL, NULL,
                         ADW_TYPE_TAB_VIEW,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * HvSessionsList:view:
   *
   * What is listed: "live", the running sessions, or "recordings". The stateful action
   * `sessions.view` sets it.
   */
  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HV_TYPE_RECORDINGS_LIST);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-sessions-list.ui");
  gtk_widget_class_bind_template_child (widget_class, HvSessionsList, views);
  gtk_widget_class_bind_template_child (widget_class, HvSessionsList, stack);
  gtk_widget_class_bind_template_child (widget_class, HvSessionsList, list_box);
  gtk_widget_class_bind_template_child (widget_class, HvSessionsList, recordings_list);
  gtk_widget_class_bind_template_callback (widget_class, hv_sessions_list_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, hv_sessions_list_view_changed);

  gtk_widget_class_install_property_action (widget_class, "sessions.view", "view");

  gtk_widget_class_set_css_name (widget_class, "hv-sessions-list");
}

static void
hv_sessions_list_init (HvSessionsList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hv_sessions_list_update_stack (self);
}

/** hv_sessions_list_get_model: Returns: (transfer none) (nullable): the sessions listed */
GListModel *
hv_sessions_list_get_model (HvSessionsList *self)
{
  g_return_val_if_fail (HV_IS_SESSIONS_LIST (self), NULL);

  return self->model;
}

void
hv_sessions_list_set_model (HvSessionsList *self,
                            GListModel     *model)
{
  g_return_if_fail (HV_IS_SESSIONS_LIST (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, hv_sessions_list_update_stack, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_object (model, "items-changed", G_CALLBACK (hv_sessions_list_update_stack), self,
                             G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->list_box, model, hv_sessions_list_create_row, self, NULL);
  hv_sessions_list_update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/** hv_sessions_list_get_tab_view: Returns: (transfer none) (nullable): the tab view followed */
AdwTabView *
hv_sessions_list_get_tab_view (HvSessionsList *self)
{
  g_return_val_if_fail (HV_IS_SESSIONS_LIST (self), NULL);

  return self->tab_view;
}

void
hv_sessions_list_set_tab_view (HvSessionsList *self,
                               AdwTabView     *tab_view)
{
  g_return_if_fail (HV_IS_SESSIONS_LIST (self));
  g_return_if_fail (tab_view == NULL || ADW_IS_TAB_VIEW (tab_view));

  if (self->tab_view == tab_view)
    return;

  if (self->pages != NULL)
    g_signal_handlers_disconnect_by_func (self->pages, hv_sessions_list_update_rows, self);
  g_clear_object (&self->pages);
  g_clear_weak_pointer (&self->tab_view);

  if (tab_view != NULL)
    {
      g_set_weak_pointer (&self->tab_view, tab_view);
      self->pages = G_LIST_MODEL (adw_tab_view_get_pages (tab_view));
      g_signal_connect_object (self->pages, "items-changed", G_CALLBACK (hv_sessions_list_update_rows), self,
                               G_CONNECT_SWAPPED);
    }

  hv_sessions_list_update_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAB_VIEW]);
}

/** hv_sessions_list_get_list_box: Returns: (transfer none): the list of session rows */
GtkListBox *
hv_sessions_list_get_list_box (HvSessionsList *self)
{
  g_return_val_if_fail (HV_IS_SESSIONS_LIST (self), NULL);

  return self->list_box;
}

/** hv_sessions_list_get_view: Returns: "live" or "recordings" */
const char *
hv_sessions_list_get_view (HvSessionsList *self)
{
  const char *name = NULL;

  g_return_val_if_fail (HV_IS_SESSIONS_LIST (self), NULL);

  /* The view buttons read the action state while the template is built, and an action's
   * string state cannot be NULL. */
  if (self->views != NULL)
    name = gtk_stack_get_visible_child_name (self->views);
  return name != NULL ? name : "live";
}

/**
 * hv_sessions_list_set_view:
 * @view: "live" for the running sessions, "recordings" for the recordings
 */
void
hv_sessions_list_set_view (HvSessionsList *self,
                           const char     *view)
{
  g_return_if_fail (HV_IS_SESSIONS_LIST (self));

  if (view == NULL || gtk_stack_get_child_by_name (self->views, view) == NULL)
    {
      g_debug ("No sessions view named “%s”", view ? view : "(null)");
      return;
    }

  /* Notifies through hv_sessions_list_view_changed(). */
  gtk_stack_set_visible_child_name (self->views, view);
}

/** hv_sessions_list_get_recordings_list: Returns: (transfer none): the recordings view */
HvRecordingsList *
hv_sessions_list_get_recordings_list (HvSessionsList *self)
{
  g_return_val_if_fail (HV_IS_SESSIONS_LIST (self), NULL);

  return self->recordings_list;
}
