// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "hv-host-command.h"
#include "hv-terminal-page-private.h"
#include "hv-window.h"

/* PCRE2 compile flags (pcre2.h is not a dependency of ours): VTE only accepts search
 * regexes compiled with MULTILINE. */
#define HV_PCRE2_CASELESS  0x00000008u
#define HV_PCRE2_MULTILINE 0x00000400u

#define DEFAULT_FONT "Monospace 11"

/* Output in a hidden tab is compared with what it showed when it was hidden, at most this
 * often; the first screen after attaching (tmux redraws everything) is not activity. */
#define ACTIVITY_CHECK_MS 150
#define ATTACH_SETTLE_US  (G_USEC_PER_SEC)

struct _HvTerminalPage
{
  GtkWidget       parent_instance;

  HvTmuxServer   *server;
  HvTmuxSession  *session;
  GCancellable   *cancellable;
  GSettings      *interface_settings;   /* org.gnome.desktop.interface, when installed */

  GPid            child_pid;
  gboolean        attached;
  gboolean        exited;

  guint           allocate_source;

  /* activity while hidden */
  guint           activity_source;
  char           *hidden_screen;
  gint64          settle_until;
  gboolean        activity;

  /* Template widgets */
  GtkWidget      *box;
  GtkSearchBar   *search_bar;
  GtkSearchEntry *search_entry;
  VteTerminal    *terminal;
  GMenuModel     *context_menu_model;
  GtkPopover     *context_menu;         /* built on the first right click */
};

G_DEFINE_FINAL_TYPE (HvTerminalPage, hv_terminal_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERVER,
  PROP_SESSION,
  PROP_ATTACHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  EXITED,
  ACTIVITY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const double zoom_steps[] = {
  0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0, 2.5, 3.0,
};

/* Two palettes after the GNOME colour palette: the light one darkened where the bright
 * colours would not read on white. Order: foreground, background, then the 16 colours. */
static const char * const light_palette[] = {
  "#241f31", "#ffffff",
  "#241f31", "#c01c28", "#26a269", "#a2734c", "#1a5fb4", "#813d9c", "#1c8a99", "#c0bfbc",
  "#5e5c64", "#e01b24", "#2ec27e", "#c88800", "#3584e4", "#9141ac", "#0a9cb8", "#f6f5f4",
};

static const char * const dark_palette[] = {
  "#f6f5f4", "#1e1e1e",
  "#3d3846", "#e01b24", "#2ec27e", "#f5c211", "#3584e4", "#c061cb", "#0ab9dc", "#c0bfbc",
  "#9a9996", "#f66151", "#57e389", "#f8e45c", "#62a0ea", "#dc8add", "#4fd2fd", "#ffffff",
};

/**
 * _hv_terminal_page_set_colors:
 *
 * Gives @terminal the palette of terminal tabs for the current light or dark style.
 */
void
_hv_terminal_page_set_colors (VteTerminal *terminal)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  const char * const *spec = dark ? dark_palette : light_palette;
  GdkRGBA foreground, background, palette[16];

  g_return_if_fail (VTE_IS_TERMINAL (terminal));

  gdk_rgba_parse (&foreground, spec[0]);
  gdk_rgba_parse (&background, spec[1]);
  for (guint i = 0; i < G_N_ELEMENTS (palette); i++)
    gdk_rgba_parse (&palette[i], spec[2 + i]);

  vte_terminal_set_colors (terminal, &foreground, &background, palette, G_N_ELEMENTS (palette));
}

static void
hv_terminal_page_update_colors (HvTerminalPage *self)
{
  if (self->terminal != NULL)
    _hv_terminal_page_set_colors (self->terminal);
}

/** _hv_terminal_page_interface_settings_new: Returns: (transfer full) (nullable): the desktop's font settings */
GSettings *
_hv_terminal_page_interface_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "monospace-font-name"))
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

