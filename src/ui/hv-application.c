// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-application-private.h"
#include "hv-config.h"
#include "hv-first-frame.h"
#include "hv-paths.h"
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

  HvTmuxServer   *tmux_server;
  HvVmManager    *vm_manager;
  GCancellable   *cancellable;
  GHashTable     *expected_sessions;  /* session name → HvWindow* that asked for it */
  gboolean        sessions_listed;    /* the first listing of the server is in the model */
  gboolean        following_tmux;     /* the server is followed (after the first frame) */
  gboolean        tabs_restored;
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
  /* Ctrl+Shift+N is New Chat. */
  { "app.new-window", { "<Primary><Alt>n", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "app.shortcuts", { "<Primary>question", NULL } },
  { "app.quit", { "<Primary>q", NULL } },
};

/* ---------------------------------------------------------------------------------------
 * Sessions and their tabs: each session has at most one tab, in any of the windows.
 * ------------------------------------------------------------------------------------- */

/* The window new tabs go to: the focused main window, or the last one focused. */
static HvWindow *
hv_application_get_main_window (HvApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (HV_IS_WINDOW (active))
    return HV_WINDOW (active);

  /* The list is in the order the windows were last focused. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (HV_IS_WINDOW (l->data))
      return HV_WINDOW (l->data);

  return NULL;
}

static AdwTabPage *
hv_application_find_tab (HvApplication  *self,
                         HvTmuxSession  *session,
                         HvWindow      **out_window)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      AdwTabPage *page;

      if (!HV_IS_WINDOW (l->data))
        continue;

      page = hv_window_find_session_page (HV_WINDOW (l->data), session);
      if (page != NULL)
        {
          if (out_window != NULL)
            *out_window = HV_WINDOW (l->data);
          return page;
        }
    }
  return NULL;
}

/**
 * _hv_application_show_session:
 * @window: (nullable): where to open the tab if the session has none; %NULL for the
 *   focused main window
 * @select: whether to bring the tab forward and focus its terminal
 *
 * Opens a tab for @session unless one of the windows has it already.
 */
void
_hv_application_show_session (HvApplication *self,
                              HvTmuxSession *session,
                              HvWindow      *window,
                              gboolean       select)
{
  HvWindow *owner = NULL;
  AdwTabPage *page;

  g_return_if_fail (HV_IS_APPLICATION (self));
  g_return_if_fail (HV_IS_TMUX_SESSION (session));

  page = hv_application_find_tab (self, session, &owner);
  if (page == NULL)
    {
      owner = window != NULL ? window : hv_application_get_main_window (self);
      if (owner == NULL)
        return;
      page = hv_window_open_session (owner, session, select);
    }

  if (select)
    {
      hv_window_select_page (owner, page);
      gtk_window_present (GTK_WINDOW (owner));
    }
}

/**
 * _hv_application_expect_session:
 * @name: the name of a session being created
 * @window: the window to open it in, selected, when it appears in the model
 */
void
_hv_application_expect_session (HvApplication *self,
                                const char    *name,
                                HvWindow      *window)
{
  HvTmuxSession *session;

  g_return_if_fail (HV_IS_APPLICATION (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (HV_IS_WINDOW (window));

  session = hv_tmux_server_lookup_session (self->tmux_server, name);
  if (session != NULL)
    {
      _hv_application_show_session (self, session, window, TRUE);
      return;
    }

  g_hash_table_insert (self->expected_sessions, g_strdup (name), window);
}

static void
hv_application_restore_tabs (HvApplication *self)
{
  GListModel *sessions;
  HvWindow *window;
  guint n;

  if (!self->sessions_listed || self->tabs_restored)
    return;

  window = hv_application_get_main_window (self);
  if (window == NULL)
    return;

  self->tabs_restored = TRUE;

  /* Otherwise they are only listed in the Sessions section. */
  if (!g_settings_get_boolean (hv_application_get_settings (self), "restore-tabs"))
    return;

  sessions = hv_tmux_server_get_sessions (self->tmux_server);
  n = g_list_model_get_n_items (sessions);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvTmuxSession) session = g_list_model_get_item (sessions, i);

      _hv_application_show_session (self, session, window, FALSE);
    }
}

static void
hv_application_sessions_changed (HvApplication *self,
                                 guint          position,
                                 guint          removed,
                                 guint          added,
                                 GListModel    *sessions)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(HvTmuxSession) session = g_list_model_get_item (sessions, i);
      const char *name = hv_tmux_session_get_name (session);
      HvWindow *window = NULL;
      gpointer key;

      if (name != NULL && g_hash_table_steal_extended (self->expected_sessions, name, &key, (gpointer *) &window))
        {
          g_free (key);
          _hv_application_show_session (self, session, window, TRUE);
          continue;
        }

      /* The sessions there at start are the restored tabs' business. A session started
       * later by someone else (the command line, an agent) gets a tab in the background. */
      if (self->sessions_listed && self->tabs_restored)
        _hv_application_show_session (self, session, NULL, FALSE);
    }
}

