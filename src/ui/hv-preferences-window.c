// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-config-editor.h"
#include "hv-preferences-window.h"

/* How a row of the Configuration page shows its key. */
typedef enum {
  CONFIG_ROW_STRING,     /* AdwEntryRow */
  CONFIG_ROW_STRV,       /* AdwEntryRow, comma-separated */
  CONFIG_ROW_CHOICE,     /* AdwComboRow over a fixed list of values */
  CONFIG_ROW_BOOLEAN,    /* AdwActionRow with a GtkSwitch */
} ConfigRowKind;

typedef struct {
  const char    *key;
  ConfigRowKind  kind;
  GtkWidget     *row;
  GtkWidget     *control;  /* the row itself, or its switch */
  GtkWidget     *note;     /* "Set by VARIABLE" beside an entry, or NULL */
  char          *shown;    /* what the entry row was last given; differs once the user types */
} ConfigRow;

struct _HvPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  HvConfig             *config;
  ConfigRow            *config_rows;
  guint                 n_config_rows;
  guint                 updating;    /* > 0 while rows are set from the configuration */
  guint                 sync_source;

  /* Template widgets */
  AdwComboRow          *style_row;
  GtkSwitch            *restore_tabs_switch;
  GtkSwitch            *confirm_close_switch;
  AdwComboRow          *vm_backend_row;
  AdwEntryRow          *libvirt_uris_row;
  GtkWidget            *libvirt_uris_note;
  AdwEntryRow          *containerd_address_row;
  GtkWidget            *containerd_address_note;
  AdwEntryRow          *containerd_namespace_row;
  GtkWidget            *containerd_namespace_note;
  AdwEntryRow          *ollama_host_row;
  GtkWidget            *ollama_host_note;
  AdwEntryRow          *bedrock_region_row;
  GtkWidget            *bedrock_region_note;
  AdwEntryRow          *bedrock_profile_row;
  GtkWidget            *bedrock_profile_note;
  AdwActionRow         *record_sessions_row;
  GtkSwitch            *record_sessions_switch;
  AdwActionRow         *config_file_row;
};

G_DEFINE_FINAL_TYPE (HvPreferencesWindow, hv_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The rows of the Style combo, in order, as values of the color-scheme key. */
static const char * const color_schemes[] = { "default", "light", "dark" };

static gboolean
hv_preferences_window_style_from_setting (GValue   *value,
                                          GVariant *variant,
                                          gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    {
      if (g_strcmp0 (scheme, color_schemes[i]) == 0)
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
hv_preferences_window_style_to_setting (const GValue       *value,
                                        const GVariantType *expected_type,
                                        gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  /* GTK_INVALID_LIST_POSITION while the model is being replaced: keep the key. */
  if (selected >= G_N_ELEMENTS (color_schemes))
    return NULL;

  return g_variant_new_string (color_schemes[selected]);
}

/* ---------------------------------------------------------------------------------------
 * The Configuration page: rows that show the effective configuration (HvConfig) and write
 * config.toml through HvConfigEditor, which keeps the user's comments and layout.
 * ------------------------------------------------------------------------------------- */

/* The rows of the Default Backend combo, in order, as values of defaults.vm_backend. */
static const char * const vm_backends[] = { "qemu", "libvirt" };

static void
hv_preferences_window_toast (HvPreferencesWindow *self,
                             const char          *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 8);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

/* The VARIABLE of a source "environment (VARIABLE)", or NULL. */
static char *
environment_variable_of (const char *source)
{
  const char *prefix = "environment (";
  const char *start, *end;

  if (source == NULL || !g_str_has_prefix (source, prefix))
    return NULL;
  start = source + strlen (prefix);
  end = strchr (start, ')');
  if (end == NULL || end == start)
    return NULL;
  return g_strndup (start, end - start);
}

static ConfigRow *
hv_preferences_window_find_config_row (HvPreferencesWindow *self,
                                       gpointer             widget)
{
  for (guint i = 0; i < self->n_config_rows; i++)
    {
      if (self->config_rows[i].row == widget || self->config_rows[i].control == widget)
        return &self->config_rows[i];
    }
  return NULL;
}

static const char *
config_row_get_title (ConfigRow *row)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row->row));
}

