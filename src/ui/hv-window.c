// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-application-private.h"
#include "hv-chat-page.h"
#include "hv-models-page.h"
#include "hv-new-vm-dialog.h"
#include "hv-paths.h"
#include "hv-recording-row-private.h"
#include "hv-replay-page.h"
#include "hv-sessions-list.h"
#include "hv-terminal-page.h"
#include "hv-vm-page.h"
#include "hv-vms-list.h"
#include "hv-window.h"

struct _HvWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GBinding             *title_binding;
  GtkWindow            *shortcuts_window;
  int                   sidebar_min_width;
  int                   sidebar_max_width;
  HvTmuxServer         *server;
  GCancellable         *cancellable;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkLabel             *new_terminal_accel;
  GtkLabel             *new_chat_accel;
  GtkPaned             *paned;
  AdwViewStack         *sections;
  AdwWindowTitle       *section_title;
  AdwWindowTitle       *content_title;
  GtkStack             *content_stack;
  AdwTabView           *tab_view;
  HvVmsList            *vms_list;
  AdwBin               *models_bin;
  AdwBin               *sessions_bin;

  /* The Models and Sessions sections are built after the first frame (or when first
   * shown): not needed for it, they cost a tenth of the time to it. */
  HvSessionsList       *sessions_list;
  HvModelsPage         *models_page;
  guint                 build_sections_id;
};

G_DEFINE_FINAL_TYPE (HvWindow, hv_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define NEW_TERMINAL_KEY  GDK_KEY_t
#define NEW_TERMINAL_MODS (GDK_CONTROL_MASK | GDK_SHIFT_MASK)
#define NEW_CHAT_KEY      GDK_KEY_n
#define NEW_CHAT_MODS     (GDK_CONTROL_MASK | GDK_SHIFT_MASK)

/* The "New …" actions still disabled until their backends land; the buttons'
 * tooltips tell the user which part brings each one. */
static const char * const new_item_actions[] = {
  "win.new-container",
};

/* Taken in the capture phase, before a terminal sends the keys to its program. */
static const struct {
  const char *trigger;
  const char *action;
  const char *target;
} window_shortcuts[] = {
  { "<Control><Shift>t", "win.new-terminal", NULL },
  { "<Control><Shift>n", "win.new-chat", NULL },
  { "<Control><Shift>w", "win.close-tab", NULL },
  { "<Control>1", "win.show-section", "'vms'" },
  { "<Control>2", "win.show-section", "'containers'" },
  { "<Control>3", "win.show-section", "'models'" },
  { "<Control>4", "win.show-section", "'sessions'" },
};

/* How many "term-N" ids New Terminal tries when others appear meanwhile. */
#define NEW_TERMINAL_ATTEMPTS 8

static void
hv_window_tabs_changed (HvWindow *self)
{
  gboolean has_tabs;

  /* The tab view notifies while the template is disposed. */
  if (self->content_stack == NULL || self->tab_view == NULL)
    return;

  has_tabs = adw_tab_view_get_n_pages (self->tab_view) > 0;

  gtk_stack_set_visible_child_name (self->content_stack, has_tabs ? "tabs" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-tab", has_tabs);
}

static void
hv_window_unbind_title (HvWindow *self)
{
  GBinding *binding = self->title_binding;

  /* A weak pointer: the binding goes away by itself with its page. */
  if (binding != NULL)
    {
      g_clear_weak_pointer (&self->title_binding);
      g_binding_unbind (binding);
    }
}

static void
hv_window_selected_page_changed (HvWindow *self)
{
  AdwTabPage *page;

  hv_window_unbind_title (self);

  if (self->content_title == NULL || self->tab_view == NULL)
    return;

  page = adw_tab_view_get_selected_page (self->tab_view);
  if (page != NULL)
    adw_tab_page_set_needs_attention (page, FALSE);
  if (page != NULL)
    g_set_weak_pointer (&self->title_binding,
                        g_object_bind_property (page, "title",
                                                self->content_title, "title",
                                                G_BINDING_SYNC_CREATE));
  else
    adw_window_title_set_title (self->content_title, "");
}

static void
hv_window_new_item_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  /* Disabled until the backend behind each item exists. */
  g_debug ("%s is not available yet", action_name);
}

static const char *
hv_window_get_section (HvWindow *self)
{
  const char *name = NULL;

  /* The section buttons read the action state while the template is built,
   * and an action's string state cannot be NULL. */
  if (self->sections != NULL)
    name = adw_view_stack_get_visible_child_name (self->sections);

  return name != NULL ? name : "";
}

static void
hv_window_set_section (HvWindow   *self,
                       const char *name)
{
  if (name == NULL || adw_view_stack_get_child_by_name (self->sections, name) == NULL)
    {
      g_debug ("No sidebar section named “%s”", name ? name : "(null)");
      return;
    }

  /* Notifies through hv_window_section_changed(). */
  adw_view_stack_set_visible_child_name (self->sections, name);
}

static HvSessionsList *
hv_window_ensure_sessions_list (HvWindow *self)
{
  g_autofree char *recordings = NULL;

  if (self->sessions_list != NULL || self->sessions_bin == NULL)
    return self->sessions_list;

  self->sessions_list = g_object_new (HV_TYPE_SESSIONS_LIST, "tab-view", self->tab_view, NULL);
  adw_bin_set_child (self->sessions_bin, GTK_WIDGET (self->sessions_list));

  /* Where the application's tmux server records (hv_tmux_server_set_recorder() without a
   * folder), read from when the recordings are first shown. */
  recordings = hv_paths_get_data_subdir ("sessions");
  hv_recordings_list_set_folder (hv_sessions_list_get_recordings_list (self->sessions_list), recordings);
  if (self->server != NULL)
    {
      hv_sessions_list_set_model (self->sessions_list, hv_tmux_server_get_sessions (self->server));
      hv_recordings_list_set_session_prefix (hv_sessions_list_get_recordings_list (self->sessions_list),
                                             hv_tmux_server_get_prefix (self->server));
    }
  return self->sessions_list;
}

static HvModelsPage *
hv_window_ensure_models_page (HvWindow *self)
{
  if (self->models_page != NULL || self->models_bin == NULL)
    return self->models_page;

  self->models_page = g_object_new (HV_TYPE_MODELS_PAGE, NULL);
  adw_bin_set_child (self->models_bin, GTK_WIDGET (self->models_page));
  return self->models_page;
}

static gboolean
hv_window_build_sections (gpointer user_data)
{
  HvWindow *self = user_data;

  /* One per turn, each a few milliseconds. */
  if (self->sessions_list == NULL)
    {
      hv_window_ensure_sessions_list (self);
      return G_SOURCE_CONTINUE;
    }
  hv_window_ensure_models_page (self);
  self->build_sections_id = 0;
  return G_SOURCE_REMOVE;
}

static void
hv_window_first_paint (GdkFrameClock *clock,
                       HvWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, hv_window_first_paint, self);
  if (self->build_sections_id == 0 && (self->sessions_list == NULL || self->models_page == NULL))
    self->build_sections_id = g_idle_add_full (G_PRIORITY_LOW, hv_window_build_sections, self, NULL);
}