/**
 * _hv_terminal_page_set_font:
 * @interface_settings: (nullable): from _hv_terminal_page_interface_settings_new()
 *
 * Gives @terminal the desktop's monospace font, like terminal tabs.
 */
void
_hv_terminal_page_set_font (VteTerminal *terminal,
                            GSettings   *interface_settings)
{
  g_autofree char *name = NULL;
  g_autoptr(PangoFontDescription) font = NULL;

  g_return_if_fail (VTE_IS_TERMINAL (terminal));

  if (interface_settings != NULL)
    name = g_settings_get_string (interface_settings, "monospace-font-name");
  if (name != NULL && name[0] != '\0')
    font = pango_font_description_from_string (name);
  if (font == NULL || pango_font_description_get_family (font) == NULL ||
      pango_font_description_get_size (font) <= 0)
    {
      g_clear_pointer (&font, pango_font_description_free);
      font = pango_font_description_from_string (DEFAULT_FONT);
    }

  vte_terminal_set_font (terminal, font);
}

static void
hv_terminal_page_update_font (HvTerminalPage *self)
{
  if (self->terminal != NULL)
    _hv_terminal_page_set_font (self->terminal, self->interface_settings);
}

/* ---------------------------------------------------------------------------------------
 * The tmux client
 * ------------------------------------------------------------------------------------- */

static void
hv_terminal_page_spawn_done (VteTerminal *terminal,
                             GPid         pid,
                             GError      *error,
                             gpointer     user_data)
{
  g_autoptr(HvTerminalPage) self = user_data;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->terminal == NULL)
        return;

      g_warning ("Cannot attach to tmux session “%s”: %s",
                 hv_tmux_session_get_name (self->session), error->message);
      self->exited = TRUE;
      g_signal_emit (self, signals[EXITED], 0, -1);
      return;
    }

  self->child_pid = pid;
  self->attached = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHED]);
}

static void
hv_terminal_page_spawn (HvTerminalPage *self)
{
  g_auto(GStrv) attach = hv_tmux_server_attach_argv (self->server, hv_tmux_session_get_name (self->session));
  g_auto(GStrv) argv = hv_host_command_wrap_argv ((const char * const *) attach);
  g_auto(GStrv) envp = hv_tmux_server_clean_environ (g_get_environ ());

  self->settle_until = g_get_monotonic_time () + ATTACH_SETTLE_US;

  /* VTE adds its own TERM, COLORTERM and VTE_VERSION. NO_PARENT_ENVV: the cleaned
   * environment replaces ours rather than add to it (TMUX must stay unset). */
  vte_terminal_spawn_async (self->terminal,
                            VTE_PTY_DEFAULT,
                            g_get_home_dir (),
                            argv,
                            envp,
                            G_SPAWN_SEARCH_PATH | VTE_SPAWN_NO_PARENT_ENVV,
                            NULL, NULL, NULL,
                            -1,
                            self->cancellable,
                            hv_terminal_page_spawn_done,
                            g_object_ref (self));
}

static void
hv_terminal_page_child_exited (HvTerminalPage *self,
                               int             status,
                               VteTerminal    *terminal)
{
  /* Closing the tab (which ends the client) is not news. */
  if (self->exited || g_cancellable_is_cancelled (self->cancellable))
    return;

  g_debug ("The tmux client of “%s” exited with status %d",
           hv_tmux_session_get_name (self->session), status);
  self->exited = TRUE;
  self->child_pid = 0;
  if (self->attached)
    {
      self->attached = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHED]);
    }
  g_signal_emit (self, signals[EXITED], 0, status);
}

/* ---------------------------------------------------------------------------------------
 * Activity in a hidden tab
 * ------------------------------------------------------------------------------------- */

/* The visible screen without its last line, where tmux's status line with its clock is. */
static char *
hv_terminal_page_dup_screen (HvTerminalPage *self)
{
  g_autofree char *text = vte_terminal_get_text (self->terminal, NULL, NULL, NULL);
  char *end;

  if (text == NULL)
    return g_strdup ("");

  end = text + strlen (text);
  while (end > text && end[-1] == '\n')
    end--;
  while (end > text && end[-1] != '\n')
    end--;
  *end = '\0';
  return g_steal_pointer (&text);
}