/* Whether the user is working in an entry row: it has the focus, or text not yet applied. */
static gboolean
config_row_is_being_edited (ConfigRow *row)
{
  return (gtk_widget_get_state_flags (row->row) & GTK_STATE_FLAG_FOCUS_WITHIN) != 0 ||
         g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row->row)), row->shown) != 0;
}

static void
config_row_set_text (ConfigRow  *row,
                     const char *text)
{
  /* Never clobber what the user is typing; the row catches up when the focus leaves it. */
  if (config_row_is_being_edited (row))
    return;

  g_free (row->shown);
  row->shown = g_strdup (text);
  gtk_editable_set_text (GTK_EDITABLE (row->row), text);
}

static void
hv_preferences_window_update_note (HvPreferencesWindow *self,
                                   ConfigRow           *row)
{
  g_autofree char *variable = NULL;
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;

  if (row->note == NULL)
    return;

  variable = environment_variable_of (hv_config_get_source (self->config, row->key));
  if (variable == NULL)
    {
      gtk_widget_set_visible (row->note, FALSE);
      gtk_widget_set_tooltip_text (row->note, NULL);
      return;
    }

  if (row->kind == CONFIG_ROW_STRV)
    {
      /* Translators: %s is an environment variable that adds an item to a list. */
      label = g_strdup_printf (_("Plus %s"), variable);
      tooltip = g_strdup_printf (_("The environment variable %s adds “%s” to these connections"),
                                 variable, g_getenv (variable) ? g_getenv (variable) : "");
    }
  else
    {
      /* Translators: %s is an environment variable, like OLLAMA_HOST. */
      label = g_strdup_printf (_("Set by %s"), variable);
      tooltip = g_strdup_printf (_("The environment variable %s overrides this setting. A value "
                                   "applied here is saved in config.toml and takes effect when %s "
                                   "is not set."),
                                 variable, variable);
    }
  gtk_label_set_label (GTK_LABEL (row->note), label);
  gtk_widget_set_tooltip_text (row->note, tooltip);
  gtk_widget_set_visible (row->note, TRUE);
}

/* Shows the effective value of @row's key. */
static void
hv_preferences_window_sync_row (HvPreferencesWindow *self,
                                ConfigRow           *row)
{
  self->updating++;

  switch (row->kind)
    {
    case CONFIG_ROW_STRING:
      config_row_set_text (row, hv_config_get_string (self->config, row->key));
      break;

    case CONFIG_ROW_STRV:
      {
        const char * const *values = hv_config_get_strv (self->config, row->key);
        g_autofree char *variable = environment_variable_of (hv_config_get_source (self->config, row->key));
        const char *added = variable != NULL ? g_getenv (variable) : NULL;
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
        g_auto(GStrv) listed = NULL;
        g_autofree char *text = NULL;

        /* A variable that adds to the list (LIBVIRT_DEFAULT_URI) is not part of the file's
         * value: leave it out, so that applying the row does not save it there. */
        for (guint i = 0; values != NULL && values[i] != NULL; i++)
          {
            if (g_strcmp0 (values[i], added) != 0)
              g_strv_builder_add (builder, values[i]);
          }
        listed = g_strv_builder_end (builder);
        text = g_strjoinv (", ", listed);
        config_row_set_text (row, text);
      }
      break;

    case CONFIG_ROW_CHOICE:
      {
        const char *value = hv_config_get_string (self->config, row->key);

        for (guint i = 0; i < G_N_ELEMENTS (vm_backends); i++)
          {
            if (g_strcmp0 (value, vm_backends[i]) == 0)
              adw_combo_row_set_selected (ADW_COMBO_ROW (row->row), i);
          }
      }
      break;

    case CONFIG_ROW_BOOLEAN:
      gtk_switch_set_active (GTK_SWITCH (row->control),
                             hv_config_get_boolean (self->config, row->key));
      break;

    default:
      g_assert_not_reached ();
    }

  self->updating--;

  hv_preferences_window_update_note (self, row);
}