static void
hv_window_map (GtkWidget *widget)
{
  HvWindow *self = HV_WINDOW (widget);

  GTK_WIDGET_CLASS (hv_window_parent_class)->map (widget);

  if (self->sessions_list == NULL || self->models_page == NULL)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (hv_window_first_paint), self, 0);
}

static void
hv_window_section_changed (HvWindow *self)
{
  GtkWidget *child;

  /* The view stack notifies while the template is disposed. */
  if (self->sections == NULL || self->section_title == NULL)
    return;

  child = adw_view_stack_get_visible_child (self->sections);
  if (child == GTK_WIDGET (self->sessions_bin))
    hv_window_ensure_sessions_list (self);
  else if (child == GTK_WIDGET (self->models_bin))
    hv_window_ensure_models_page (self);
  if (child != NULL)
    adw_window_title_set_title (self->section_title,
                                adw_view_stack_page_get_title (adw_view_stack_get_page (self->sections, child)));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECTION]);
}

/* GtkApplication would build gtk/help-overlay.ui for every new window; this
 * window builds its shortcuts window only when it is first asked for. */
static void
hv_window_show_help_overlay_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder = NULL;

      builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/hv-shortcuts-window.ui");
      self->shortcuts_window = g_object_ref (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
    }

  gtk_window_present (self->shortcuts_window);
}

static void
hv_window_close_tab_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);

  if (page != NULL)
    adw_tab_view_close_page (self->tab_view, page);
}

/* ---------------------------------------------------------------------------------------
 * Terminal tabs
 * ------------------------------------------------------------------------------------- */

static void
hv_window_toast (HvWindow   *self,
                 const char *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static gboolean
hv_window_has_session (HvWindow      *self,
                       HvTmuxSession *session)
{
  GListModel *sessions = hv_tmux_server_get_sessions (self->server);
  guint n = g_list_model_get_n_items (sessions);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvTmuxSession) item = g_list_model_get_item (sessions, i);

      if (item == session)
        return TRUE;
    }
  return FALSE;
}

static gboolean
hv_window_tab_view_has_page (AdwTabView *view,
                             AdwTabPage *page)
{
  int n = adw_tab_view_get_n_pages (view);

  for (int i = 0; i < n; i++)
    if (adw_tab_view_get_nth_page (view, i) == page)
      return TRUE;
  return FALSE;
}

/* The tab showing @child, if it is (still) one of this window's. */
static AdwTabPage *
hv_window_find_page (HvWindow  *self,
                     GtkWidget *child)
{
  int n = adw_tab_view_get_n_pages (self->tab_view);

  for (int i = 0; i < n; i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);

      if (adw_tab_page_get_child (page) == child)
        return page;
    }
  return NULL;
}

/* Closes @page without asking: its session ended, or its client was detached. */
static void
hv_window_close_page_quietly (HvWindow   *self,
                              AdwTabPage *page)
{
  AdwMessageDialog *dialog = g_object_get_data (G_OBJECT (page), "hv-close-dialog");

  /* A close confirmation is open for it: nothing is left to decide. */
  if (dialog != NULL)
    {
      adw_message_dialog_response (dialog, "detach");
      return;
    }

  g_object_set_data (G_OBJECT (page), "hv-close-quietly", GINT_TO_POINTER (TRUE));
  adw_tab_view_close_page (self->tab_view, page);
}

typedef struct {
  AdwTabView *view;
  AdwTabPage *page;
  HvTmuxServer *server;
  char *name;
  gboolean answered;
} CloseRequest;

static void
close_request_free (gpointer  data,
                    GClosure *closure)
{
  CloseRequest *request = data;

  g_clear_object (&request->view);
  g_clear_object (&request->page);
  g_clear_object (&request->server);
  g_free (request->name);
  g_free (request);
}

static void
hv_window_kill_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HvWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  out = hv_tmux_server_command_finish (HV_TMUX_SERVER (source), result, &error);
  if (error != NULL && !g_error_matches (error, HV_TMUX_ERROR, HV_TMUX_ERROR_NO_SUCH_SESSION) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s says why. */
      g_autofree char *message = g_strdup_printf (_("Cannot kill the session: %s"), error->message);

      if (self != NULL && self->toast_overlay != NULL)
        hv_window_toast (self, message);
      else
        g_warning ("%s", message);
    }
}

