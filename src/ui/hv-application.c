// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-application.h"
#include "hv-config.h"
#include "hv-first-frame.h"
#include "hv-preferences-window.h"
#include "hv-window.h"

struct _HvApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  HvConfig       *config;
  char           *load_error;     /* why the first load failed, until a window shows it */
  gboolean        config_broken;  /* the files on disk are not the configuration in effect */
  GPtrArray      *error_toasts;   /* AdwToast*, shown and not yet dismissed */
};

G_DEFINE_FINAL_TYPE (HvApplication, hv_application, ADW_TYPE_APPLICATION)

/* The window to open dialogs over: the focused one, or none. */
static GtkWindow *
hv_application_get_parent_window (HvApplication *self)
{
  return gtk_application_get_active_window (GTK_APPLICATION (self));
}

/* A configuration error on one line, with the files named relative to the config folder. */
static char *
hv_application_describe_config_error (HvApplication *self,
                                      const char    *message)
{
  g_autofree char *dir = g_strconcat (hv_config_get_dir (self->config), G_DIR_SEPARATOR_S, NULL);
  g_autoptr(GString) line = g_string_new (message);

  g_string_replace (line, dir, "", 0);
  g_string_replace (line, "\n", " ", 0);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static void
hv_application_error_toast_dismissed (AdwToast      *toast,
                                      HvApplication *self)
{
  /* Windows that outlive the application dismiss their toasts after its dispose. */
  if (self->error_toasts != NULL)
    g_ptr_array_remove (self->error_toasts, toast);
}

/* Shows @title in @window: the main windows and the preferences, where the user may have
 * just saved the change that broke the file. An error toast offers the details (a toast
 * is one line) and stays until it times out or the configuration loads again. */
static void
hv_application_add_config_toast (HvApplication *self,
                                 GtkWindow     *window,
                                 const char    *title,
                                 gboolean       is_error)
{
  /* A toast's title is markup, and configuration messages quote the user's text. */
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  AdwToast *toast;

  if (!HV_IS_WINDOW (window) && !ADW_IS_PREFERENCES_WINDOW (window))
    return;

  toast = adw_toast_new (escaped);
  if (is_error)
    {
      adw_toast_set_timeout (toast, 8);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_set_button_label (toast, _("Details"));
      adw_toast_set_action_name (toast, "app.show-config-errors");
      g_ptr_array_add (self->error_toasts, g_object_ref (toast));
      g_signal_connect_object (toast, "dismissed",
                               G_CALLBACK (hv_application_error_toast_dismissed), self, 0);
    }

  if (HV_IS_WINDOW (window))
    hv_window_add_toast (HV_WINDOW (window), toast);
  else
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), toast);
}

static void
hv_application_dismiss_error_toasts (HvApplication *self)
{
  g_autoptr(GPtrArray) toasts = g_steal_pointer (&self->error_toasts);

  self->error_toasts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < toasts->len; i++)
    adw_toast_dismiss (g_ptr_array_index (toasts, i));
}

static void
hv_application_toast_all (HvApplication *self,
                          const char    *title,
                          gboolean       is_error)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    hv_application_add_config_toast (self, l->data, title, is_error);
}

static void
hv_application_config_reload_failed (HvApplication *self,
                                     const GError  *error)
{
  g_autofree char *description = hv_application_describe_config_error (self, error->message);
  g_autofree char *title = NULL;

  self->config_broken = TRUE;
  /* Translators: %s says what is wrong and where, like "config.toml:12:18: expected …". */
  title = g_strdup_printf (_("Configuration not reloaded: %s"), description);
  /* Each save of a broken file replaces the toasts rather than queue up behind them. */
  hv_application_dismiss_error_toasts (self);
  hv_application_toast_all (self, title, TRUE);
}

static void
hv_application_config_reloaded (HvApplication *self)
{
  if (!self->config_broken)
    return;

  self->config_broken = FALSE;
  g_clear_pointer (&self->load_error, g_free);
  hv_application_dismiss_error_toasts (self);
  hv_application_toast_all (self, _("Configuration reloaded"), FALSE);
}

