// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-window.h"

struct _HvWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GBinding             *title_binding;
  GtkWindow            *shortcuts_window;
  int                   sidebar_min_width;
  int                   sidebar_max_width;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkLabel             *new_terminal_accel;
  GtkPaned             *paned;
  AdwViewStack         *sections;
  AdwWindowTitle       *section_title;
  AdwWindowTitle       *content_title;
  GtkStack             *content_stack;
  AdwTabView           *tab_view;
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

/* The "New …" actions, disabled until their backends land; the buttons'
 * tooltips tell the user which part brings each one. */
static const char * const new_item_actions[] = {
  "win.new-terminal",
  "win.new-vm",
  "win.new-container",
  "win.new-chat",
};

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

static void
hv_window_section_changed (HvWindow *self)
{
  GtkWidget *child;

  /* The view stack notifies while the template is disposed. */
  if (self->sections == NULL || self->section_title == NULL)
    return;

  child = adw_view_stack_get_visible_child (self->sections);
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
  if (self->settings != NULL)
    g_settings_unbind (self->paned, "position");

  if (self->shortcuts_window != NULL)
    {
      gtk_window_destroy (self->shortcuts_window);
      g_clear_object (&self->shortcuts_window);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_WINDOW);

  g_clear_object (&self->settings);

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
  static const char * const section_names[] = { "vms", "containers", "models", "sessions" };

  object_class->dispose = hv_window_dispose;
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
  gtk_widget_class_bind_template_child (widget_class, HvWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, sections);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, section_title);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, HvWindow, tab_view);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_section_changed);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_tabs_changed);
  gtk_widget_class_bind_template_callback (widget_class, hv_window_selected_page_changed);

  for (guint i = 0; i < G_N_ELEMENTS (new_item_actions); i++)
    gtk_widget_class_install_action (widget_class, new_item_actions[i], NULL,
                                     hv_window_new_item_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-section", "section");
  gtk_widget_class_install_action (widget_class, "win.close-tab", NULL,
                                   hv_window_close_tab_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   hv_window_show_help_overlay_action);

  gtk_widget_class_add_binding_action (widget_class, NEW_TERMINAL_KEY, NEW_TERMINAL_MODS,
                                       "win.new-terminal", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.close-tab", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (section_names); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.show-section", "s", section_names[i]);
}

static void
hv_window_init (HvWindow *self)
{
  g_autofree char *accel = NULL;

  /* Until hv_window_load_settings() reads the schema's range. */
  self->sidebar_min_width = 0;
  self->sidebar_max_width = G_MAXINT;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  for (guint i = 0; i < G_N_ELEMENTS (new_item_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), new_item_actions[i], FALSE);

  /* Shown like a menu's accelerator, in the user's language. */
  accel = gtk_accelerator_get_label (NEW_TERMINAL_KEY, NEW_TERMINAL_MODS);
  gtk_label_set_label (self->new_terminal_accel, accel);

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