static void
hv_window_close_dialog_response (AdwMessageDialog *dialog,
                                 const char       *response,
                                 CloseRequest     *request)
{
  gboolean close = !g_str_equal (response, "cancel");

  if (request->answered)
    return;
  request->answered = TRUE;

  g_object_set_data (G_OBJECT (request->page), "hv-close-dialog", NULL);
  /* A response button closes the dialog itself, adw_message_dialog_response() does not. */
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (g_str_equal (response, "kill"))
    {
      GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (dialog));

      /* No cancellable: the user asked for it, it happens even if the window closes. */
      hv_tmux_server_kill_session_async (request->server, request->name, NULL,
                                         hv_window_kill_done,
                                         window != NULL ? g_object_ref (window) : NULL);
    }

  /* The window may have gone, with its tabs, while the dialog was open. */
  if (hv_window_tab_view_has_page (request->view, request->page))
    adw_tab_view_close_page_finish (request->view, request->page, close);
}

static gboolean
hv_window_close_page (HvWindow   *self,
                      AdwTabPage *page,
                      AdwTabView *view)
{
  GtkWidget *child = adw_tab_page_get_child (page);
  HvTmuxSession *session;
  CloseRequest *request;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (!HV_IS_TERMINAL_PAGE (child) ||
      g_object_get_data (G_OBJECT (page), "hv-close-quietly") != NULL ||
      !g_settings_get_boolean (self->settings, "confirm-close"))
    {
      adw_tab_view_close_page_finish (view, page, TRUE);
      return GDK_EVENT_STOP;
    }

  if (g_object_get_data (G_OBJECT (page), "hv-close-dialog") != NULL)
    return GDK_EVENT_STOP;

  session = hv_terminal_page_get_session (HV_TERMINAL_PAGE (child));
  request = g_new0 (CloseRequest, 1);
  request->view = g_object_ref (view);
  request->page = g_object_ref (page);
  request->server = g_object_ref (hv_terminal_page_get_server (HV_TERMINAL_PAGE (child)));
  request->name = g_strdup (hv_tmux_session_get_name (session));

  /* Translators: %s is a session name like "term-1". */
  body = g_strdup_printf (_("The session “%s” can keep running in the background, to reopen from Sessions, or end with everything running in it."),
                          hv_tmux_session_get_short_name (session));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Close Terminal?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "kill", _("_Kill Session"),
                                    "detach", _("_Detach"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "kill", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "detach", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "detach");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_signal_connect_data (dialog, "response", G_CALLBACK (hv_window_close_dialog_response),
                         request, close_request_free, 0);
  g_object_set_data (G_OBJECT (page), "hv-close-dialog", dialog);

  gtk_window_present (GTK_WINDOW (dialog));
  return GDK_EVENT_STOP;
}

static void
hv_window_terminal_activity (HvWindow       *self,
                             HvTerminalPage *terminal)
{
  AdwTabPage *page = hv_window_find_page (self, GTK_WIDGET (terminal));

  if (page != NULL && !adw_tab_page_get_selected (page))
    adw_tab_page_set_needs_attention (page, TRUE);
}

static void
hv_window_exited_refresh_done (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(HvTerminalPage) terminal = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  HvWindow *self;
  AdwTabPage *page;
  HvTmuxSession *session;

  if (!hv_tmux_server_refresh_finish (HV_TMUX_SERVER (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The tab may have moved to another window, or closed, meanwhile. */
  window = gtk_widget_get_ancestor (GTK_WIDGET (terminal), HV_TYPE_WINDOW);
  if (window == NULL)
    return;
  self = HV_WINDOW (window);
  page = hv_window_find_page (self, GTK_WIDGET (terminal));
  if (page == NULL)
    return;
  session = hv_terminal_page_get_session (terminal);

  if (hv_window_has_session (self, session))
    {
      /* Translators: %s is a session name like "term-1". */
      g_autofree char *message = g_strdup_printf (_("“%s” was detached. It keeps running under Sessions."),
                                                  hv_tmux_session_get_short_name (session));

      hv_window_toast (self, message);
    }
  hv_window_close_page_quietly (self, page);
}

/* The tmux client ended: the session ended (`exit`), was killed, or this client was
 * detached (from tmux, or by another client). Which one, a fresh listing says. */
static void
hv_window_terminal_exited (HvWindow       *self,
                           int             status,
                           HvTerminalPage *terminal)
{
  hv_tmux_server_refresh_async (self->server, self->cancellable,
                                hv_window_exited_refresh_done, g_object_ref (terminal));
}

static void
hv_window_page_attached (HvWindow   *self,
                         AdwTabPage *page,
                         int         position,
                         AdwTabView *view)
{
  GtkWidget *child = adw_tab_page_get_child (page);

  if (!HV_IS_TERMINAL_PAGE (child))
    return;

  g_signal_connect_object (child, "exited", G_CALLBACK (hv_window_terminal_exited), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (child, "activity", G_CALLBACK (hv_window_terminal_activity), self,
                           G_CONNECT_SWAPPED);
}

static void
hv_window_page_detached (HvWindow   *self,
                         AdwTabPage *page,
                         int         position,
                         AdwTabView *view)
{
  GtkWidget *child = adw_tab_page_get_child (page);

  /* Moved to another window, which takes over. */
  if (child != NULL)
    g_signal_handlers_disconnect_by_data (child, self);
}

/* A tab dragged out of the window opens in a new one. */
static AdwTabView *
hv_window_create_window (HvWindow   *self,
                         AdwTabView *view)
{
  HvWindow *window = hv_window_new (HV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

  gtk_window_present (GTK_WINDOW (window));
  return window->tab_view;
}

/* Sessions killed or ended, wherever that happened, take their tabs with them. */
static void
hv_window_sessions_changed (HvWindow   *self,
                            guint       position,
                            guint       removed,
                            guint       added,
                            GListModel *sessions)
{
  if (removed == 0 || self->tab_view == NULL)
    return;

  for (int i = adw_tab_view_get_n_pages (self->tab_view) - 1; i >= 0; i--)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      GtkWidget *child = adw_tab_page_get_child (page);

      if (HV_IS_TERMINAL_PAGE (child) &&
          !hv_window_has_session (self, hv_terminal_page_get_session (HV_TERMINAL_PAGE (child))))
        hv_window_close_page_quietly (self, page);
    }
}

static gboolean
hv_window_session_name_taken (HvWindow   *self,
                              const char *id)
{
  g_autofree char *name = hv_tmux_server_session_name (self->server, id);

  return hv_tmux_server_lookup_session (self->server, name) != NULL;
}

static char *
hv_window_next_terminal_id (HvWindow *self,
                            guint     after)
{
  for (guint i = after + 1; ; i++)
    {
      g_autofree char *id = g_strdup_printf ("term-%u", i);

      if (!hv_window_session_name_taken (self, id))
        return g_steal_pointer (&id);
    }
}

typedef struct {
  HvWindow *self;
  guint number;
  guint attempts;
} NewTerminal;

static void hv_window_create_terminal (HvWindow    *self,
                                       NewTerminal *data);

static void
hv_window_new_session_done (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  NewTerminal *data = user_data;
  g_autoptr(HvWindow) self = data->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  name = hv_tmux_server_new_session_finish (HV_TMUX_SERVER (source), result, &error);
  if (name == NULL)
    {
      if (g_error_matches (error, HV_TMUX_ERROR, HV_TMUX_ERROR_EXISTS) && ++data->attempts < NEW_TERMINAL_ATTEMPTS)
        {
          /* Someone took that name since the model was listed: try the next one. */
          data->self = g_steal_pointer (&self);
          hv_window_create_terminal (data->self, data);
          return;
        }

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s says why, like "tmux: command not found". */
          g_autofree char *message = g_strdup_printf (_("Cannot open a terminal: %s"), error->message);

          hv_window_toast (self, message);
        }
      g_free (data);
      return;
    }

  g_free (data);
  _hv_application_expect_session (HV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                  name, self);
}

static void
hv_window_create_terminal (HvWindow    *self,
                           NewTerminal *data)
{
  g_autofree char *id = hv_window_next_terminal_id (self, data->number);
  AdwTabPage *selected = adw_tab_view_get_selected_page (self->tab_view);
  guint cols = 0, rows = 0;

  sscanf (id, "term-%u", &data->number);

  /* The size of the terminal now in view, which the new one will have too. */
  if (selected != NULL && HV_IS_TERMINAL_PAGE (adw_tab_page_get_child (selected)))
    {
      VteTerminal *terminal = hv_terminal_page_get_terminal (HV_TERMINAL_PAGE (adw_tab_page_get_child (selected)));

      cols = (guint) vte_terminal_get_column_count (terminal);
      rows = (guint) vte_terminal_get_row_count (terminal);
    }

  hv_tmux_server_new_session_async (self->server, id, NULL, g_get_home_dir (), NULL, cols, rows,
                                    self->cancellable, hv_window_new_session_done, data);
}

static void
hv_window_new_terminal_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);
  NewTerminal *data;

  if (self->server == NULL)
    return;

  data = g_new0 (NewTerminal, 1);
  data->self = g_object_ref (self);
  hv_window_create_terminal (self, data);
}

static void
hv_window_new_chat_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  hv_chat_page_open_new (HV_WINDOW (widget), NULL);
}

