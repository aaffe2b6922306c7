// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-chat-message-row.h"
#include "hv-chat-page.h"
#include "hv-chat-providers.h"

/* How close to the end of the messages (pixels) still counts as following them. */
#define STICKY_SLACK 24.0

struct _HvChatPage
{
  GtkWidget       parent_instance;

  HvChatSession  *session;
  char           *chat_id;       /* of a saved chat being loaded, then of the session */
  GtkStringList  *models;        /* names offered by the model picker */
  GCancellable   *cancellable;   /* everything the page started; cancelled on dispose */
  GCancellable   *list_cancellable;
  char           *banner_text;
  gboolean        sticky;        /* follow the end of the messages */
  gboolean        scrolling;     /* the page moves the scrollbar itself */
  guint           scroll_tick;   /* follows the end at the next frame */
  gboolean        syncing;       /* the page sets the model picker itself */

  /* Template widgets */
  GtkRevealer    *banner;
  GtkLabel       *banner_label;
  GtkWidget      *retry_button;
  GtkStack       *stack;
  GtkSpinner     *spinner;
  AdwStatusPage  *status_page;
  GtkScrolledWindow *scroller;
  GtkWidget      *message_box;
  GtkTextView    *input_view;
  GtkWidget      *placeholder;
  GtkDropDown    *model_dropdown;
  GtkWidget      *stop_button;
  GtkWidget      *send_button;
};

G_DEFINE_FINAL_TYPE (HvChatPage, hv_chat_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_CHAT_ID,
  PROP_TITLE,
  PROP_MODEL,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "llama3.2" and "llama3.2:latest" are the same model to Ollama. */
static gboolean
same_model (const char *a,
            const char *b)
{
  gsize la, lb;

  if (a == NULL || b == NULL)
    return FALSE;
  if (g_str_equal (a, b))
    return TRUE;
  la = strlen (a);
  lb = strlen (b);
  if (la > lb)
    return strncmp (a, b, lb) == 0 && g_str_equal (a + lb, ":latest");
  if (lb > la)
    return strncmp (a, b, la) == 0 && g_str_equal (b + la, ":latest");
  return FALSE;
}

static HvChatProvider *
hv_chat_page_get_provider (HvChatPage *self)
{
  return self->session != NULL ? hv_chat_session_get_provider (self->session) : NULL;
}

/* ---------------------------------------------------------------------------------------
 * The bar
 * ------------------------------------------------------------------------------------- */

static void
hv_chat_page_show_banner (HvChatPage *self,
                          const char *message,
                          gboolean    can_retry)
{
  g_free (self->banner_text);
  self->banner_text = g_strdup (message);
  gtk_label_set_label (self->banner_label, message);
  gtk_widget_set_visible (self->retry_button, can_retry);
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

static void
hv_chat_page_hide_banner (HvChatPage *self)
{
  g_clear_pointer (&self->banner_text, g_free);
  gtk_revealer_set_reveal_child (self->banner, FALSE);
}

/* ---------------------------------------------------------------------------------------
 * State of the composer
 * ------------------------------------------------------------------------------------- */

static gboolean
hv_chat_page_input_is_empty (HvChatPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->input_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (gtk_text_buffer_get_char_count (buffer) == 0)
    return TRUE;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strstrip (text)[0] == '\0';
}

static void
hv_chat_page_update_actions (HvChatPage *self)
{
  gboolean busy = hv_chat_page_get_busy (self);
  gboolean ready = self->session != NULL && hv_chat_page_get_provider (self) != NULL &&
                   hv_chat_session_get_model (self->session) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send",
                                 ready && !busy && !hv_chat_page_input_is_empty (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.stop", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.retry", hv_chat_page_get_provider (self) != NULL);
  gtk_widget_set_visible (self->stop_button, busy);
  gtk_widget_set_visible (self->send_button, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_dropdown), self->session != NULL);
}

static void
hv_chat_page_input_changed (HvChatPage *self)
{
  gtk_widget_set_visible (self->placeholder,
                          gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (self->input_view)) == 0);
  hv_chat_page_update_actions (self);
}