static void
hv_preferences_window_config_changed (HvConfig            *config,
                                      const char          *key,
                                      HvPreferencesWindow *self)
{
  for (guint i = 0; i < self->n_config_rows; i++)
    {
      if (g_strcmp0 (self->config_rows[i].key, key) == 0)
        hv_preferences_window_sync_row (self, &self->config_rows[i]);
    }
}

/* A key can move between the file and the environment without its value changing. */
static void
hv_preferences_window_config_reloaded (HvPreferencesWindow *self)
{
  for (guint i = 0; i < self->n_config_rows; i++)
    hv_preferences_window_update_note (self, &self->config_rows[i]);
}

/* Saves @value (a string, a string array or a boolean) as @row's key in config.toml. */
static gboolean
hv_preferences_window_save (HvPreferencesWindow *self,
                            ConfigRow           *row,
                            GVariant            *value)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);
  g_autofree char *path = hv_config_get_file (self->config, "config.toml");
  g_autofree char *variable = NULL;
  g_autoptr(HvConfigEditor) editor = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;

  editor = hv_config_editor_new (path, &error);
  if (editor != NULL)
    {
      if (g_variant_is_of_type (owned, G_VARIANT_TYPE_STRING))
        saved = hv_config_editor_set_string (editor, row->key, g_variant_get_string (owned, NULL), &error);
      else if (g_variant_is_of_type (owned, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const char **strv = g_variant_get_strv (owned, NULL);

          saved = hv_config_editor_set_strv (editor, row->key, (const char * const *) strv, &error);
        }
      else if (g_variant_is_of_type (owned, G_VARIANT_TYPE_BOOLEAN))
        saved = hv_config_editor_set_boolean (editor, row->key, g_variant_get_boolean (owned), &error);
      else
        g_assert_not_reached ();

      saved = saved && hv_config_editor_save (editor, &error);
    }

  if (!saved)
    {
      g_autofree char *dir = g_strconcat (hv_config_get_dir (self->config), G_DIR_SEPARATOR_S, NULL);
      g_autoptr(GString) message = g_string_new (error->message);
      g_autofree char *text = NULL;

      /* One line, naming the file as the page does. */
      g_string_replace (message, dir, "", 0);
      g_string_replace (message, "\n", " ", 0);
      /* Translators: the first %s is a setting's title, the second what went wrong. */
      text = g_strdup_printf (_("Could not save “%s”: %s"), config_row_get_title (row), message->str);
      hv_preferences_window_toast (self, text);
      return FALSE;
    }

  /* The file has the new value, but the environment keeps winning: say so. */
  variable = environment_variable_of (hv_config_get_source (self->config, row->key));
  if (variable != NULL && row->kind != CONFIG_ROW_STRV)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (_("Saved in config.toml, but %s is set and takes precedence"), variable);
      hv_preferences_window_toast (self, text);
    }

  return TRUE;
}

static void
hv_preferences_window_config_entry_applied (HvPreferencesWindow *self,
                                            AdwEntryRow         *entry)
{
  ConfigRow *row = hv_preferences_window_find_config_row (self, entry);
  g_autofree char *text = NULL;
  GVariant *value;

  g_assert (row != NULL);

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (row->kind == CONFIG_ROW_STRV)
    {
      g_auto(GStrv) parts = g_strsplit (text, ",", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) items = NULL;

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_strstrip (parts[i]);
          if (parts[i][0] != '\0')
            g_strv_builder_add (builder, parts[i]);
        }
      items = g_strv_builder_end (builder);
      value = g_variant_new_strv ((const char * const *) items, -1);
    }
  else
    {
      if (text[0] == '\0')
        {
          g_autofree char *message = NULL;

          /* Translators: %s is a setting's title. */
          message = g_strdup_printf (_("“%s” cannot be empty"), config_row_get_title (row));
          hv_preferences_window_toast (self, message);
          return;
        }
      value = g_variant_new_string (text);
    }

  if (hv_preferences_window_save (self, row, value))
    {
      /* Applied: the row shows the configuration again once the file is reloaded. */
      g_free (row->shown);
      row->shown = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
    }
}