static void
hv_application_sessions_listed (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(HvApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hv_tmux_server_refresh_finish (HV_TMUX_SERVER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Cannot list the tmux sessions: %s", error->message);
    }

  self->sessions_listed = TRUE;
  hv_application_restore_tabs (self);
}

/* New sessions are recorded when tmux.record_all_sessions says so, by this binary's
 * `record` subcommand (as the command line does). */
static void
hv_application_update_recorder (HvApplication *self)
{
  g_autofree char *self_path = NULL;

  if (hv_config_get_boolean (self->config, "tmux.record_all_sessions"))
    self_path = hv_paths_get_program ();

  hv_tmux_server_set_recorder (self->tmux_server, self_path, NULL, hv_config_get_dir (self->config));
}

static void
hv_application_start_tmux (HvApplication *self)
{
  const char *socket_name = hv_config_get_string (self->config, "tmux.socket_name");
  const char *prefix = hv_config_get_string (self->config, "tmux.session_prefix");

  g_assert (self->tmux_server == NULL);

  self->tmux_server = hv_tmux_server_new (socket_name, prefix);
  g_signal_connect_object (hv_tmux_server_get_sessions (self->tmux_server), "items-changed",
                           G_CALLBACK (hv_application_sessions_changed), self,
                           G_CONNECT_SWAPPED);
  hv_application_update_recorder (self);
  g_signal_connect_object (self->config, "changed::tmux.record_all_sessions",
                           G_CALLBACK (hv_application_update_recorder), self,
                           G_CONNECT_SWAPPED);
}

/* Following the server spawns tmux and reads its answers: that waits until the first
 * window has been drawn, so it never delays the first frame. */
static void
hv_application_follow_tmux (HvApplication *self)
{
  if (self->following_tmux)
    return;
  self->following_tmux = TRUE;
  hv_tmux_server_start (self->tmux_server);

  /* The listing that decides which tabs come back (the server start also lists, but
   * does not say when it is done). */
  hv_tmux_server_refresh_async (self->tmux_server, self->cancellable,
                                hv_application_sessions_listed, g_object_ref (self));
}

static void
hv_application_first_paint (GdkFrameClock *clock,
                            HvApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, hv_application_first_paint, self);
  hv_application_follow_tmux (self);
  /* Connecting lists the VMs of every connection, also after the first frame. */
  hv_vm_manager_connect_all (self->vm_manager);

  /* Only X11 window managers read the icon from the window (others take it from the
   * desktop file). Setting it renders the SVG at several sizes through librsvg, which
   * would delay the first frame by about a fifth. */
  gtk_window_set_default_icon_name (APP_ID);
}

static void
hv_application_first_map (GtkWidget     *window,
                          HvApplication *self)
{
  g_signal_handlers_disconnect_by_func (window, hv_application_first_map, self);
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (hv_application_first_paint), self, 0);
}

static gboolean
hv_application_forget_window (gpointer key,
                              gpointer value,
                              gpointer user_data)
{
  return value == user_data;
}