static void
hv_chat_page_update_texts (HvChatPage *self)
{
  const char *model = hv_chat_page_get_model (self);
  HvChatProvider *provider = hv_chat_page_get_provider (self);
  g_autofree char *placeholder = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  if (model != NULL)
    {
      /* Translators: the placeholder of the message entry; %s is a model, "llama3.2". */
      placeholder = g_strdup_printf (_("Message %s"), model);
      /* Translators: %s is a model, "llama3.2". */
      title = g_strdup_printf (_("Chat with %s"), model);
    }
  if (provider != NULL)
    /* Translators: the first %s is a provider ("Ollama"), the second its address. */
    description = g_strdup_printf (_("Replies stream from %s at %s. Chats are saved on this computer; "
                                     "the Models section lists them under Chats."),
                                   hv_chat_provider_get_display_name (provider),
                                   hv_chat_provider_get_address (provider));

  gtk_label_set_label (GTK_LABEL (self->placeholder), placeholder != NULL ? placeholder : _("Message"));
  adw_status_page_set_title (self->status_page, title != NULL ? title : _("New Chat"));
  adw_status_page_set_description (self->status_page, description);
}

/* ---------------------------------------------------------------------------------------
 * The model picker
 * ------------------------------------------------------------------------------------- */

static void
hv_chat_page_sync_dropdown (HvChatPage *self)
{
  const char *model = hv_chat_page_get_model (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->models));
  guint selected = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < n && selected == GTK_INVALID_LIST_POSITION; i++)
    if (same_model (gtk_string_list_get_string (self->models, i), model))
      selected = i;

  self->syncing = TRUE;
  if (selected == GTK_INVALID_LIST_POSITION && model != NULL)
    {
      gtk_string_list_append (self->models, model);
      selected = n;
    }
  gtk_drop_down_set_selected (self->model_dropdown, selected);
  self->syncing = FALSE;
}

static void
hv_chat_page_model_selected (HvChatPage *self)
{
  GtkStringObject *item;

  if (self->syncing || self->session == NULL)
    return;

  item = gtk_drop_down_get_selected_item (self->model_dropdown);
  if (item != NULL && !same_model (gtk_string_object_get_string (item), hv_chat_session_get_model (self->session)))
    hv_chat_session_set_model (self->session, gtk_string_object_get_string (item));
}

static void
hv_chat_page_list_models_done (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(HvChatPage) self = user_data;
  g_autoptr(GListModel) models = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  guint n;

  models = hv_chat_provider_list_models_finish (HV_CHAT_PROVIDER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->list_cancellable);

  if (models == NULL)
    {
      hv_chat_page_show_banner (self, error->message, TRUE);
      return;
    }
  hv_chat_page_hide_banner (self);

  n = g_list_model_get_n_items (models);
  names = g_ptr_array_new_full (n + 1, g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HvModelInfo) info = g_list_model_get_item (models, i);

      g_ptr_array_add (names, g_strdup (hv_model_info_get_name (info)));
    }
  g_ptr_array_add (names, NULL);

  self->syncing = TRUE;
  gtk_string_list_splice (self->models, 0, g_list_model_get_n_items (G_LIST_MODEL (self->models)),
                          (const char * const *) names->pdata);
  self->syncing = FALSE;
  hv_chat_page_sync_dropdown (self);
}

static void
hv_chat_page_refresh_models (HvChatPage *self)
{
  HvChatProvider *provider = hv_chat_page_get_provider (self);

  if (provider == NULL)
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  hv_chat_provider_list_models_async (provider, self->list_cancellable,
                                      hv_chat_page_list_models_done, g_object_ref (self));
}

/* ---------------------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------------------- */

static void
hv_chat_page_scroll_to_end (HvChatPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scrolling = TRUE;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  self->scrolling = FALSE;
}

static gboolean
hv_chat_page_scroll_tick (GtkWidget     *widget,
                          GdkFrameClock *clock,
                          gpointer       user_data)
{
  HvChatPage *self = HV_CHAT_PAGE (widget);

  self->scroll_tick = 0;
  if (self->sticky)
    hv_chat_page_scroll_to_end (self);
  return G_SOURCE_REMOVE;
}

/* The messages grew (a reply streams) or the page was resized. Scrolling now, in the middle
 * of laying out the page, would lay it out twice per frame: the next frame scrolls, before
 * it lays out. */
