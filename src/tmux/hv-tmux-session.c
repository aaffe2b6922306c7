// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-tmux-session-private.h"

struct _HvTmuxSession
{
  GObject parent_instance;

  char *id;
  char *prefix;
  char *name;
  guint n_windows;
  guint n_clients;
  gint64 created;
  char *window_name;
  char *current_command;
  gboolean recording;
};

G_DEFINE_FINAL_TYPE (HvTmuxSession, hv_tmux_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_SHORT_NAME,
  PROP_N_WINDOWS,
  PROP_N_CLIENTS,
  PROP_CREATED,
  PROP_WINDOW_NAME,
  PROP_CURRENT_COMMAND,
  PROP_RECORDING,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hv_tmux_session_finalize (GObject *object)
{
  HvTmuxSession *self = HV_TMUX_SESSION (object);

  g_free (self->id);
  g_free (self->prefix);
  g_free (self->name);
  g_free (self->window_name);
  g_free (self->current_command);

  G_OBJECT_CLASS (hv_tmux_session_parent_class)->finalize (object);
}

static void
hv_tmux_session_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HvTmuxSession *self = HV_TMUX_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_SHORT_NAME: g_value_set_string (value, hv_tmux_session_get_short_name (self)); break;
    case PROP_N_WINDOWS: g_value_set_uint (value, self->n_windows); break;
    case PROP_N_CLIENTS: g_value_set_uint (value, self->n_clients); break;
    case PROP_CREATED: g_value_set_int64 (value, self->created); break;
    case PROP_WINDOW_NAME: g_value_set_string (value, self->window_name); break;
    case PROP_CURRENT_COMMAND: g_value_set_string (value, self->current_command); break;
    case PROP_RECORDING: g_value_set_boolean (value, self->recording); break;
    case PROP_TITLE: g_value_take_string (value, hv_tmux_session_dup_title (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_tmux_session_class_init (HvTmuxSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hv_tmux_session_finalize;
  object_class->get_property = hv_tmux_session_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SHORT_NAME] = g_param_spec_string ("short-name", NULL, NULL, NULL, flags);
  properties[PROP_N_WINDOWS] = g_param_spec_uint ("n-windows", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_CLIENTS] = g_param_spec_uint ("n-clients", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CREATED] = g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_WINDOW_NAME] = g_param_spec_string ("window-name", NULL, NULL, NULL, flags);
  properties[PROP_CURRENT_COMMAND] = g_param_spec_string ("current-command", NULL, NULL, NULL, flags);
  properties[PROP_RECORDING] = g_param_spec_boolean ("recording", NULL, NULL, FALSE, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_tmux_session_init (HvTmuxSession *self)
{
}

HvTmuxSession *
_hv_tmux_session_new (const char *id,
                      const char *prefix)
{
  HvTmuxSession *self = g_object_new (HV_TYPE_TMUX_SESSION, NULL);

  self->id = g_strdup (id);
  self->prefix = g_strdup (prefix);
  return self;
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
_hv_tmux_session_update (HvTmuxSession *self,
                         const char    *name,
                         guint          n_windows,
                         guint          n_clients,
                         gint64         created,
                         const char    *window_name,
                         const char    *current_command,
                         gboolean       recording)
{
  gboolean title_changed = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (set_string (&self->name, name))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHORT_NAME]);
      title_changed = TRUE;
    }
  if (self->n_windows != n_windows)
    {
      self->n_windows = n_windows;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WINDOWS]);
    }
  if (self->n_clients != n_clients)
    {
      self->n_clients = n_clients;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CLIENTS]);
    }
  if (self->created != created)
    {
      self->created = created;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED]);
    }
  if (set_string (&self->window_name, window_name))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_NAME]);
      title_changed = TRUE;
    }
  if (set_string (&self->current_command, current_command))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_COMMAND]);
      title_changed = TRUE;
    }
  if (self->recording != recording)
    {
      self->recording = recording;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
    }
  if (title_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_thaw_notify (G_OBJECT (self));
}

/** hv_tmux_session_get_id: Returns: tmux's session id, like "$3" */
const char *
hv_tmux_session_get_id (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), NULL);
  return self->id;
}

/** hv_tmux_session_get_name: Returns: the full session name, "hydravisor-work" */
const char *
hv_tmux_session_get_name (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), NULL);
  return self->name;
}

/** hv_tmux_session_get_short_name: Returns: the name without the prefix, "work" */
const char *
hv_tmux_session_get_short_name (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), NULL);

  if (self->name != NULL && self->prefix != NULL && g_str_has_prefix (self->name, self->prefix))
    return self->name + strlen (self->prefix);
  return self->name;
}

guint
hv_tmux_session_get_n_windows (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), 0);
  return self->n_windows;
}

/** hv_tmux_session_get_n_clients: Returns: terminals attached to it (control clients not counted) */
guint
hv_tmux_session_get_n_clients (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), 0);
  return self->n_clients;
}

/** hv_tmux_session_get_created: Returns: creation time, seconds since the epoch */
gint64
hv_tmux_session_get_created (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), 0);
  return self->created;
}

const char *
hv_tmux_session_get_window_name (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), NULL);
  return self->window_name;
}

const char *
hv_tmux_session_get_current_command (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), NULL);
  return self->current_command;
}

/** hv_tmux_session_get_recording: Returns: whether its active pane is piped to a recorder */
gboolean
hv_tmux_session_get_recording (HvTmuxSession *self)
{
  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), FALSE);
  return self->recording;
}

/** hv_tmux_session_dup_title: Returns: (transfer full): "work — vim" for a tab */
char *
hv_tmux_session_dup_title (HvTmuxSession *self)
{
  const char *name;

  g_return_val_if_fail (HV_IS_TMUX_SESSION (self), NULL);

  name = hv_tmux_session_get_short_name (self);
  if (self->current_command != NULL && self->current_command[0] != '\0')
    return g_strdup_printf ("%s — %s", name, self->current_command);
  return g_strdup (name);
}
