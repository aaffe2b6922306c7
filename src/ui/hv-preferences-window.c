// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-preferences-window.h"

struct _HvPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwComboRow          *style_row;
  GtkSwitch            *restore_tabs_switch;
  GtkSwitch            *confirm_close_switch;
};

G_DEFINE_FINAL_TYPE (HvPreferencesWindow, hv_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
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
}

static void
hv_preferences_window_dispose (GObject *object)
{
  HvPreferencesWindow *self = HV_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);

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

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/hv-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, restore_tabs_switch);
  gtk_widget_class_bind_template_child (widget_class, HvPreferencesWindow, confirm_close_switch);
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
 *
 * Returns: (transfer none): a new preferences window, not yet shown
 */
HvPreferencesWindow *
hv_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (HV_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "settings", settings,
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