/* Enter in a row whose last apply failed (the apply button is gone by then): try again. */
static void
hv_preferences_window_config_entry_activated (HvPreferencesWindow *self,
                                              AdwEntryRow         *entry)
{
  ConfigRow *row = hv_preferences_window_find_config_row (self, entry);

  g_assert (row != NULL);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), row->shown) != 0)
    hv_preferences_window_config_entry_applied (self, entry);
}

static gboolean
hv_preferences_window_sync_entries_idle (gpointer data)
{
  HvPreferencesWindow *self = HV_PREFERENCES_WINDOW (data);

  self->sync_source = 0;
  for (guint i = 0; i < self->n_config_rows; i++)
    {
      ConfigRow *row = &self->config_rows[i];

      if (row->kind == CONFIG_ROW_STRING || row->kind == CONFIG_ROW_STRV)
        hv_preferences_window_sync_row (self, row);
    }
  return G_SOURCE_REMOVE;
}

static void
hv_preferences_window_config_entry_focus_left (HvPreferencesWindow *self)
{
  /* The file may have changed while the user was in a row. Catch up once the focus has
   * settled elsewhere (during "leave" the row still counts as focused). */
  if (self->sync_source == 0)
    self->sync_source = g_idle_add (hv_preferences_window_sync_entries_idle, self);
}

static void
hv_preferences_window_vm_backend_selected (HvPreferencesWindow *self)
{
  ConfigRow *row = hv_preferences_window_find_config_row (self, self->vm_backend_row);
  guint selected;

  if (row == NULL || self->updating > 0)
    return;

  selected = adw_combo_row_get_selected (self->vm_backend_row);
  if (selected >= G_N_ELEMENTS (vm_backends))
    return;

  if (!hv_preferences_window_save (self, row, g_variant_new_string (vm_backends[selected])))
    hv_preferences_window_sync_row (self, row);
}

static void
hv_preferences_window_record_sessions_toggled (HvPreferencesWindow *self)
{
  ConfigRow *row = hv_preferences_window_find_config_row (self, self->record_sessions_switch);

  if (row == NULL || self->updating > 0)
    return;

  if (!hv_preferences_window_save (self, row,
                                   g_variant_new_boolean (gtk_switch_get_active (self->record_sessions_switch))))
    hv_preferences_window_sync_row (self, row);
}

static void
hv_preferences_window_open_folder_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(HvPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (_("Could not open the configuration folder: %s"), error->message);
      hv_preferences_window_toast (self, text);
    }
}

static void
hv_preferences_window_open_config_folder_action (GtkWidget  *widget,
                                                 const char *action_name,
                                                 GVariant   *parameter)
{
  HvPreferencesWindow *self = HV_PREFERENCES_WINDOW (widget);
  g_autoptr(GFile) dir = g_file_new_for_path (hv_config_get_dir (self->config));
  g_autoptr(GdkAppLaunchContext) context = NULL;
  g_autofree char *uri = g_file_get_uri (dir);

  context = gdk_display_get_app_launch_context (gtk_widget_get_display (widget));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL,
                                           hv_preferences_window_open_folder_cb,
                                           g_object_ref (self));
}

