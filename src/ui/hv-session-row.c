// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-session-row.h"

struct _HvSessionRow
{
  AdwActionRow   parent_instance;

  HvTmuxSession *session;
  gboolean       attached_here;

  /* Template widgets */
  GtkWidget     *recording_icon;
};

G_DEFINE_FINAL_TYPE (HvSessionRow, hv_session_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ATTACHED_HERE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hv_session_row_update (HvSessionRow *self)
{
  const char *state = NULL;
  g_autofree char *tooltip = NULL;
  gboolean recording;
  const char *command;

  if (self->session == NULL)
    return;

  switch (hv_session_row_get_state (self))
    {
    case HV_SESSION_STATE_ATTACHED_HERE:
      state = _("Attached here");
      break;

    case HV_SESSION_STATE_ATTACHED_ELSEWHERE:
      state = _("Attached elsewhere");
      break;

    case HV_SESSION_STATE_DETACHED:
    default:
      state = _("Detached");
      break;
    }

  recording = hv_tmux_session_get_recording (self->session);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), hv_tmux_session_get_short_name (self->session));
  if (recording)
    {
      /* Translators: a session's state in the sidebar, like "Detached · Recording". */
      g_autofree char *subtitle = g_strdup_printf (_("%s · Recording"), state);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), state);
  gtk_widget_set_visible (self->recording_icon, recording);

  command = hv_tmux_session_get_current_command (self->session);
  if (command != NULL && command[0] != '\0')
    /* Translators: a session's tooltip: its tmux name and the program running in it. */
    tooltip = g_strdup_printf (_("tmux session %s, running %s"), hv_tmux_session_get_name (self->session), command);
  else
    tooltip = g_strdup_printf (_("tmux session %s"), hv_tmux_session_get_name (self->session));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
}

static void
hv_session_row_session_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  HvSessionRow *self = HV_SESSION_ROW (widget);
  const char *name = hv_tmux_session_get_name (self->session);

  if (g_str_equal (action_name, "row.kill"))
    gtk_widget_activate_action (widget, "win.kill-session", "s", name);
  else
    gtk_widget_activate_action (widget, "win.open-session", "s", name);
}

static void
hv_session_row_constructed (GObject *object)
{
  HvSessionRow *self = HV_SESSION_ROW (object);
  static const char * const watched[] = {
    "notify::name", "notify::n-clients", "notify::recording", "notify::current-command",
  };

  G_OBJECT_CLASS (hv_session_row_parent_class)->constructed (object);

  g_assert (HV_IS_TMUX_SESSION (self->session));

  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    g_signal_connect_object (self->session, watched[i], G_CALLBACK (hv_session_row_update), self,
                             G_CONNECT_SWAPPED);
  hv_session_row_update (self);
}

static void
hv_session_row_dispose (GObject *object)
{
  HvSessionRow *self = HV_SESSION_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_SESSION_ROW);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (hv_session_row_parent_class)->dispose (object);
}

static void
hv_session_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HvSessionRow *self = HV_SESSION_ROW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_ATTACHED_HERE:
      g_value_set_boolean (value, self->attached_here);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_session_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HvSessionRow *self = HV_SESSION_ROW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_ATTACHED_HERE:
      hv_session_row_set_attached_here (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_session_row_class_init (HvSessionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hv_session_row_constructed;
  object_class->dispose = hv_session_row_dispose;
  object_class->get_property = hv_session_row_get_property;
  object_class->set_property = hv_session_row_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HV_TYPE_TMUX_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * HvSessionRow:attached-here:
   *
   * Whether the session has a tab in the window of this row.
   */
  properties[PROP_ATTACHED_HERE] =
    g_param_spec_boolean ("attached-here", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-session-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HvSessionRow, recording_icon);

  gtk_widget_class_install_action (widget_class, "row.open", NULL, hv_session_row_session_action);
  gtk_widget_class_install_action (widget_class, "row.kill", NULL, hv_session_row_session_action);
}

static void
hv_session_row_init (HvSessionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hv_session_row_new (HvTmuxSession *session)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (session), NULL);

  return g_object_new (HV_TYPE_SESSION_ROW, "session", session, NULL);
}

/** hv_session_row_get_session: Returns: (transfer none): the session of the row */
HvTmuxSession *
hv_session_row_get_session (HvSessionRow *self)
{
  g_return_val_if_fail (HV_IS_SESSION_ROW (self), NULL);

  return self->session;
}

gboolean
hv_session_row_get_attached_here (HvSessionRow *self)
{
  g_return_val_if_fail (HV_IS_SESSION_ROW (self), FALSE);

  return self->attached_here;
}

void
hv_session_row_set_attached_here (HvSessionRow *self,
                                  gboolean      attached_here)
{
  g_return_if_fail (HV_IS_SESSION_ROW (self));

  attached_here = !!attached_here;
  if (self->attached_here == attached_here)
    return;

  self->attached_here = attached_here;
  hv_session_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHED_HERE]);
}

/**
 * hv_session_row_get_state:
 *
 * Returns: attached here (a tab in this window), elsewhere (another window or another
 *   terminal), or detached
 */
HvSessionState
hv_session_row_get_state (HvSessionRow *self)
{
  g_return_val_if_fail (HV_IS_SESSION_ROW (self), HV_SESSION_STATE_DETACHED);

  if (self->attached_here)
    return HV_SESSION_STATE_ATTACHED_HERE;
  if (self->session != NULL && hv_tmux_session_get_n_clients (self->session) > 0)
    return HV_SESSION_STATE_ATTACHED_ELSEWHERE;
  return HV_SESSION_STATE_DETACHED;
}
