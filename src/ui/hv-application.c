// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-application.h"
#include "hv-first-frame.h"
#include "hv-preferences-window.h"
#include "hv-window.h"

struct _HvApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (HvApplication, hv_application, ADW_TYPE_APPLICATION)

/* The window to open dialogs over: the focused one, or none. */
static GtkWindow *
hv_application_get_parent_window (HvApplication *self)
{
  return gtk_application_get_active_window (GTK_APPLICATION (self));
}

static void
hv_application_apply_color_scheme (HvApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static void
hv_application_new_window_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  HvWindow *window = hv_window_new (HV_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
}

static void
hv_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  HvApplication *self = HV_APPLICATION (user_data);
  HvPreferencesWindow *preferences;

  preferences = hv_preferences_window_new (hv_application_get_parent_window (self),
                                           hv_application_get_settings (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
hv_application_shortcuts_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  GtkWindow *window = hv_application_get_parent_window (HV_APPLICATION (user_data));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
hv_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  HvApplication *self = HV_APPLICATION (user_data);
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), hv_application_get_parent_window (self));
  adw_about_window_set_application_name (about, "Hydravisor");
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Hydravisor developers"));
  adw_about_window_set_comments (about,
                                 _("Run AI agents and people side by side in auditable sandboxes: "
                                   "terminal sessions, virtual machines, containers and chats with "
                                   "local or remote models, all in one window."));
  adw_about_window_set_website (about, "https://github.com/hydravisor/hydravisor");
  adw_about_window_set_issue_url (about, "https://github.com/hydravisor/hydravisor/issues");
  adw_about_window_set_copyright (about, _("© 2026 The Hydravisor developers"));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  /* Translators: replace with your names, one per line, to be credited in the About window. */
  adw_about_window_set_translator_credits (about, _("translator-credits"));

  gtk_window_present (GTK_WINDOW (about));
}

static void
hv_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));
  g_autoptr(GList) copy = g_list_copy (windows);

  /* Close the windows rather than stop the main loop, so each one saves its
   * state (and may ask to confirm); the application ends with the last one. */
  for (GList *l = copy; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static const GActionEntry app_entries[] = {
  { .name = "new-window", .activate = hv_application_new_window_action },
  { .name = "preferences", .activate = hv_application_preferences_action },
  { .name = "shortcuts", .activate = hv_application_shortcuts_action },
  { .name = "about", .activate = hv_application_about_action },
  { .name = "quit", .activate = hv_application_quit_action },
};

static const struct {
  const char *action;
  const char *accels[2];
} app_accels[] = {
  { "app.new-window", { "<Primary><Shift>n", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "app.shortcuts", { "<Primary>question", NULL } },
  { "app.quit", { "<Primary>q", NULL } },
};

static void
hv_application_activate (GApplication *app)
{
  HvApplication *self = HV_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (hv_window_new (self));
      /* The startup benchmark's probe; a no-op unless HYDRAVISOR_EXIT_AFTER_FIRST_FRAME is set. */
      hv_first_frame_watch (window);
    }

  gtk_window_present (window);
}

static void
hv_application_startup (GApplication *app)
{
  HvApplication *self = HV_APPLICATION (app);

  G_APPLICATION_CLASS (hv_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           app_accels[i].action, app_accels[i].accels);

  g_signal_connect_object (hv_application_get_settings (self), "changed::color-scheme",
                           G_CALLBACK (hv_application_apply_color_scheme), self,
                           G_CONNECT_SWAPPED);
  hv_application_apply_color_scheme (self);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
hv_application_constructed (GObject *object)
{
  G_OBJECT_CLASS (hv_application_parent_class)->constructed (object);

  /* The Devel build has another application id, but the same resources:
   * libadwaita loads style.css from under this path. */
  g_application_set_resource_base_path (G_APPLICATION (object), RESOURCE_PREFIX);
}

static void
hv_application_dispose (GObject *object)
{
  HvApplication *self = HV_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hv_application_parent_class)->dispose (object);
}

static void
hv_application_class_init (HvApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->constructed = hv_application_constructed;
  object_class->dispose = hv_application_dispose;

  app_class->activate = hv_application_activate;
  app_class->startup = hv_application_startup;
}

static void
hv_application_init (HvApplication *self)
{
}

HvApplication *
hv_application_new (const char        *application_id,
                    GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id == NULL || g_application_id_is_valid (application_id), NULL);

  return g_object_new (HV_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       NULL);
}

/**
 * hv_application_get_settings:
 * @self: a #HvApplication
 *
 * Gets the application's settings (schema `io.github.hydravisor.Hydravisor`),
 * shared by every window.
 *
 * Returns: (transfer none): the #GSettings
 */
GSettings *
hv_application_get_settings (HvApplication *self)
{
  g_return_val_if_fail (HV_IS_APPLICATION (self), NULL);

  if (self->settings == NULL)
    self->settings = g_settings_new (BASE_ID);

  return self->settings;
}