static void
hv_preferences_window_setup_config_page (HvPreferencesWindow *self)
{
  const ConfigRow rows[] = {
    { "defaults.vm_backend", CONFIG_ROW_CHOICE,
      GTK_WIDGET (self->vm_backend_row), GTK_WIDGET (self->vm_backend_row), NULL },
    { "libvirt.uris", CONFIG_ROW_STRV,
      GTK_WIDGET (self->libvirt_uris_row), GTK_WIDGET (self->libvirt_uris_row), self->libvirt_uris_note },
    { "containerd.address", CONFIG_ROW_STRING,
      GTK_WIDGET (self->containerd_address_row), GTK_WIDGET (self->containerd_address_row),
      self->containerd_address_note },
    { "containerd.namespace", CONFIG_ROW_STRING,
      GTK_WIDGET (self->containerd_namespace_row), GTK_WIDGET (self->containerd_namespace_row),
      self->containerd_namespace_note },
    { "providers.ollama.host", CONFIG_ROW_STRING,
      GTK_WIDGET (self->ollama_host_row), GTK_WIDGET (self->ollama_host_row), self->ollama_host_note },
    { "providers.bedrock.region", CONFIG_ROW_STRING,
      GTK_WIDGET (self->bedrock_region_row), GTK_WIDGET (self->bedrock_region_row), self->bedrock_region_note },
    { "providers.bedrock.profile", CONFIG_ROW_STRING,
      GTK_WIDGET (self->bedrock_profile_row), GTK_WIDGET (self->bedrock_profile_row), self->bedrock_profile_note },
    { "tmux.record_all_sessions", CONFIG_ROW_BOOLEAN,
      GTK_WIDGET (self->record_sessions_row), GTK_WIDGET (self->record_sessions_switch), NULL },
  };
  g_autofree char *path = hv_config_get_file (self->config, "config.toml");
  g_autofree char *display_path = NULL;
  const char *home = g_get_home_dir ();

  self->n_config_rows = G_N_ELEMENTS (rows);
  self->config_rows = g_memdup2 (rows, sizeof rows);

  for (guint i = 0; i < self->n_config_rows; i++)
    {
      ConfigRow *row = &self->config_rows[i];
      g_autofree char *signal = g_strconcat ("changed::", row->key, NULL);

      row->shown = g_strdup ("");
      hv_preferences_window_sync_row (self, row);
      g_signal_connect_object (self->config, signal,
                               G_CALLBACK (hv_preferences_window_config_changed), self, 0);

      if (row->kind == CONFIG_ROW_STRING || row->kind == CONFIG_ROW_STRV)
        {
          GtkEventController *focus = gtk_event_controller_focus_new ();

          g_signal_connect_object (focus, "leave",
                                   G_CALLBACK (hv_preferences_window_config_entry_focus_left), self,
                                   G_CONNECT_SWAPPED);
          gtk_widget_add_controller (row->row, focus);
        }
    }

  g_signal_connect_object (self->config, "reloaded",
                           G_CALLBACK (hv_preferences_window_config_reloaded), self,
                           G_CONNECT_SWAPPED);

  /* The file the page edits, as a person would type it. */
  if (home != NULL && g_str_has_prefix (path, home) && path[strlen (home)] == G_DIR_SEPARATOR)
    display_path = g_strconcat ("~", path + strlen (home), NULL);
  else
    display_path = g_strdup (path);
  adw_action_row_set_subtitle (self->config_file_row, display_path);
}