static void
hv_window_open_session_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  HvTmuxSession *session;

  if (self->server == NULL)
    return;

  session = hv_tmux_server_lookup_session (self->server, name);
  if (session == NULL)
    {
      g_debug ("No session “%s” to open", name);
      return;
    }

  _hv_application_show_session (HV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                session, self, TRUE);
}

static void
hv_window_kill_dialog_response (AdwMessageDialog *dialog,
                                const char       *response,
                                HvWindow         *self)
{
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (dialog), "hv-session-name"));

  g_signal_handlers_disconnect_by_func (dialog, hv_window_kill_dialog_response, self);
  /* A response button closes the dialog itself, adw_message_dialog_response() does not. */
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (g_str_equal (response, "kill") && self->server != NULL)
    hv_tmux_server_kill_session_async (self->server, name, NULL, hv_window_kill_done, g_object_ref (self));
}

static void
hv_window_kill_session_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  HvTmuxSession *session;
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  if (self->server == NULL)
    return;

  session = hv_tmux_server_lookup_session (self->server, name);
  if (session == NULL)
    return;

  /* Translators: %s is a session name like "term-1". */
  heading = g_strdup_printf (_("Kill Session “%s”?"), hv_tmux_session_get_short_name (session));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Every program running in it ends, and its tab closes.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "kill", _("_Kill Session"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "kill", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "hv-session-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (hv_window_kill_dialog_response), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------------------------------
 * Recordings
 * ------------------------------------------------------------------------------------- */

static HvRecordingsList *
hv_window_get_recordings_list (HvWindow *self)
{
  HvSessionsList *list = hv_window_ensure_sessions_list (self);

  return list != NULL ? hv_sessions_list_get_recordings_list (list) : NULL;
}

/* The replay tab of @path in any window of the application, and its window. */
static AdwTabPage *
hv_window_find_replay_anywhere (HvWindow    *self,
                                const char  *path,
                                HvWindow   **out_window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app == NULL)
    {
      *out_window = self;
      return hv_window_find_replay_page (self, path);
    }

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    {
      AdwTabPage *page;

      if (!HV_IS_WINDOW (l->data) || HV_WINDOW (l->data)->tab_view == NULL)
        continue;
      page = hv_window_find_replay_page (HV_WINDOW (l->data), path);
      if (page != NULL)
        {
          *out_window = HV_WINDOW (l->data);
          return page;
        }
    }
  return NULL;
}

/* Brings the replay tab of @path forward, wherever it is; FALSE when there is none. */
static gboolean
hv_window_show_replay (HvWindow   *self,
                       const char *path)
{
  HvWindow *owner = NULL;
  AdwTabPage *page = hv_window_find_replay_anywhere (self, path, &owner);

  if (page == NULL)
    return FALSE;

  hv_window_select_page (owner, page);
  if (owner != self)
    gtk_window_present (GTK_WINDOW (owner));
  return TRUE;
}