static void
hv_chat_page_adjustment_changed (HvChatPage    *self,
                                 GtkAdjustment *adjustment)
{
  if (self->sticky && self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), hv_chat_page_scroll_tick, NULL, NULL);
}

/* The user scrolled: up stops following the end, back down follows it again. */
static void
hv_chat_page_adjustment_value_changed (HvChatPage    *self,
                                       GtkAdjustment *adjustment)
{
  if (self->scrolling)
    return;
  self->sticky = gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
                 gtk_adjustment_get_upper (adjustment) - STICKY_SLACK;
}

static void
hv_chat_page_update_stack (HvChatPage *self)
{
  if (self->session == NULL)
    return;
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (hv_chat_session_get_messages (self->session)) > 0
                                    ? "messages" : "empty");
}

static void
hv_chat_page_messages_changed (HvChatPage *self,
                               guint       position,
                               guint       removed,
                               guint       added,
                               GListModel *messages)
{
  GtkWidget *child = gtk_widget_get_first_child (self->message_box);
  GtkWidget *before;

  for (guint i = 0; i < position && child != NULL; i++)
    child = gtk_widget_get_next_sibling (child);
  for (guint i = 0; i < removed && child != NULL; i++)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      gtk_box_remove (GTK_BOX (self->message_box), child);
      child = next;
    }

  before = child != NULL ? gtk_widget_get_prev_sibling (child) : gtk_widget_get_last_child (self->message_box);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(HvChatMessage) message = g_list_model_get_item (messages, position + i);
      GtkWidget *row = hv_chat_message_row_new (message);

      gtk_box_insert_child_after (GTK_BOX (self->message_box), row, before);
      before = row;
    }

  hv_chat_page_update_stack (self);
}

/* ---------------------------------------------------------------------------------------
 * The session
 * ------------------------------------------------------------------------------------- */