static gboolean
hv_terminal_page_check_activity (gpointer user_data)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (user_data);
  g_autofree char *screen = NULL;

  self->activity_source = 0;

  if (self->terminal == NULL || gtk_widget_get_mapped (GTK_WIDGET (self)) || self->activity)
    return G_SOURCE_REMOVE;

  screen = hv_terminal_page_dup_screen (self);
  if (self->hidden_screen == NULL || g_get_monotonic_time () < self->settle_until)
    {
      /* Still the first screen of the attach (tmux draws it in a few bursts, the shell
       * its prompt): this is what "nothing new" looks like. */
      g_free (self->hidden_screen);
      self->hidden_screen = g_steal_pointer (&screen);
      return G_SOURCE_REMOVE;
    }

  if (!g_str_equal (screen, self->hidden_screen))
    {
      self->activity = TRUE;
      g_signal_emit (self, signals[ACTIVITY], 0);
    }

  return G_SOURCE_REMOVE;
}

static void
hv_terminal_page_contents_changed (HvTerminalPage *self,
                                   VteTerminal    *terminal)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || self->activity || self->activity_source != 0)
    return;

  /* Coalesced: one look at the screen per burst of output. */
  self->activity_source = g_timeout_add (ACTIVITY_CHECK_MS, hv_terminal_page_check_activity, self);
}

static void
hv_terminal_page_map (GtkWidget *widget)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  GTK_WIDGET_CLASS (hv_terminal_page_parent_class)->map (widget);

  self->activity = FALSE;
  g_clear_handle_id (&self->activity_source, g_source_remove);
}

static void
hv_terminal_page_unmap (GtkWidget *widget)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  GTK_WIDGET_CLASS (hv_terminal_page_parent_class)->unmap (widget);

  /* What the user last saw: anything else printed from now on is activity. */
  if (self->terminal != NULL)
    {
      g_free (self->hidden_screen);
      self->hidden_screen = hv_terminal_page_dup_screen (self);
    }
}

/* ---------------------------------------------------------------------------------------
 * Find
 * ------------------------------------------------------------------------------------- */

static void
hv_terminal_page_search_changed (HvTerminalPage *self,
                                 GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(VteRegex) regex = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = NULL;
  guint32 flags = HV_PCRE2_MULTILINE;
  gboolean has_upper = FALSE;

  if (text[0] == '\0')
    {
      vte_terminal_search_set_regex (self->terminal, NULL, 0);
      vte_terminal_unselect_all (self->terminal);
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      return;
    }

  /* Literal text, case-insensitive unless the user typed a capital letter. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    has_upper |= g_unichar_isupper (g_utf8_get_char (p));
  if (!has_upper)
    flags |= HV_PCRE2_CASELESS;

  pattern = g_regex_escape_string (text, -1);
  regex = vte_regex_new_for_search (pattern, -1, flags, &error);
  if (regex == NULL)
    {
      g_debug ("Cannot search for “%s”: %s", text, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return;
    }

  vte_terminal_search_set_regex (self->terminal, regex, 0);
  vte_terminal_search_set_wrap_around (self->terminal, TRUE);
  /* The newest match first: the bottom of the screen is where the user looks. */
  if (!vte_terminal_search_find_previous (self->terminal))
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
}

static void
hv_terminal_page_search_next (HvTerminalPage *self)
{
  if (vte_terminal_search_get_regex (self->terminal) != NULL)
    vte_terminal_search_find_next (self->terminal);
}

static void
hv_terminal_page_search_previous (HvTerminalPage *self)
{
  if (vte_terminal_search_get_regex (self->terminal) != NULL)
    vte_terminal_search_find_previous (self->terminal);
}

static void
hv_terminal_page_search_activate (HvTerminalPage *self)
{
  hv_terminal_page_search_previous (self);
}