static void
hv_window_recording_read (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(HvWindow) self = user_data;
  g_autoptr(HvRecording) recording = NULL;
  g_autoptr(GError) error = NULL;

  recording = hv_recording_new_for_path_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->tab_view == NULL)
    return;

  if (recording == NULL)
    {
      /* Translators: %s says why. */
      g_autofree char *message = g_strdup_printf (_("Cannot play the recording: %s"), error->message);

      hv_window_toast (self, message);
      return;
    }

  /* Opened meanwhile, by a second click. */
  if (!hv_window_show_replay (self, hv_recording_get_path (recording)))
    hv_window_open_recording (self, recording);
}

static void
hv_window_open_recording_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  HvRecording *recording;

  if (hv_window_show_replay (self, path))
    return;

  recording = hv_recordings_list_lookup (hv_window_get_recordings_list (self), path);
  if (recording != NULL)
    {
      hv_window_open_recording (self, recording);
      return;
    }

  /* Not listed (yet): its header is read on a worker first. */
  hv_recording_new_for_path_async (path, self->cancellable, hv_window_recording_read, g_object_ref (self));
}

static void
hv_window_recording_deleted (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(HvWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hv_recording_delete_files_finish (result, &error))
    {
      /* Translators: %s says why. */
      g_autofree char *message = g_strdup_printf (_("Cannot delete the recording: %s"), error->message);

      if (self->toast_overlay != NULL)
        hv_window_toast (self, message);
      else
        g_warning ("%s", message);
    }

  /* Without waiting for the folder's monitor. */
  if (hv_window_get_recordings_list (self) != NULL)
    hv_recordings_list_reload (hv_window_get_recordings_list (self));
}

static void
hv_window_delete_dialog_response (AdwMessageDialog *dialog,
                                  const char       *response,
                                  HvWindow         *self)
{
  g_autofree char *path = g_strdup (g_object_get_data (G_OBJECT (dialog), "hv-recording-path"));
  HvWindow *owner = NULL;
  AdwTabPage *page;

  g_signal_handlers_disconnect_by_func (dialog, hv_window_delete_dialog_response, self);
  /* A response button closes the dialog itself, adw_message_dialog_response() does not. */
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (!g_str_equal (response, "delete"))
    return;

  /* Its replay closes with it. */
  page = hv_window_find_replay_anywhere (self, path, &owner);
  if (page != NULL)
    adw_tab_view_close_page (owner->tab_view, page);

  /* No cancellable: the user asked for it, it happens even if the window closes. */
  hv_recording_delete_files_async (path, NULL, hv_window_recording_deleted, g_object_ref (self));
}

static void
hv_window_delete_recording_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  HvRecording *recording = hv_recordings_list_lookup (hv_window_get_recordings_list (self), path);
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (!g_str_has_suffix (path, ".cast"))
    {
      g_debug ("“%s” is not a recording", path);
      return;
    }

  if (recording != NULL)
    {
      g_autofree char *started = _hv_recording_row_format_started (hv_recording_get_started (recording));
      g_autofree char *duration = _hv_recording_row_format_duration (hv_recording_get_duration (recording));
      const char *prefix = hv_recordings_list_get_session_prefix (hv_window_get_recordings_list (self));

      /* Translators: a session name like "term-1", when its recording started, how long it lasted. */
      body = g_strdup_printf (_("The recording of “%s” from %s (%s) is deleted for good, with its transcript and the scrollback saved when the session ended."),
                              _hv_recording_row_short_name (recording, prefix), started, duration);
    }
  else
    {
      g_autofree char *name = g_path_get_basename (path);

      /* Translators: %s is a file name. */
      body = g_strdup_printf (_("The recording %s is deleted for good, with its transcript and the scrollback saved when the session ended."),
                              name);
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Delete Recording?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "hv-recording-path", g_strdup (path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (hv_window_delete_dialog_response), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* Virtual machines */

static AdwTabPage *
hv_window_find_vm_page (HvWindow *self,
                        HvVm     *vm)
{
  guint n = adw_tab_view_get_n_pages (self->tab_view);

  for (guint i = 0; i < n; i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      GtkWidget *child = adw_tab_page_get_child (page);

      if (HV_IS_VM_PAGE (child) && hv_vm_page_get_vm (HV_VM_PAGE (child)) == vm)
        return page;
    }
  return NULL;
}

/**
 * hv_window_open_vm:
 * @self: a #HvWindow
 * @vm: the VM
 *
 * Selects the tab of @vm's page, opening one if there is none.
 *
 * Returns: (transfer none): the tab
 */
AdwTabPage *
hv_window_open_vm (HvWindow *self,
                   HvVm     *vm)
{
  HvApplication *app = HV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  AdwTabPage *page;
  GtkWidget *child;
  guint interval = 1000;

  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);
  g_return_val_if_fail (HV_IS_VM (vm), NULL);

  if ((page = hv_window_find_vm_page (self, vm)) == NULL)
    {
      if (app != NULL)
        interval = (guint) hv_config_get_int (hv_application_get_config (app), "interface.refresh_interval_ms");
      child = hv_vm_page_new (vm, interval);
      page = adw_tab_view_append (self->tab_view, child);
      adw_tab_page_set_icon (page, g_themed_icon_new ("computer-symbolic"));
      g_object_bind_property (vm, "name", page, "title", G_BINDING_SYNC_CREATE);
      g_object_bind_property (vm, "connection", page, "tooltip", G_BINDING_SYNC_CREATE);
    }
  adw_tab_view_set_selected_page (self->tab_view, page);
  return page;
}

static void
hv_window_open_vm_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);
  HvApplication *app = HV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  const char *connection, *name;
  HvVm *vm;

  g_variant_get (parameter, "(&s&s)", &connection, &name);
  if (app == NULL)
    return;
  vm = hv_vm_manager_find_vm (hv_application_get_vm_manager (app), connection, name);
  if (vm != NULL)
    hv_window_open_vm (self, vm);
}