static void
hv_chat_page_session_busy_changed (HvChatPage *self)
{
  hv_chat_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
hv_chat_page_session_title_changed (HvChatPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
hv_chat_page_session_model_changed (HvChatPage *self)
{
  hv_chat_page_sync_dropdown (self);
  hv_chat_page_update_texts (self);
  hv_chat_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

static void
hv_chat_page_set_session (HvChatPage    *self,
                          HvChatSession *session)
{
  GListModel *messages;

  g_assert (self->session == NULL);

  if (session == NULL)
    return;

  self->session = g_object_ref (session);
  if (g_strcmp0 (self->chat_id, hv_chat_session_get_id (session)) != 0)
    {
      g_free (self->chat_id);
      self->chat_id = g_strdup (hv_chat_session_get_id (session));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAT_ID]);
    }

  /* A loaded chat names its provider; a new one without one uses the default's. */
  if (hv_chat_session_get_provider (session) == NULL)
    {
      g_autoptr(HvChatProvider) provider = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *provider_id = NULL;

      if (hv_chat_session_get_provider_id (session) != NULL)
        provider_id = g_strdup (hv_chat_session_get_provider_id (session));
      else
        hv_chat_providers_default_model (&provider_id, NULL, NULL);

      if (provider_id != NULL)
        provider = hv_chat_providers_get (provider_id, &error);
      if (provider != NULL)
        hv_chat_session_set_provider (session, provider);
      else
        hv_chat_page_show_banner (self, error != NULL ? error->message : _("This chat names no provider."), FALSE);
    }

  messages = hv_chat_session_get_messages (session);
  g_signal_connect_object (messages, "items-changed", G_CALLBACK (hv_chat_page_messages_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::busy", G_CALLBACK (hv_chat_page_session_busy_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::title", G_CALLBACK (hv_chat_page_session_title_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::model", G_CALLBACK (hv_chat_page_session_model_changed), self,
                           G_CONNECT_SWAPPED);

  hv_chat_page_messages_changed (self, 0, 0, g_list_model_get_n_items (messages), messages);
  hv_chat_page_session_model_changed (self);
  hv_chat_page_session_busy_changed (self);
  hv_chat_page_session_title_changed (self);
  hv_chat_page_refresh_models (self);
}

static void
hv_chat_page_load_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(HvChatPage) self = user_data;
  g_autoptr(HvChatSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = hv_chat_session_load_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->spinner);
  if (session == NULL)
    {
      /* Translators: %s says why, like "there is no saved chat “…”". */
      g_autofree char *message = g_strdup_printf (_("Cannot open the chat: %s"), error->message);

      hv_chat_page_show_banner (self, message, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  hv_chat_page_set_session (self, session);
  /* A reopened chat starts at its end. */
  self->sticky = TRUE;
}

/* ---------------------------------------------------------------------------------------
 * Actions
 * ------------------------------------------------------------------------------------- */

static void
hv_chat_page_send_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(HvChatPage) self = user_data;
  g_autoptr(HvChatMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = hv_chat_session_send_finish (HV_CHAT_SESSION (source), result, &error);
  if (reply != NULL)
    {
      hv_chat_page_hide_banner (self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, HV_MODEL_ERROR, HV_MODEL_ERROR_UNREACHABLE))
    hv_chat_page_show_banner (self, error->message, TRUE);
  else if (error->domain != HV_MODEL_ERROR)
    {
      /* Not the provider's: the reply (which says what the provider did) is fine, the
       * message could not be sent or saved. */
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      if (HV_IS_WINDOW (root))
        hv_window_add_toast (HV_WINDOW (root), adw_toast_new (escaped));
      else
        g_warning ("%s", error->message);
    }
}

static void
hv_chat_page_send_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HvChatPage *self = HV_CHAT_PAGE (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->input_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (self->session == NULL || hv_chat_session_get_busy (self->session))
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (text);
  if (text[0] == '\0')
    return;

  gtk_text_buffer_set_text (buffer, "", 0);
  self->sticky = TRUE;
  hv_chat_session_send_async (self->session, text, self->cancellable,
                              hv_chat_page_send_done, g_object_ref (self));
}

static void
hv_chat_page_stop_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HvChatPage *self = HV_CHAT_PAGE (widget);

  if (self->session != NULL)
    hv_chat_session_stop (self->session);
}

static void
hv_chat_page_retry_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  hv_chat_page_refresh_models (HV_CHAT_PAGE (widget));
}

/* Enter sends, Shift+Enter (or Ctrl+Enter) is a new line. */
static gboolean
hv_chat_page_input_key_pressed (HvChatPage            *self,
                                guint                  keyval,
                                guint                  keycode,
                                GdkModifierType        state,
                                GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return GDK_EVENT_PROPAGATE;
  if ((state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_activate_action (GTK_WIDGET (self), "chat.send", NULL);
  return GDK_EVENT_STOP;
}

/* ---------------------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------------------- */

static void
hv_chat_page_constructed (GObject *object)
{
  HvChatPage *self = HV_CHAT_PAGE (object);

  G_OBJECT_CLASS (hv_chat_page_parent_class)->constructed (object);

  if (self->session == NULL && self->chat_id != NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
      hv_chat_session_load_async (self->chat_id, self->cancellable, hv_chat_page_load_done, g_object_ref (self));
    }
  hv_chat_page_update_texts (self);
  hv_chat_page_update_actions (self);
}

static gboolean
hv_chat_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (HV_CHAT_PAGE (widget)->input_view));
}

static void
hv_chat_page_dispose (GObject *object)
{
  HvChatPage *self = HV_CHAT_PAGE (object);
  GtkWidget *child;

  /* Closing the tab stops the reply. */
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  if (self->scroll_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
      self->scroll_tick = 0;
    }
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (hv_chat_session_get_messages (self->session), self);
      g_signal_handlers_disconnect_by_data (self->session, self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_CHAT_PAGE);
  /* The template's children without an id are not its bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->models);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hv_chat_page_parent_class)->dispose (object);
}

static void
hv_chat_page_finalize (GObject *object)
{
  HvChatPage *self = HV_CHAT_PAGE (object);

  g_free (self->chat_id);
  g_free (self->banner_text);

  G_OBJECT_CLASS (hv_chat_page_parent_class)->finalize (object);
}

static void
hv_chat_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HvChatPage *self = HV_CHAT_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CHAT_ID:
      g_value_set_string (value, self->chat_id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, hv_chat_page_get_title (self));
      break;
    case PROP_MODEL:
      g_value_set_string (value, hv_chat_page_get_model (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, hv_chat_page_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  HvChatPage *self = HV_CHAT_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      hv_chat_page_set_session (self, g_value_get_object (value));
      break;
    case PROP_CHAT_ID:
      if (self->chat_id == NULL)
        self->chat_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_page_class_init (HvChatPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hv_chat_page_constructed;
  object_class->dispose = hv_chat_page_dispose;
  object_class->finalize = hv_chat_page_finalize;
  object_class->get_property = hv_chat_page_get_property;
  object_class->set_property = hv_chat_page_set_property;
  widget_class->grab_focus = hv_chat_page_grab_focus;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, HV_TYPE_CHAT_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HvChatPage:chat-id:
   *
   * The id of the chat: of a saved chat to load, then of the session.
   */
  properties[PROP_CHAT_ID] =
    g_param_spec_string ("chat-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * HvChatPage:title:
   *
   * The title of the tab: the chat's first message, or "New Chat".
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * HvChatPage:busy:
   *
   * A reply is streaming.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-chat-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, banner);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, message_box);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, input_view);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, placeholder);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, HvChatPage, send_button);
  gtk_widget_class_bind_template_callback (widget_class, hv_chat_page_model_selected);

  gtk_widget_class_install_action (widget_class, "chat.send", NULL, hv_chat_page_send_action);
  gtk_widget_class_install_action (widget_class, "chat.stop", NULL, hv_chat_page_stop_action);
  gtk_widget_class_install_action (widget_class, "chat.retry", NULL, hv_chat_page_retry_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "chat.stop", NULL);

  gtk_widget_class_set_css_name (widget_class, "hv-chat-page");
}