static void
hv_terminal_page_search_stop (HvTerminalPage *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
hv_terminal_page_search_mode_changed (HvTerminalPage *self)
{
  if (self->search_bar == NULL)
    return;

  if (gtk_search_bar_get_search_mode (self->search_bar))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
      gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
    }
  else
    {
      vte_terminal_search_set_regex (self->terminal, NULL, 0);
      gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
    }
}

/* ---------------------------------------------------------------------------------------
 * Actions
 * ------------------------------------------------------------------------------------- */

static void
hv_terminal_page_copy_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  if (vte_terminal_get_has_selection (self->terminal))
    vte_terminal_copy_clipboard_format (self->terminal, VTE_FORMAT_TEXT);
}

static void
hv_terminal_page_paste_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  vte_terminal_paste_clipboard (HV_TERMINAL_PAGE (widget)->terminal);
}

static void
hv_terminal_page_select_all_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  vte_terminal_select_all (HV_TERMINAL_PAGE (widget)->terminal);
}

static void
hv_terminal_page_zoom_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);
  double scale = vte_terminal_get_font_scale (self->terminal);
  guint nearest = 0;

  for (guint i = 1; i < G_N_ELEMENTS (zoom_steps); i++)
    if (fabs (zoom_steps[i] - scale) < fabs (zoom_steps[nearest] - scale))
      nearest = i;

  if (g_str_equal (action_name, "term.zoom-in"))
    nearest = MIN (nearest + 1, G_N_ELEMENTS (zoom_steps) - 1);
  else if (g_str_equal (action_name, "term.zoom-out"))
    nearest = nearest > 0 ? nearest - 1 : 0;
  else
    nearest = 5;   /* 1.0 */

  g_assert (zoom_steps[5] == 1.0);
  vte_terminal_set_font_scale (self->terminal, zoom_steps[nearest]);

  gtk_widget_action_set_enabled (widget, "term.zoom-in", nearest + 1 < G_N_ELEMENTS (zoom_steps));
  gtk_widget_action_set_enabled (widget, "term.zoom-out", nearest > 0);
}

static void
hv_terminal_page_find_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  if (gtk_search_bar_get_search_mode (self->search_bar))
    hv_terminal_page_search_mode_changed (self);   /* focus the entry again */
  else
    gtk_search_bar_set_search_mode (self->search_bar, TRUE);
}

static void
hv_terminal_page_find_next_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  if (g_str_equal (action_name, "term.find-next"))
    hv_terminal_page_search_next (self);
  else
    hv_terminal_page_search_previous (self);
}

static void
hv_terminal_page_split_done (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(HvTerminalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  GtkWidget *window;

  out = hv_tmux_server_command_finish (HV_TMUX_SERVER (source), result, &error);
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  window = gtk_widget_get_ancestor (GTK_WIDGET (self), HV_TYPE_WINDOW);
  if (window != NULL)
    {
      g_autofree char *title = NULL;
      g_autofree char *escaped = NULL;

      /* Translators: %s says why, like "no space for new pane". */
      title = g_strdup_printf (_("Cannot split the terminal: %s"), error->message);
      escaped = g_markup_escape_text (title, -1);
      hv_window_add_toast (HV_WINDOW (window), adw_toast_new (escaped));
    }
  else
    g_warning ("Cannot split the terminal: %s", error->message);
}

static void
hv_terminal_page_split_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);
  gboolean right = g_str_equal (action_name, "term.split-right");

  hv_tmux_server_split_window_async (self->server, hv_tmux_session_get_name (self->session), right,
                                     self->cancellable, hv_terminal_page_split_done, g_object_ref (self));
}

static void hv_terminal_page_context_menu_closed (HvTerminalPage *self);