static void
hv_window_vm_created (HvWindow *self,
                      HvVm     *vm)
{
  hv_window_set_section (self, "vms");
  hv_window_open_vm (self, vm);
}

static void
hv_window_new_vm_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  HvWindow *self = HV_WINDOW (widget);
  HvApplication *app = HV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  HvNewVmDialog *dialog;

  if (app == NULL)
    return;
  dialog = hv_new_vm_dialog_new (GTK_WINDOW (self), hv_application_get_vm_manager (app),
                                 hv_application_get_config (app));
  g_signal_connect_object (dialog, "created", G_CALLBACK (hv_window_vm_created), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
hv_window_console_session_done (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(HvWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = hv_tmux_server_new_session_finish (HV_TMUX_SERVER (source), result, &error);

  if (name == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Cannot open the console: %s"), error->message);

          hv_window_toast (self, message);
        }
      return;
    }
  _hv_application_expect_session (HV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                  name, self);
}

/**
 * hv_window_open_vm_console:
 * @self: a #HvWindow
 * @vm: a running VM
 *
 * Opens a terminal tab on @vm's serial console. The console runs in a tmux session of its
 * own ("console-NAME"), recorded like any other; an open one is selected instead.
 */
void
hv_window_open_vm_console (HvWindow *self,
                           HvVm     *vm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) id = NULL;
  g_autofree char *session_name = NULL;
  g_auto(GStrv) argv = NULL;
  HvTmuxSession *session;
  HvVmBackend *backend;

  g_return_if_fail (HV_IS_WINDOW (self));
  g_return_if_fail (HV_IS_VM (vm));

  backend = hv_vm_get_backend (vm);
  if (self->server == NULL || backend == NULL)
    return;

  /* tmux takes '.' as a window.pane separator: VM names may have one, session ids not. */
  id = g_string_new ("console-");
  g_string_append (id, hv_vm_get_name (vm));
  g_string_replace (id, ".", "_", 0);
  session_name = hv_tmux_server_session_name (self->server, id->str);
  if ((session = hv_tmux_server_lookup_session (self->server, session_name)) != NULL)
    {
      /* Its tab, wherever it is, or a new one here. */
      _hv_application_show_session (HV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                    session, self, TRUE);
      return;
    }

  argv = hv_vm_backend_get_console_argv (backend, vm, &error);
  if (argv == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot open the console: %s"), error->message);

      hv_window_toast (self, message);
      return;
    }
  hv_tmux_server_new_session_async (self->server, id->str, (const char * const *) argv, g_get_home_dir (),
                                    NULL, 0, 0, self->cancellable, hv_window_console_session_done,
                                    g_object_ref (self));
}

static void
hv_window_set_server (HvWindow     *self,
                      HvTmuxServer *server)
{
  g_assert (self->server == NULL);

  self->server = g_object_ref (server);
  g_signal_connect_object (hv_tmux_server_get_sessions (server), "items-changed",
                           G_CALLBACK (hv_window_sessions_changed), self,
                           G_CONNECT_SWAPPED);
  if (self->sessions_list != NULL)
    {
      hv_sessions_list_set_model (self->sessions_list, hv_tmux_server_get_sessions (server));
      hv_recordings_list_set_session_prefix (hv_window_get_recordings_list (self), hv_tmux_server_get_prefix (server));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-terminal", TRUE);
}

/* The schema limits sidebar-width to a range, and g_settings_bind() treats an
 * out-of-range value as a programming error: keep the divider inside it. */
static void
hv_window_paned_position_changed (HvWindow *self)
{
  int position = gtk_paned_get_position (self->paned);

  if (position > self->sidebar_max_width)
    gtk_paned_set_position (self->paned, self->sidebar_max_width);
}

static GVariant *
hv_window_sidebar_width_to_setting (const GValue       *value,
                                    const GVariantType *expected_type,
                                    gpointer            user_data)
{
  HvWindow *self = HV_WINDOW (user_data);

  return g_variant_new_int32 (CLAMP (g_value_get_int (value),
                                     self->sidebar_min_width,
                                     self->sidebar_max_width));
}

static gboolean
hv_window_sidebar_width_from_setting (GValue   *value,
                                      GVariant *variant,
                                      gpointer  user_data)
{
  g_value_set_int (value, g_variant_get_int32 (variant));
  return TRUE;
}

static void
hv_window_load_settings (HvWindow  *self,
                         GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) limits = NULL;
  const char *range_kind = NULL;

  g_assert (self->settings == NULL);

  self->settings = g_object_ref (settings);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_object_get (settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, "sidebar-width");
  range = g_settings_schema_key_get_range (key);
  g_variant_get (range, "(&sv)", &range_kind, &limits);
  if (g_strcmp0 (range_kind, "range") == 0)
    g_variant_get (limits, "(ii)", &self->sidebar_min_width, &self->sidebar_max_width);

  g_settings_bind_with_mapping (settings, "sidebar-width",
                                self->paned, "position",
                                G_SETTINGS_BIND_DEFAULT,
                                hv_window_sidebar_width_from_setting,
                                hv_window_sidebar_width_to_setting,
                                self, NULL);
  g_signal_connect_object (self->paned, "notify::position",
                           G_CALLBACK (hv_window_paned_position_changed), self,
                           G_CONNECT_SWAPPED);
}

static gboolean
hv_window_close_request (GtkWindow *window)
{
  HvWindow *self = HV_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);

      g_settings_delay (self->settings);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
      g_settings_apply (self->settings);
    }

  return GTK_WINDOW_CLASS (hv_window_parent_class)->close_request (window);
}