static void
hv_chat_page_init (HvChatPage *self)
{
  GtkAdjustment *adjustment;
  GtkEventController *keys;

  self->sticky = TRUE;
  self->cancellable = g_cancellable_new ();
  self->models = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_model (self->model_dropdown, G_LIST_MODEL (self->models));

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (hv_chat_page_adjustment_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (hv_chat_page_adjustment_value_changed), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (gtk_text_view_get_buffer (self->input_view), "changed",
                           G_CALLBACK (hv_chat_page_input_changed), self, G_CONNECT_SWAPPED);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (hv_chat_page_input_key_pressed), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->input_view), keys);

  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/**
 * hv_chat_page_new:
 * @session: the chat to show and continue
 */
GtkWidget *
hv_chat_page_new (HvChatSession *session)
{
  g_return_val_if_fail (HV_IS_CHAT_SESSION (session), NULL);

  return g_object_new (HV_TYPE_CHAT_PAGE, "session", session, NULL);
}

/**
 * hv_chat_page_new_for_saved:
 * @id: the id of a saved chat
 *
 * The page loads the chat's transcript in the background, then shows it, ready to continue.
 */
GtkWidget *
hv_chat_page_new_for_saved (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (HV_TYPE_CHAT_PAGE, "chat-id", id, NULL);
}

/**
 * hv_chat_page_get_session:
 *
 * Returns: (transfer none) (nullable): the chat, %NULL while a saved one loads
 */
HvChatSession *
hv_chat_page_get_session (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);
  return self->session;
}

const char *
hv_chat_page_get_chat_id (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);
  return self->chat_id;
}

const char *
hv_chat_page_get_title (HvChatPage *self)
{
  const char *title;

  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);

  title = self->session != NULL ? hv_chat_session_get_title (self->session) : NULL;
  return title != NULL && title[0] != '\0' ? title : _("New Chat");
}

/**
 * hv_chat_page_get_model:
 *
 * Returns: (nullable): the model the next message goes to
 */
const char *
hv_chat_page_get_model (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);
  return self->session != NULL ? hv_chat_session_get_model (self->session) : NULL;
}

gboolean
hv_chat_page_get_busy (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), FALSE);
  return self->session != NULL && hv_chat_session_get_busy (self->session);
}

/**
 * hv_chat_page_get_input:
 *
 * Returns: (transfer none): the text of the message being written
 */
GtkTextBuffer *
hv_chat_page_get_input (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);
  return gtk_text_view_get_buffer (self->input_view);
}

/**
 * hv_chat_page_get_model_dropdown:
 *
 * Returns: (transfer none): the model picker; its model is a #GtkStringList of names
 */