static void
hv_terminal_page_context_click (HvTerminalPage  *self,
                                int              n_press,
                                double           x,
                                double           y,
                                GtkGestureClick *gesture)
{
  graphene_point_t point;

  if (!gtk_widget_compute_point (GTK_WIDGET (self->terminal), GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);

  if (self->context_menu == NULL)
    {
      self->context_menu = GTK_POPOVER (gtk_popover_menu_new_from_model (self->context_menu_model));
      gtk_popover_set_has_arrow (self->context_menu, FALSE);
      gtk_widget_set_halign (GTK_WIDGET (self->context_menu), GTK_ALIGN_START);
      gtk_widget_set_parent (GTK_WIDGET (self->context_menu), GTK_WIDGET (self));
      g_signal_connect_object (self->context_menu, "closed",
                               G_CALLBACK (hv_terminal_page_context_menu_closed), self,
                               G_CONNECT_SWAPPED);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.copy",
                                 vte_terminal_get_has_selection (self->terminal));
  gtk_popover_set_pointing_to (self->context_menu, &(GdkRectangle) { point.x, point.y, 1, 1 });
  gtk_popover_popup (self->context_menu);
}

static void
hv_terminal_page_context_menu_closed (HvTerminalPage *self)
{
  /* The keyboard shortcut copies whatever is selected when it is pressed. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.copy", TRUE);
}

/* ---------------------------------------------------------------------------------------
 * GtkWidget
 * ------------------------------------------------------------------------------------- */

static void
hv_terminal_page_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  gtk_widget_measure (self->box, orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
hv_terminal_page_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  gtk_widget_allocate (self->box, width, height, baseline, NULL);
  /* A popover child has to be placed by its parent. */
  if (self->context_menu != NULL && gtk_widget_get_visible (GTK_WIDGET (self->context_menu)))
    gtk_popover_present (self->context_menu);
}

/* VTE 0.70 stops reading its pty after the first output until the terminal has been
 * allocated a size once. A tab opened in the background is not allocated until it is
 * shown: give its terminal the size it will have, so that it follows its session (and
 * tmux sizes the session for it) while hidden. */
static gboolean
hv_terminal_page_allocate_hidden (gpointer user_data)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (user_data);
  GtkWidget *view;
  int width = 0, height = 0;
  int min, nat;

  self->allocate_source = 0;

  if (self->box == NULL || gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      gtk_widget_get_width (self->box) > 0)
    return G_SOURCE_REMOVE;

  view = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TAB_VIEW);
  if (view != NULL)
    {
      width = gtk_widget_get_width (view);
      height = gtk_widget_get_height (view);
    }
  if (width <= 0 || height <= 0)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (!GTK_IS_WINDOW (root))
        return G_SOURCE_REMOVE;
      gtk_window_get_default_size (GTK_WINDOW (root), &width, &height);
      width = MAX (width, 400);
      height = MAX (height, 300);
    }

  gtk_widget_measure (self->box, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  width = MAX (width, min);
  gtk_widget_measure (self->box, GTK_ORIENTATION_VERTICAL, width, &min, &nat, NULL, NULL);
  height = MAX (height, min);
  gtk_widget_allocate (self->box, width, height, -1, NULL);

  return G_SOURCE_REMOVE;
}

static void
hv_terminal_page_root (GtkWidget *widget)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  GTK_WIDGET_CLASS (hv_terminal_page_parent_class)->root (widget);

  /* After the tab view had its say: a selected tab is mapped and allocated by then. */
  if (self->allocate_source == 0)
    self->allocate_source = g_idle_add_full (G_PRIORITY_LOW, hv_terminal_page_allocate_hidden, self, NULL);
}

static void
hv_terminal_page_unroot (GtkWidget *widget)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (widget);

  g_clear_handle_id (&self->allocate_source, g_source_remove);

  GTK_WIDGET_CLASS (hv_terminal_page_parent_class)->unroot (widget);
}

static gboolean
hv_terminal_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (HV_TERMINAL_PAGE (widget)->terminal));
}

/* ---------------------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------------------- */