static void
hv_preferences_window_constructed (GObject *object)
{
  HvPreferencesWindow *self = HV_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (hv_preferences_window_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                hv_preferences_window_style_from_setting,
                                hv_preferences_window_style_to_setting,
                                NULL, NULL);
  g_settings_bind (self->settings, "restore-tabs",
                   self->restore_tabs_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "confirm-close",
                   self->confirm_close_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  g_assert (HV_IS_CONFIG (self->config));

  hv_preferences_window_setup_config_page (self);
}

static void
hv_preferences_window_dispose (GObject *object)
{
  HvPreferencesWindow *self = HV_PREFERENCES_WINDOW (object);

  g_clear_handle_id (&self->sync_source, g_source_remove);

  /* The rows point into the template: drop them with it. */
  for (guint i = 0; i < self->n_config_rows; i++)
    g_free (self->config_rows[i].shown);
  g_clear_pointer (&self->config_rows, g_free);
  self->n_config_rows = 0;

  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (hv_preferences_window_parent_class)->dispose (object);
}

static void
hv_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HvPreferencesWindow *self = HV_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HvPreferencesWindow *self = HV_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_preferences_window_class_init (HvPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hv_preferences_window_constructed;
  object_class->dispose = hv_preferences_window_dispose;
  object_class->get_property = hv_preferences_window_get_property;
  object_class->set_property = hv_preferences_window_set_property;

  /**
   * HvPreferencesWindow:settings:
   *
   * The application settings the rows edit.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * HvPreferencesWindow:config:
   *
   * The configuration the Configuration page shows; it writes config.toml in its folder.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL,
                         HV_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/hv-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, restore_tabs_switch);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, confirm_close_switch);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, vm_backend_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, libvirt_uris_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, libvirt_uris_note);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, containerd_address_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, containerd_address_note);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, containerd_namespace_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, containerd_namespace_note);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, ollama_host_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, ollama_host_note);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, bedrock_region_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, bedrock_region_note);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, bedrock_profile_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, bedrock_profile_note);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, record_sessions_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, record_sessions_switch);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, config_file_row);
  gtk_widget_class_bind_template_callback (widget_class, hv_preferences_window_config_entry_applied);
  gtk_widget_class_bind_template_callback (widget_class, hv_preferences_window_config_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, hv_preferences_window_vm_backend_selected);
  gtk_widget_class_bind_template_callback (widget_class, hv_preferences_window_record_sessions_toggled);

  gtk_widget_class_install_action (widget_class, "prefs.open-config-folder", NULL,
                                   hv_preferences_window_open_config_folder_action);
}

static void
hv_preferences_window_init (HvPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * hv_preferences_window_new:
 * @parent: (nullable): the window to open over
 * @settings: the application settings
 * @config: the configuration, whose config.toml the Configuration page edits
 *
 * Returns: (transfer none): a new preferences window, not yet shown
 */
HvPreferencesWindow *
hv_preferences_window_new (GtkWindow *parent,
                           GSettings *settings,
                           HvConfig  *config)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (HV_IS_CONFIG (config), NULL);

  return g_object_new (HV_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "settings", settings,
                       "config", config,
                       NULL);
}

/**
 * hv_preferences_window_get_settings:
 * @self: a #HvPreferencesWindow
 *
 * Returns: (transfer none): the settings the window edits
 */
GSettings *
hv_preferences_window_get_settings (HvPreferencesWindow *self)
{
  g_return_val_if_fail (HV_IS_PREFERENCES_WINDOW (self), NULL);

  return self->settings;
}

/**
 * hv_preferences_window_get_config:
 * @self: a #HvPreferencesWindow
 *
 * Returns: (transfer none): the configuration the window edits
 */
HvConfig *
hv_preferences_window_get_config (HvPreferencesWindow *self)
{
  g_return_val_if_fail (HV_IS_PREFERENCES_WINDOW (self), NULL);

  return self->config;
}

/**
 * hv_preferences_window_get_config_row:
 * @self: a #HvPreferencesWindow
 * @key: a key of config.toml, like "providers.ollama.host"
 *
 * Finds the row of the Configuration page that edits @key: an #AdwEntryRow for text and
 * lists (comma-separated), an #AdwComboRow for a choice, an #AdwActionRow whose
 * activatable widget is a #GtkSwitch for a boolean.
 *
 * Returns: (transfer none) (nullable): the row, or %NULL if the page has none for @key
 */
GtkWidget *
hv_preferences_window_get_config_row (HvPreferencesWindow *self,
                                      const char          *key)
{
  g_return_val_if_fail (HV_IS_PREFERENCES_WINDOW (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < self->n_config_rows; i++)
    {
      if (g_str_equal (self->config_rows[i].key, key))
        return self->config_rows[i].row;
    }
  return NULL;
}