static void
hv_application_window_removed (GtkApplication *app,
                               GtkWindow      *window)
{
  HvApplication *self = HV_APPLICATION (app);

  g_hash_table_foreach_remove (self->expected_sessions, hv_application_forget_window, window);

  GTK_APPLICATION_CLASS (hv_application_parent_class)->window_removed (app, window);
}

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
      if (!self->following_tmux)
        g_signal_connect_object (window, "map", G_CALLBACK (hv_application_first_map), self, 0);
    }

  gtk_window_present (window);
  hv_application_restore_tabs (self);
}

static void
hv_application_load_icon_theme (GTask        *task,
                                gpointer      source,
                                gpointer      task_data,
                                GCancellable *cancellable)
{
  g_autoptr(GtkIconPaintable) icon = NULL;

  /* The first lookup reads the index of every folder of the icon themes (~15 ms). */
  icon = gtk_icon_theme_lookup_icon (task_data, "list-add-symbolic", NULL, 16, 1, GTK_TEXT_DIR_NONE, 0);
  g_task_return_boolean (task, TRUE);
}

/* Lookups in GTK 4's icon theme may run on other threads once the theme exists (made here,
 * on the main thread): its index is read on a worker while the window is built, and the
 * window's first lookup waits for it. Measured: the first frame ~10–20 ms sooner. */
static void
hv_application_preload_icon_theme (HvApplication *self)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GTask) task = NULL;

  if (display == NULL)
    return;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, hv_application_preload_icon_theme);
  g_task_set_task_data (task, g_object_ref (gtk_icon_theme_get_for_display (display)), g_object_unref);
  g_task_run_in_thread (task, hv_application_load_icon_theme);
}

static void
hv_application_startup (GApplication *app)
{
  HvApplication *self = HV_APPLICATION (app);

  G_APPLICATION_CLASS (hv_application_parent_class)->startup (app);
  hv_application_preload_icon_theme (self);

  hv_application_load_config (self);
  hv_application_start_tmux (self);
  self->vm_manager = hv_vm_manager_new_from_config (self->config);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           app_accels[i].action, app_accels[i].accels);

  g_signal_connect_object (hv_application_get_settings (self), "changed::color-scheme",
                           G_CALLBACK (hv_application_apply_color_scheme), self,
                           G_CONNECT_SWAPPED);
  hv_application_apply_color_scheme (self);
}

static void
hv_application_shutdown (GApplication *app)
{
  HvApplication *self = HV_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  if (self->tmux_server != NULL)
    hv_tmux_server_stop (self->tmux_server);

  G_APPLICATION_CLASS (hv_application_parent_class)->shutdown (app);
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
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->tmux_server);
  g_clear_object (&self->vm_manager);
  g_clear_pointer (&self->expected_sessions, g_hash_table_unref);

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
  app_class->shutdown = hv_application_shutdown;

  gtk_app_class->window_added = hv_application_window_added;
  gtk_app_class->window_removed = hv_application_window_removed;
}

static void
hv_application_init (HvApplication *self)
{
  self->error_toasts = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->expected_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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

/**
 * hv_application_get_vm_manager:
 * @self: a #HvApplication
 *
 * Returns: (transfer none): every VM of every configured connection
 */
HvVmManager *
hv_application_get_vm_manager (HvApplication *self)
{
  g_return_val_if_fail (HV_IS_APPLICATION (self), NULL);

  return self->vm_manager;
}

/**
 * hv_application_get_tmux_server:
 * @self: a #HvApplication
 *
 * Gets the tmux server whose sessions are the terminal tabs: the one named by
 * tmux.socket_name in config.toml at startup (the user's default server when empty),
 * with the sessions whose names start with tmux.session_prefix.
 *
 * Returns: (transfer none) (nullable): the #HvTmuxServer, %NULL before startup
 */
HvTmuxServer *
hv_application_get_tmux_server (HvApplication *self)
{
  g_return_val_if_fail (HV_IS_APPLICATION (self), NULL);

  return self->tmux_server;
}