static void
hv_terminal_page_constructed (GObject *object)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (object);

  G_OBJECT_CLASS (hv_terminal_page_parent_class)->constructed (object);

  g_assert (HV_IS_TMUX_SERVER (self->server));
  g_assert (HV_IS_TMUX_SESSION (self->session));

  /* At once: the client connects while the tab is laid out and drawn. */
  hv_terminal_page_spawn (self);
}

static void
hv_terminal_page_dispose (GObject *object)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->activity_source, g_source_remove);
  g_clear_handle_id (&self->allocate_source, g_source_remove);
  if (self->context_menu != NULL)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&self->context_menu)));

  /* Closing the pty detaches the tmux client; the session keeps running. */
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_TERMINAL_PAGE);

  g_clear_object (&self->interface_settings);
  g_clear_object (&self->session);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (hv_terminal_page_parent_class)->dispose (object);
}

static void
hv_terminal_page_finalize (GObject *object)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->hidden_screen);

  G_OBJECT_CLASS (hv_terminal_page_parent_class)->finalize (object);
}

static void
hv_terminal_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_object (value, self->server);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_ATTACHED:
      g_value_set_boolean (value, self->attached);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_terminal_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HvTerminalPage *self = HV_TERMINAL_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      self->server = g_value_dup_object (value);
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static const struct {
  const char *trigger;
  const char *action;
} page_shortcuts[] = {
  { "<Control><Shift>c", "term.copy" },
  { "<Control><Shift>v", "term.paste" },
  { "<Control><Shift>a", "term.select-all" },
  { "<Control>plus|<Control>equal|<Control>KP_Add", "term.zoom-in" },
  { "<Control>minus|<Control>KP_Subtract", "term.zoom-out" },
  { "<Control>0|<Control>KP_0", "term.zoom-reset" },
  { "<Control><Shift>f", "term.find" },
  { "<Control><Shift>d", "term.split-right" },
  { "<Control><Shift>e", "term.split-down" },
};

static void
hv_terminal_page_class_init (HvTerminalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hv_terminal_page_constructed;
  object_class->dispose = hv_terminal_page_dispose;
  object_class->finalize = hv_terminal_page_finalize;
  object_class->get_property = hv_terminal_page_get_property;
  object_class->set_property = hv_terminal_page_set_property;

  widget_class->measure = hv_terminal_page_measure;
  widget_class->size_allocate = hv_terminal_page_size_allocate;
  widget_class->grab_focus = hv_terminal_page_grab_focus;
  widget_class->map = hv_terminal_page_map;
  widget_class->root = hv_terminal_page_root;
  widget_class->unroot = hv_terminal_page_unroot;
  widget_class->unmap = hv_terminal_page_unmap;

  properties[PROP_SERVER] =
    g_param_spec_object ("server", NULL, NULL,
                         HV_TYPE_TMUX_SERVER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HV_TYPE_TMUX_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * HvTerminalPage:attached:
   *
   * Whether the tmux client runs in the terminal.
   */
  properties[PROP_ATTACHED] =
    g_param_spec_boolean ("attached", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HvTerminalPage::exited:
   * @status: the wait status of the tmux client, or -1 when it could not start
   *
   * The tmux client ended: the session ended, was killed, or this client was detached.
   */
  signals[EXITED] =
    g_signal_new ("exited",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * HvTerminalPage::activity:
   *
   * The terminal printed something new while it was not shown. Emitted once until the
   * page is shown again.
   */
  signals[ACTIVITY] =
    g_signal_new ("activity",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (VTE_TYPE_TERMINAL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-terminal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HvTerminalPage, box);
  gtk_widget_class_bind_template_child (widget_class, HvTerminalPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, HvTerminalPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HvTerminalPage, terminal);
  gtk_widget_class_bind_template_child (widget_class, HvTerminalPage, context_menu_model);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_child_exited);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_contents_changed);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_context_click);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_search_next);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_search_previous);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, hv_terminal_page_search_mode_changed);

  gtk_widget_class_install_action (widget_class, "term.copy", NULL, hv_terminal_page_copy_action);
  gtk_widget_class_install_action (widget_class, "term.paste", NULL, hv_terminal_page_paste_action);
  gtk_widget_class_install_action (widget_class, "term.select-all", NULL, hv_terminal_page_select_all_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-in", NULL, hv_terminal_page_zoom_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-out", NULL, hv_terminal_page_zoom_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-reset", NULL, hv_terminal_page_zoom_action);
  gtk_widget_class_install_action (widget_class, "term.find", NULL, hv_terminal_page_find_action);
  gtk_widget_class_install_action (widget_class, "term.find-next", NULL, hv_terminal_page_find_next_action);
  gtk_widget_class_install_action (widget_class, "term.find-previous", NULL, hv_terminal_page_find_next_action);
  gtk_widget_class_install_action (widget_class, "term.split-right", NULL, hv_terminal_page_split_action);
  gtk_widget_class_install_action (widget_class, "term.split-down", NULL, hv_terminal_page_split_action);

  gtk_widget_class_set_css_name (widget_class, "hv-terminal-page");
}