GtkDropDown *
hv_chat_page_get_model_dropdown (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);
  return self->model_dropdown;
}

/**
 * hv_chat_page_get_banner:
 *
 * Returns: (transfer none): the bar that says the provider cannot be reached
 */
GtkRevealer *
hv_chat_page_get_banner (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);
  return self->banner;
}

/**
 * hv_chat_page_get_banner_text:
 *
 * Returns: (nullable): what the bar says, %NULL when it is hidden
 */
const char *
hv_chat_page_get_banner_text (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);
  return self->banner_text;
}

/**
 * hv_chat_page_get_message_list:
 *
 * Returns: (transfer none): the box of the #HvChatMessageRow<!-- -->s, oldest first
 */
GtkWidget *
hv_chat_page_get_message_list (HvChatPage *self)
{
  g_return_val_if_fail (HV_IS_CHAT_PAGE (self), NULL);
  return self->message_box;
}

/* ---------------------------------------------------------------------------------------
 * Tabs
 * ------------------------------------------------------------------------------------- */

static AdwTabPage *
hv_chat_page_add_tab (HvWindow   *window,
                      HvChatPage *page)
{
  AdwTabPage *tab = adw_tab_view_append (hv_window_get_tab_view (window), GTK_WIDGET (page));

  g_object_bind_property (page, "title", tab, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (page, "model", tab, "tooltip", G_BINDING_SYNC_CREATE);
  g_object_bind_property (page, "busy", tab, "loading", G_BINDING_SYNC_CREATE);
  hv_window_select_page (window, tab);
  return tab;
}

/**
 * hv_chat_page_open_new:
 * @window: where to open it
 * @model_ref: (nullable): "ollama:llama3.2"; defaults.model when %NULL
 *
 * Opens a new chat in a tab of @window, selected, ready to type into.
 *
 * Returns: (transfer none): the tab
 */
AdwTabPage *
hv_chat_page_open_new (HvWindow   *window,
                       const char *model_ref)
{
  g_autoptr(HvChatSession) session = NULL;
  g_autoptr(HvChatProvider) provider = NULL;
  g_autofree char *provider_id = NULL;
  g_autofree char *model = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page;
  AdwTabPage *tab;

  g_return_val_if_fail (HV_IS_WINDOW (window), NULL);

  if (model_ref != NULL)
    hv_chat_parse_model_ref (model_ref, &provider_id, &model, &error);
  else
    hv_chat_providers_default_model (&provider_id, &model, &error);
  if (provider_id != NULL)
    provider = hv_chat_providers_get (provider_id, &error);

  session = hv_chat_session_new (provider, model);
  page = hv_chat_page_new (session);
  tab = hv_chat_page_add_tab (window, HV_CHAT_PAGE (page));
  if (error != NULL)
    hv_chat_page_show_banner (HV_CHAT_PAGE (page), error->message, FALSE);
  return tab;
}

/**
 * hv_chat_page_open_saved:
 * @window: where to open it
 * @id: the id of a saved chat
 *
 * Selects the tab of the chat @id, in whichever window has it, or opens one in @window.
 *
 * Returns: (transfer none): the tab
 */
AdwTabPage *
hv_chat_page_open_saved (HvWindow   *window,
                         const char *id)
{
  GtkApplication *app;

  g_return_val_if_fail (HV_IS_WINDOW (window), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  app = gtk_window_get_application (GTK_WINDOW (window));
  for (GList *l = app != NULL ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    {
      AdwTabView *view;

      if (!HV_IS_WINDOW (l->data))
        continue;
      view = hv_window_get_tab_view (l->data);
      for (int i = 0; i < adw_tab_view_get_n_pages (view); i++)
        {
          AdwTabPage *tab = adw_tab_view_get_nth_page (view, i);
          GtkWidget *child = adw_tab_page_get_child (tab);

          if (HV_IS_CHAT_PAGE (child) && g_strcmp0 (hv_chat_page_get_chat_id (HV_CHAT_PAGE (child)), id) == 0)
            {
              hv_window_select_page (l->data, tab);
              gtk_window_present (l->data);
              return tab;
            }
        }
    }

  return hv_chat_page_add_tab (window, HV_CHAT_PAGE (hv_chat_page_new_for_saved (id)));
}