static void
hv_window_dispose (GObject *object)
{
  HvWindow *self = HV_WINDOW (object);

  hv_window_unbind_title (self);
  g_clear_handle_id (&self->build_sections_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    g_settings_unbind (self->paned, "position");

  if (self->shortcuts_window != NULL)
    {
      gtk_window_destroy (self->shortcuts_window);
      g_clear_object (&self->shortcuts_window);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_WINDOW);

  g_clear_object (&self->settings);
  g_clear_object (&self->server);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hv_window_parent_class)->dispose (object);
}

static void
hv_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HvWindow *self = HV_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SECTION:
      g_value_set_string (value, hv_window_get_section (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HvWindow *self = HV_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SECTION:
      hv_window_set_section (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_window_class_init (HvWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  
  object_class->dispose = hv_window_dispose;
  GTK_WIDGET_CLASS (klass)->map = hv_window_map;
  object_class->get_property = hv_window_get_property;
  object_class->set_property = hv_window_set_property;
  window_class->close_request = hv_window_close_request;

  /**
   * HvWindow:section:
   *
   * The name of the sidebar section shown: "vms", "containers", "models"
   * or "sessions". The stateful action `win.show-section` sets it.
   */
  properties[PROP_SECTION] =
    g_param_spec_string ("section", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HvWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, new_terminal_accel);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, new_chat_accel);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, sections);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, section_title);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, sessions_bin);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, models_bin);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, vms_list);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_section_changed);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_close_page);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_page_attached);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_page_detached);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_create_window);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_tabs_changed);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_selected_page_changed);

  g_type_ensure (HV_TYPE_SESSIONS_LIST);
  g_type_ensure (HV_TYPE_MODELS_PAGE);
  g_type_ensure (HV_TYPE_VMS_LIST);

  for (guint i = 0; i < G_N_ELEMENTS (new_item_actions); i++)
    gtk_widget_class_install_action (widget_class, new_item_actions[i], NULL,
                                     hv_window_new_item_action);
  gtk_widget_class_install_action (widget_class, "win.new-terminal", NULL,
                                   hv_window_new_terminal_action);
  gtk_widget_class_install_action (widget_class, "win.new-vm", NULL, hv_window_new_vm_action);
  gtk_widget_class_install_action (widget_class, "win.open-vm", "(ss)", hv_window_open_vm_action);
  gtk_widget_class_install_action (widget_class, "win.new-chat", NULL,
                                   hv_window_new_chat_action);
  gtk_widget_class_install_action (widget_class, "win.open-session", "s",
                                   hv_window_open_session_action);
  gtk_widget_class_install_action (widget_class, "win.kill-session", "s",
                                   hv_window_kill_session_action);
  gtk_widget_class_install_action (widget_class, "win.open-recording", "s",
                                   hv_window_open_recording_action);
  gtk_widget_class_install_action (widget_class, "win.delete-recording", "s",
                                   hv_window_delete_recording_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-section", "section");
  gtk_widget_class_install_action (widget_class, "win.close-tab", NULL,
                                   hv_window_close_tab_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   hv_window_show_help_overlay_action);
}

static void
hv_window_init (HvWindow *self)
{
  g_autofree char *accel = NULL;
  GtkEventController *shortcuts;

  /* Until hv_window_load_settings() reads the schema's range. */
  self->sidebar_min_width = 0;
  self->sidebar_max_width = G_MAXINT;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < G_N_ELEMENTS (new_item_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), new_item_actions[i], FALSE);
  /* Until the window has the application's tmux server. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-terminal", FALSE);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (window_shortcuts); i++)
    {
      GtkShortcutAction *action = gtk_named_action_new (window_shortcuts[i].action);
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (window_shortcuts[i].trigger),
                                                action);

      if (window_shortcuts[i].target != NULL)
        gtk_shortcut_set_arguments (shortcut, g_variant_new_parsed (window_shortcuts[i].target));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), shortcut);
    }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  /* Shown like a menu's accelerator, in the user's language. */
  accel = gtk_accelerator_get_label (NEW_TERMINAL_KEY, NEW_TERMINAL_MODS);
  gtk_label_set_label (self->new_terminal_accel, accel);
  g_clear_pointer (&accel, g_free);
  accel = gtk_accelerator_get_label (NEW_CHAT_KEY, NEW_CHAT_MODS);
  gtk_label_set_label (self->new_chat_accel, accel);

  hv_window_section_changed (self);
  hv_window_tabs_changed (self);
}

/**
 * hv_window_new:
 * @app: the #HvApplication
 *
 * Creates a window of @app, sized and laid out as the user left the last
 * one (from the application's settings). The window is not yet shown.
 *
 * Returns: (transfer none): the new window, owned by its toplevel list
 */
HvWindow *
hv_window_new (HvApplication *app)
{
  HvWindow *self;

  g_return_val_if_fail (HV_IS_APPLICATION (app), NULL);

  self = g_object_new (HV_TYPE_WINDOW, "application", app, NULL);
  hv_window_load_settings (self, hv_application_get_settings (app));
  if (hv_application_get_tmux_server (app) != NULL)
    hv_window_set_server (self, hv_application_get_tmux_server (app));
  hv_vms_list_set_manager (self->vms_list, hv_application_get_vm_manager (app));

  return self;
}

/**
 * hv_window_get_tab_view:
 * @self: a #HvWindow
 *
 * Returns: (transfer none): the tab view of the content area
 */
AdwTabView *
hv_window_get_tab_view (HvWindow *self)
{
  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);

  return self->tab_view;
}

/**
 * hv_window_get_sections:
 * @self: a #HvWindow
 *
 * Returns: (transfer none): the view stack of the sidebar, with the pages
 *   "vms", "containers", "models" and "sessions"
 */
AdwViewStack *
hv_window_get_sections (HvWindow *self)
{
  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);

  return self->sections;
}

/**
 * hv_window_get_sessions_list:
 * @self: a #HvWindow
 *
 * Returns: (transfer none): the Sessions section (built now if it was not yet)
 */