static void
hv_application_load_config (HvApplication *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (self->config == NULL);

  self->config = hv_config_new (NULL);
  if (!hv_config_load (self->config, &error))
    {
      /* The defaults are in effect. The command line reports problems on stderr; the
       * window shows this one as soon as there is a window. */
      self->config_broken = TRUE;
      self->load_error = g_strdup (error->message);
    }

  g_signal_connect_object (self->config, "reload-failed",
                           G_CALLBACK (hv_application_config_reload_failed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->config, "reloaded",
                           G_CALLBACK (hv_application_config_reloaded), self,
                           G_CONNECT_SWAPPED);
  hv_config_watch (self->config);
}

static void
hv_application_window_added (GtkApplication *app,
                             GtkWindow      *window)
{
  HvApplication *self = HV_APPLICATION (app);

  GTK_APPLICATION_CLASS (hv_application_parent_class)->window_added (app, window);

  if (self->load_error != NULL && HV_IS_WINDOW (window))
    {
      g_autofree char *message = g_steal_pointer (&self->load_error);
      g_autofree char *description = hv_application_describe_config_error (self, message);
      g_autofree char *title = NULL;

      /* Translators: %s says what is wrong and where, like "config.toml:12:18: expected …". */
      title = g_strdup_printf (_("Configuration not loaded, using defaults: %s"), description);
      hv_application_add_config_toast (self, window, title, TRUE);
    }
}

/* The whole story behind an error toast: every problem of the last load, with where it is. */
static void
hv_application_show_config_errors_action (GSimpleAction *action,
                                          GVariant      *parameter,
                                          gpointer       user_data)
{
  HvApplication *self = HV_APPLICATION (user_data);
  GPtrArray *diagnostics = hv_config_get_diagnostics (self->config);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  if (self->config_broken)
    g_string_append (body, _("Hydravisor keeps using the last configuration that loaded until these problems are fixed."));
  else
    g_string_append (body, _("The configuration loads. These are the problems of the last attempt."));

  for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
    {
      g_autofree char *text = hv_config_diagnostic_format (g_ptr_array_index (diagnostics, i));
      g_autofree char *line = hv_application_describe_config_error (self, text);

      g_string_append_printf (body, "\n\n%s", line);
    }

  dialog = adw_message_dialog_new (hv_application_get_parent_window (self),
                                   _("Configuration Problems"), body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
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

  /* One preferences window at a time (its shortcut works inside it too). */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (HV_IS_PREFERENCES_WINDOW (l->data))
        {
          gtk_window_present (l->data);
          return;
        }
    }

  preferences = hv_preferences_window_new (hv_application_get_parent_window (self),
                                           hv_application_get_settings (self),
                                           hv_application_get_config (self));
  /* One of the application's windows: it gets the configuration's toasts too. */
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
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
  { .name = "show-config-errors", .activate = hv_application_show_config_errors_action },
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

  hv_application_load_config (self);

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
  g_clear_object (&self->config);
  g_clear_pointer (&self->load_error, g_free);
  g_clear_pointer (&self->error_toasts, g_ptr_array_unref);

  G_OBJECT_CLASS (hv_application_parent_class)->dispose (object);
}

static void
hv_application_class_init (HvApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->constructed = hv_application_constructed;
  object_class->dispose = hv_application_dispose;

  app_class->activate = hv_application_activate;
  app_class->startup = hv_application_startup;

  gtk_app_class->window_added = hv_application_window_added;
}

static void
hv_application_init (HvApplication *self)
{
  self->error_toasts = g_ptr_array_new_with_free_func (g_object_unref);
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

/**
 * hv_application_get_config:
 * @self: a #HvApplication
 *
 * Gets the configuration (config.toml, ssh.toml, policy.toml) shared by every window,
 * loaded at startup and reloaded when the files change. When a file does not load, the
 * last good configuration (or the defaults) stays in effect and the windows say why.
 *
 * Returns: (transfer none) (nullable): the #HvConfig, %NULL before startup
 */
HvConfig *
hv_application_get_config (HvApplication *self)
{
  g_return_val_if_fail (HV_IS_APPLICATION (self), NULL);

  return self->config;
}