static void
hv_terminal_page_init (HvTerminalPage *self)
{
  GtkEventController *shortcuts;

  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  /* In the capture phase: the terminal would otherwise take these keys for the program
   * running in it. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (page_shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (page_shortcuts[i].trigger),
                                                            gtk_named_action_new (page_shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->interface_settings = _hv_terminal_page_interface_settings_new ();
  if (self->interface_settings != NULL)
    g_signal_connect_object (self->interface_settings, "changed::monospace-font-name",
                             G_CALLBACK (hv_terminal_page_update_font), self,
                             G_CONNECT_SWAPPED);
  hv_terminal_page_update_font (self);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (hv_terminal_page_update_colors), self,
                           G_CONNECT_SWAPPED);
  hv_terminal_page_update_colors (self);
}

/**
 * hv_terminal_page_new:
 * @server: the tmux server
 * @session: the session to show
 *
 * Creates a terminal attached to @session: the tmux client starts at once.
 *
 * Returns: (transfer floating): the new page
 */
HvTerminalPage *
hv_terminal_page_new (HvTmuxServer  *server,
                      HvTmuxSession *session)
{
  g_return_val_if_fail (HV_IS_TMUX_SERVER (server), NULL);
  g_return_val_if_fail (HV_IS_TMUX_SESSION (session), NULL);

  return g_object_new (HV_TYPE_TERMINAL_PAGE,
                       "server", server,
                       "session", session,
                       NULL);
}

/** hv_terminal_page_get_server: Returns: (transfer none): the tmux server */
HvTmuxServer *
hv_terminal_page_get_server (HvTerminalPage *self)
{
  g_return_val_if_fail (HV_IS_TERMINAL_PAGE (self), NULL);

  return self->server;
}

/** hv_terminal_page_get_session: Returns: (transfer none): the session shown */
HvTmuxSession *
hv_terminal_page_get_session (HvTerminalPage *self)
{
  g_return_val_if_fail (HV_IS_TERMINAL_PAGE (self), NULL);

  return self->session;
}

/** hv_terminal_page_get_terminal: Returns: (transfer none): the terminal widget */
VteTerminal *
hv_terminal_page_get_terminal (HvTerminalPage *self)
{
  g_return_val_if_fail (HV_IS_TERMINAL_PAGE (self), NULL);

  return self->terminal;
}

/** hv_terminal_page_get_attached: Returns: whether the tmux client runs */
gboolean
hv_terminal_page_get_attached (HvTerminalPage *self)
{
  g_return_val_if_fail (HV_IS_TERMINAL_PAGE (self), FALSE);

  return self->attached;
}

/**
 * hv_terminal_page_focus:
 *
 * Moves the keyboard focus to the terminal.
 */
void
hv_terminal_page_focus (HvTerminalPage *self)
{
  g_return_if_fail (HV_IS_TERMINAL_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->terminal));
}