HvSessionsList *
hv_window_get_sessions_list (HvWindow *self)
{
  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);
  return hv_window_ensure_sessions_list (self);
}

/**
 * hv_window_get_models_page:
 * @self: a #HvWindow
 *
 * Returns: (transfer none): the Models section (built now if it was not yet)
 */
HvModelsPage *
hv_window_get_models_page (HvWindow *self)
{
  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);
  return hv_window_ensure_models_page (self);
}

/**
 * hv_window_add_toast:
 * @self: a #HvWindow
 * @toast: (transfer full): the toast to show
 *
 * Shows @toast over the window's content.
 */
void
hv_window_add_toast (HvWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (HV_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * hv_window_find_session_page:
 * @self: a #HvWindow
 * @session: a tmux session
 *
 * Returns: (transfer none) (nullable): the tab of @session in this window
 */
AdwTabPage *
hv_window_find_session_page (HvWindow      *self,
                             HvTmuxSession *session)
{
  int n;

  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);
  g_return_val_if_fail (HV_IS_TMUX_SESSION (session), NULL);

  n = adw_tab_view_get_n_pages (self->tab_view);
  for (int i = 0; i < n; i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      GtkWidget *child = adw_tab_page_get_child (page);

      if (HV_IS_TERMINAL_PAGE (child) && hv_terminal_page_get_session (HV_TERMINAL_PAGE (child)) == session &&
          g_object_get_data (G_OBJECT (page), "hv-close-quietly") == NULL)
        return page;
    }
  return NULL;
}

static gboolean
recording_to_icon (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      user_data)
{
  if (g_value_get_boolean (from))
    g_value_take_object (to, g_themed_icon_new ("media-record-symbolic"));
  else
    g_value_set_object (to, NULL);
  return TRUE;
}

/**
 * hv_window_open_session:
 * @self: a #HvWindow
 * @session: a session of the application's tmux server
 * @select: whether to select the new tab and focus its terminal
 *
 * Opens a terminal tab attached to @session. Callers make sure no other window has one
 * (the application keeps one tab per session).
 *
 * Returns: (transfer none): the new tab
 */
AdwTabPage *
hv_window_open_session (HvWindow      *self,
                        HvTmuxSession *session,
                        gboolean       select)
{
  HvTerminalPage *terminal;
  AdwTabPage *page;

  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);
  g_return_val_if_fail (HV_IS_TMUX_SESSION (session), NULL);
  g_return_val_if_fail (self->server != NULL, NULL);

  terminal = hv_terminal_page_new (self->server, session);
  page = adw_tab_view_append (self->tab_view, GTK_WIDGET (terminal));

  g_object_bind_property (session, "title", page, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (session, "name", page, "tooltip", G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (session, "recording", page, "indicator-icon", G_BINDING_SYNC_CREATE,
                               recording_to_icon, NULL, NULL, NULL);
  adw_tab_page_set_indicator_tooltip (page, _("Recording"));
  g_object_bind_property (terminal, "attached", page, "loading",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);

  if (select)
    hv_window_select_page (self, page);

  return page;
}

/**
 * hv_window_select_page:
 * @self: a #HvWindow
 * @page: a tab of the window
 *
 * Brings @page forward and gives its content the keyboard focus.
 */
void
hv_window_select_page (HvWindow   *self,
                       AdwTabPage *page)
{
  g_return_if_fail (HV_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TAB_PAGE (page));

  adw_tab_view_set_selected_page (self->tab_view, page);
  gtk_widget_grab_focus (adw_tab_page_get_child (page));
}

/**
 * hv_window_find_replay_page:
 * @self: a #HvWindow
 * @path: a recording's `.cast` file
 *
 * Returns: (transfer none) (nullable): the tab playing @path in this window
 */
AdwTabPage *
hv_window_find_replay_page (HvWindow   *self,
                            const char *path)
{
  int n;

  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  n = adw_tab_view_get_n_pages (self->tab_view);
  for (int i = 0; i < n; i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      GtkWidget *child = adw_tab_page_get_child (page);

      if (HV_IS_REPLAY_PAGE (child) &&
          g_strcmp0 (hv_recording_get_path (hv_replay_page_get_recording (HV_REPLAY_PAGE (child))), path) == 0)
        return page;
    }
  return NULL;
}

/**
 * hv_window_open_recording:
 * @self: a #HvWindow
 * @recording: a session recording
 *
 * Opens a tab playing @recording, selected. Callers make sure no window has one already
 * (`win.open-recording` does).
 *
 * Returns: (transfer none): the new tab
 */
AdwTabPage *
hv_window_open_recording (HvWindow    *self,
                          HvRecording *recording)
{
  const char *prefix;
  HvReplayPage *replay;
  AdwTabPage *page;
  g_autoptr(GIcon) icon = NULL;
  g_autofree char *title = NULL;
  g_autofree char *tooltip = NULL;

  g_return_val_if_fail (HV_IS_WINDOW (self), NULL);
  g_return_val_if_fail (HV_IS_RECORDING (recording), NULL);

  prefix = hv_recordings_list_get_session_prefix (hv_window_get_recordings_list (self));
  replay = hv_replay_page_new (recording, prefix);
  page = adw_tab_view_append (self->tab_view, GTK_WIDGET (replay));

  title = hv_replay_page_dup_title (replay);
  /* Translators: the tooltip of a replay tab: its session, then its file. */
  tooltip = g_markup_printf_escaped (_("Recording of tmux session %s\n%s"),
                                     hv_recording_get_title (recording), hv_recording_get_path (recording));
  icon = g_themed_icon_new ("media-playback-start-symbolic");
  adw_tab_page_set_title (page, title);
  adw_tab_page_set_tooltip (page, tooltip);  /* markup */
  adw_tab_page_set_icon (page, icon);
  g_object_bind_property (replay, "loading", page, "loading", G_BINDING_SYNC_CREATE);

  hv_window_select_page (self, page);
  return page;
}
