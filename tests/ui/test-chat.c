// SPDX-License-Identifier: GPL-3.0-or-later
/* Chat tabs and the Models section of the real window under Xvfb, against the fake Ollama
 * (tests/models/hv-fake-ollama.c) running in a thread of its own, like a server in another
 * process: New Chat opens a tab on defaults.model, a message streams its reply rendered as
 * Markdown, Stop interrupts it, errors and reasoning show; the Models section lists the
 * models (the loaded one marked), pulls, shows details and deletes; past chats reopen and
 * delete; an Ollama that does not answer shows a bar with Retry, in both places. The
 * rendering of a long reply is measured: how long the main loop is kept busy, and how many
 * tokens per second reach the screen. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "hv-application.h"
#include "hv-chat-message-row.h"
#include "hv-chat-page.h"
#include "hv-chat-providers.h"
#include "hv-fake-ollama.h"
#include "hv-model-details-window.h"
#include "hv-model-row.h"
#include "hv-models-page.h"
#include "hv-pull-dialog.h"
#include "hv-saved-chat-row.h"
#include "hv-test-fixture.h"
#include "hv-ui-test.h"
#include "hv-window.h"

/* The reply of the installed models, and what Ollama's docs say about its speed. */
#define FAKE_REPLY "Bonjour ! Voilà un café à Zürich, 日本語も 🦙🚀."
#define FAKE_SPEED "62.2 tokens/s"   /* eval_count 282 / eval_duration 4.535599 s */

/* g_format_size() keeps the number and its unit together. */
#define NBSP "\xc2\xa0"

/* A long reply, to measure. */
#define N_LONG_TOKENS 20000

static HvApplication *app;
static HvWindow *main_window;
static char *tmux_socket;

static const char *fake_url;   /* the fake Ollama on its own thread (hv-fake-ollama.h) */

/* ---------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------- */

static void
write_config (const char *host)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "hydravisor", NULL);
  g_autofree char *path = g_build_filename (dir, "config.toml", NULL);
  g_autofree char *toml = NULL;
  g_autoptr(GError) error = NULL;

  toml = g_strdup_printf ("[tmux]\nsocket_name = \"%s\"\nrecord_all_sessions = false\n\n"
                          "[providers.ollama]\nhost = \"%s\"\n\n"
                          "[defaults]\nmodel = \"ollama:llama3.2\"\n",
                          tmux_socket, host);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, toml, -1, &error));
  g_assert_no_error (error);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
window_mapped (gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return HV_IS_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         gtk_widget_get_width (GTK_WIDGET (window)) > 0;
}

static void
wait_frames (guint n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (main_window));

  for (guint i = 0; i < n; i++)
    {
      gint64 frame = gdk_frame_clock_get_frame_counter (clock);

      gtk_widget_queue_draw (GTK_WIDGET (main_window));
      HV_TEST_WAIT_FOR (gdk_frame_clock_get_frame_counter (clock) > frame, 5000);
    }
}

/* Whether a stack transition or a revealer of @widget (or inside it) is under way. */
static gboolean
animating (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  if (GTK_IS_REVEALER (widget) &&
      gtk_revealer_get_child_revealed (GTK_REVEALER (widget)) != gtk_revealer_get_reveal_child (GTK_REVEALER (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child) && animating (child))
      return TRUE;
  return FALSE;
}

/* Until @widget is still: its transitions over, the last frame drawn. */
static void
wait_still (GtkWidget *widget)
{
  HV_TEST_WAIT_FOR (!animating (widget), 5000);
  wait_frames (1);
}


/* Light, then dark. */
static void
save_screenshots (const char *name)
{
  g_autofree char *light = g_strconcat (name, ".png", NULL);
  g_autofree char *dark = g_strconcat (name, "-dark.png", NULL);

  wait_frames (3);
  hv_ui_test_save_screenshot (GTK_WIDGET (main_window), light);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wait_frames (3);
  hv_ui_test_save_screenshot (GTK_WIDGET (main_window), dark);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  wait_frames (2);
}

static AdwTabView *
tab_view (void)
{
  return hv_window_get_tab_view (main_window);
}

static HvChatPage *
selected_chat (void)
{
  AdwTabPage *page = adw_tab_view_get_selected_page (tab_view ());
  GtkWidget *child = page != NULL ? adw_tab_page_get_child (page) : NULL;

  return HV_IS_CHAT_PAGE (child) ? HV_CHAT_PAGE (child) : NULL;
}

static HvModelsPage *
models_page (void)
{
  return hv_window_get_models_page (main_window);
}

static guint
n_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static HvChatMessageRow *
nth_row (HvChatPage *page,
         guint       n)
{
  GtkWidget *child = gtk_widget_get_first_child (hv_chat_page_get_message_list (page));

  for (guint i = 0; i < n && child != NULL; i++)
    child = gtk_widget_get_next_sibling (child);
  return child != NULL ? HV_CHAT_MESSAGE_ROW (child) : NULL;
}

static HvChatMessageRow *
last_row (HvChatPage *page)
{
  GtkWidget *child = gtk_widget_get_last_child (hv_chat_page_get_message_list (page));

  return child != NULL ? HV_CHAT_MESSAGE_ROW (child) : NULL;
}

/* The buffer of a short reply (one view). */
static GtkTextBuffer *
reply_buffer (HvChatMessageRow *row)
{
  g_assert_cmpuint (hv_chat_message_row_get_n_chunks (row), ==, 1);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (hv_chat_message_row_get_chunk (row, 0)));
}

static char *
reply_text (HvChatMessageRow *row)
{
  return hv_chat_message_row_dup_text (row);
}

static gboolean
reply_contains (HvChatMessageRow *row,
                const char       *needle)
{
  g_autofree char *text = reply_text (row);

  return strstr (text, needle) != NULL;
}

static gboolean
text_has_tag (GtkTextBuffer *buffer,
              const char    *needle,
              const char    *tag_name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (buffer, &start);
  if (tag == NULL ||
      !gtk_text_iter_forward_search (&start, needle, GTK_TEXT_SEARCH_TEXT_ONLY, &match_start, &match_end, NULL))
    return FALSE;
  return gtk_text_iter_has_tag (&match_start, tag);
}

static void
store_result (GObject       *source,
              GAsyncResult  *result,
              GAsyncResult **out)
{
  *out = g_object_ref (result);
}

static void
set_input (HvChatPage *page,
           const char *text)
{
  gtk_text_buffer_set_text (hv_chat_page_get_input (page), text, -1);
}

static gboolean
chat_idle (HvChatPage *page)
{
  HvChatSession *session = hv_chat_page_get_session (page);

  return session != NULL && !hv_chat_session_get_busy (session);
}

/* Sends @text with @model in @page and waits for the reply to end. */
static HvChatMessageRow *
send_and_wait (HvChatPage *page,
               const char *model,
               const char *text,
               guint       timeout_ms)
{
  HvChatSession *session = hv_chat_page_get_session (page);
  guint n;

  if (model != NULL)
    hv_chat_session_set_model (session, model);
  g_test_message ("sending “%s” to %s", text, hv_chat_session_get_model (session));
  n = g_list_model_get_n_items (hv_chat_session_get_messages (session));
  set_input (page, text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "chat.send", NULL));
  HV_TEST_WAIT_FOR (g_list_model_get_n_items (hv_chat_session_get_messages (session)) == n + 2, 5000);
  HV_TEST_WAIT_FOR (chat_idle (page), timeout_ms);
  HV_TEST_WAIT_FOR (hv_chat_message_row_get_rendered (last_row (page)), 5000);
  return last_row (page);
}

/* What the key handlers of @widget that come before its own (capture phase) do with a key
 * press: whether one took it. */
static gboolean
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
    }
  return handled;
}

static HvChatPage *
new_chat (void)
{
  int before = adw_tab_view_get_n_pages (tab_view ());

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.new-chat", NULL));
  g_assert_cmpint (adw_tab_view_get_n_pages (tab_view ()), ==, before + 1);
  g_assert_nonnull (selected_chat ());
  return selected_chat ();
}

static GtkWidget *
find_model_row (const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (hv_models_page_get_models_list (models_page ())));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (HV_IS_MODEL_ROW (row) && g_strcmp0 (hv_model_info_get_name (hv_model_row_get_info (HV_MODEL_ROW (row))), name) == 0)
      return row;
  return NULL;
}

static HvSavedChatRow *
find_chat_row (const char *title)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (hv_models_page_get_chats_list (models_page ())));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (HV_IS_SAVED_CHAT_ROW (row) &&
        g_strcmp0 (hv_chat_summary_get_title (hv_saved_chat_row_get_summary (HV_SAVED_CHAT_ROW (row))), title) == 0)
      return HV_SAVED_CHAT_ROW (row);
  return NULL;
}

static gboolean
dropdown_lists (GtkDropDown *dropdown,
                const char  *name)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name) == 0)
      return TRUE;
  return FALSE;
}

static const char *
dropdown_selected (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

/* ---------------------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------------------- */

/* The Models section lists what Ollama has: each model with its family, size and
 * quantization; the one loaded in memory (the /api/ps example: mistral) marked Running. */
static void
test_models_section (void)
{
  HvModelsPage *page;
  GtkWidget *row;
  g_autofree char *details = NULL;

  g_assert_true (hv_test_wait_for (window_mapped, NULL, 20000));
  main_window = HV_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.show-section", "s", "models"));
  page = models_page ();
  HV_TEST_WAIT_FOR (g_strcmp0 (hv_models_page_get_state (page), "list") == 0, 10000);
  g_assert_null (hv_models_page_get_banner_text (page));

  g_assert_nonnull (find_model_row ("llama3.2:latest"));
  g_assert_nonnull (find_model_row ("llama3:latest"));
  g_assert_nonnull (find_model_row ("codellama:13b"));
  g_assert_cmpuint (n_children (GTK_WIDGET (hv_models_page_get_models_list (page))), ==, 4);

  row = find_model_row ("llama3.2:latest");
  details = hv_model_row_get_details (HV_MODEL_ROW (row));
  g_assert_cmpstr (details, ==, "llama · 3.2B · Q4_K_M\n2.0" NBSP "GB · 25 Sep 2024");
  g_assert_false (hv_model_row_get_running (HV_MODEL_ROW (row)));

  row = find_model_row ("mistral:latest");
  g_assert_nonnull (row);
  g_assert_true (hv_model_row_get_running (HV_MODEL_ROW (row)));

  /* No chats yet. */
  hv_models_page_set_view (page, "chats");
  g_assert_cmpuint (n_children (GTK_WIDGET (hv_models_page_get_chats_list (page))), ==, 0);
  hv_models_page_set_view (page, "installed");

  wait_still (GTK_WIDGET (main_window));
  save_screenshots ("ui-models");
}

/* New Chat opens a tab on defaults.model, offering Ollama's models; a message gets the
 * model's reply, rendered, with the model and its speed; the tab is titled after the
 * message. */
static void
test_new_chat (void)
{
  HvChatPage *page = new_chat ();
  HvChatMessageRow *row;
  GtkTextView *input;
  GtkDropDown *dropdown = hv_chat_page_get_model_dropdown (page);
  g_autofree char *text = NULL;
  AdwTabPage *tab;

  g_assert_cmpstr (hv_chat_page_get_title (page), ==, "New Chat");
  g_assert_cmpstr (hv_chat_session_get_model (hv_chat_page_get_session (page)), ==, "llama3.2");
  /* The focus is in the message. */
  input = GTK_TEXT_VIEW (gtk_root_get_focus (GTK_ROOT (main_window)));
  g_assert_true (GTK_IS_TEXT_VIEW (input));
  g_assert_true (gtk_text_view_get_buffer (input) == hv_chat_page_get_input (page));

  /* The picker lists the installed models, defaults.model ("llama3.2") chosen as
   * Ollama names it. */
  HV_TEST_WAIT_FOR (dropdown_lists (dropdown, "codellama:13b"), 5000);
  g_assert_true (dropdown_lists (dropdown, "llama3:latest"));
  g_assert_cmpstr (dropdown_selected (dropdown), ==, "llama3.2:latest");
  g_assert_null (hv_chat_page_get_banner_text (page));

  /* Nothing to send yet. */
  set_input (page, "  \n ");
  gtk_widget_activate_action (GTK_WIDGET (page), "chat.send", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (hv_chat_session_get_messages (hv_chat_page_get_session (page))), ==, 0);

  /* Shift+Enter is a new line, Enter sends. */
  set_input (page, "Hello there");
  g_assert_false (press_key (GTK_WIDGET (input), GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_cmpuint (g_list_model_get_n_items (hv_chat_session_get_messages (hv_chat_page_get_session (page))), ==, 0);
  g_assert_true (press_key (GTK_WIDGET (input), GDK_KEY_Return, 0));
  HV_TEST_WAIT_FOR (g_list_model_get_n_items (hv_chat_session_get_messages (hv_chat_page_get_session (page))) == 2, 5000);
  row = last_row (page);
  HV_TEST_WAIT_FOR (chat_idle (page) && hv_chat_message_row_get_rendered (row), 10000);
  g_assert_cmpint (hv_chat_message_get_state (hv_chat_message_row_get_message (row)), ==, HV_CHAT_MESSAGE_COMPLETE);
  text = reply_text (row);
  g_assert_cmpstr (text, ==, FAKE_REPLY);
  g_assert_cmpstr (hv_chat_message_row_get_footer_text (row), ==, "llama3.2 · " FAKE_SPEED);

  /* The person's message is above the reply, the input empty again. */
  g_assert_cmpstr (hv_chat_message_get_content (hv_chat_message_row_get_message (nth_row (page, 0))), ==, "Hello there");
  g_assert_cmpint (gtk_text_buffer_get_char_count (hv_chat_page_get_input (page)), ==, 0);

  tab = adw_tab_view_get_selected_page (tab_view ());
  g_assert_cmpstr (adw_tab_page_get_title (tab), ==, "Hello there");
  g_assert_cmpstr (adw_tab_page_get_tooltip (tab), ==, "llama3.2");
  g_assert_false (adw_tab_page_get_loading (tab));
}

/* A reply in Markdown is rendered as it streams, at most once per frame: headings, lists,
 * links, code blocks with a Copy button. */
static void
test_markdown_reply (void)
{
  HvChatPage *page = selected_chat ();
  HvChatMessageRow *row;
  GtkTextBuffer *buffer;
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;
  GtkTextIter start, end;
  HvMarkdownView *view;

  /* The model picker follows the session. */
  hv_chat_session_set_model (hv_chat_page_get_session (page), "markdown-107");
  g_assert_cmpstr (dropdown_selected (hv_chat_page_get_model_dropdown (page)), ==, "markdown-107");

  row = send_and_wait (page, NULL, "How do I set up a sandbox?", 10000);
  buffer = reply_buffer (row);
  text = reply_text (row);

  g_assert_null (strstr (text, "##"));
  g_assert_null (strstr (text, "```"));
  g_assert_true (text_has_tag (buffer, "Setting up a sandbox", "hv-h2"));
  g_assert_true (text_has_tag (buffer, "how", "hv-strong"));
  g_assert_true (text_has_tag (buffer, "hydravisor", "hv-code"));
  g_assert_true (text_has_tag (buffer, "documentation", "hv-link:https://example.org/docs"));
  g_assert_true (text_has_tag (buffer, "hydravisor vm create", "hv-code-block"));
  g_assert_true (text_has_tag (buffer, "def main():", "hv-code-block"));
  g_assert_true (text_has_tag (buffer, "Tip: a session", "hv-quote"));
  g_assert_nonnull (strstr (text, "1.\tCreate the virtual machine:"));
  g_assert_nonnull (strstr (text, "•\tRecordings are kept per session"));

  /* A code block has a header with its language, and a Copy button when the pointer is
   * over it. */
  g_assert_true (text_has_tag (buffer, "python", "hv-code-language"));
  view = hv_chat_message_row_get_chunk (row, 0);
  g_assert_false (gtk_widget_get_visible (hv_markdown_view_get_copy_button (view)));
  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, "range(3)", 0, &start, &end, NULL));
  g_assert_true (hv_markdown_view_show_copy_button (view, &start));
  g_assert_true (gtk_widget_get_visible (hv_markdown_view_get_copy_button (view)));
  code = hv_markdown_renderer_dup_code_block (hv_markdown_view_get_renderer (view), &start);
  g_assert_cmpstr (code, ==, "def main():\n    for step in range(3):\n        print(f\"step {step}\")\n    return 0");
  g_assert_true (hv_markdown_view_copy_code_block (view, &start));
  {
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *copied = NULL;

    gdk_clipboard_read_text_async (clipboard, NULL, (GAsyncReadyCallback) store_result, &result);
    hv_test_wait_result (&result, 5000);
    copied = gdk_clipboard_read_text_finish (clipboard, result, NULL);
    g_assert_cmpstr (copied, ==, code);
  }

  /* Rendered per frame, not per token. */
  g_test_message ("107 tokens rendered in %u passes", hv_chat_message_row_get_n_renders (row));
  g_assert_cmpuint (hv_chat_message_row_get_n_renders (row), <, 107);

  /* As when the pointer is over the Python block. */
  wait_still (GTK_WIDGET (main_window));
  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, "range(3)", 0, &start, &end, NULL));
  g_assert_true (hv_markdown_view_show_copy_button (view, &start));
  save_screenshots ("ui-chat");
}

/* A model that reasons apart shows it in a "Reasoning" expander above its answer. */
static void
test_thinking (void)
{
  HvChatPage *page = selected_chat ();
  HvChatMessageRow *row = send_and_wait (page, "thinking", "What is the answer?", 10000);
  GtkExpander *expander = hv_chat_message_row_get_thinking (row);
  GtkTextBuffer *thinking = gtk_text_view_get_buffer (GTK_TEXT_VIEW (gtk_expander_get_child (expander)));
  g_autofree char *text = reply_text (row);
  g_autofree char *reasoning = NULL;
  GtkTextIter start, end;

  g_assert_cmpstr (text, ==, "The answer is 42.");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (expander)));
  gtk_text_buffer_get_bounds (thinking, &start, &end);
  reasoning = gtk_text_buffer_get_text (thinking, &start, &end, FALSE);
  g_assert_cmpstr (reasoning, ==, "Let me think about 日本.");
}

/* Stop ends the reply where it is: what arrived stays, marked Interrupted. Errors of the
 * provider show in the reply's footer. */
static void
test_stop_and_errors (void)
{
  HvChatPage *page = selected_chat ();
  HvChatSession *session = hv_chat_page_get_session (page);
  HvChatMessageRow *row;
  g_autofree char *text = NULL;

  hv_chat_session_set_model (session, "slow-stream");
  set_input (page, "Tick slowly");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "chat.send", NULL));
  HV_TEST_WAIT_FOR (hv_chat_session_get_busy (session), 5000);
  /* Busy: Stop instead of Send, the tab shows it is working. */
  g_assert_true (adw_tab_page_get_loading (adw_tab_view_get_selected_page (tab_view ())));
  row = last_row (page);
  /* On screen as it arrives. */
  HV_TEST_WAIT_FOR (reply_contains (row, "tick tick"), 5000);
  g_assert_true (hv_chat_session_get_busy (session));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "chat.stop", NULL));
  HV_TEST_WAIT_FOR (chat_idle (page) && hv_chat_message_row_get_rendered (row), 5000);

  g_assert_cmpint (hv_chat_message_get_state (hv_chat_message_row_get_message (row)), ==, HV_CHAT_MESSAGE_INTERRUPTED);
  g_assert_nonnull (strstr (hv_chat_message_row_get_footer_text (row), "Interrupted"));
  text = reply_text (row);
  g_assert_true (g_str_has_prefix (text, "tick tick"));
  g_assert_cmpuint (strlen (text), <, 100 * 5);

  row = send_and_wait (page, "http-500", "Fail, please", 10000);
  g_assert_cmpint (hv_chat_message_get_state (hv_chat_message_row_get_message (row)), ==, HV_CHAT_MESSAGE_ERROR);
  g_assert_nonnull (strstr (hv_chat_message_row_get_footer_text (row), "llama runner process has terminated"));

  row = send_and_wait (page, "drop-mid-stream", "Break, please", 10000);
  g_assert_cmpint (hv_chat_message_get_state (hv_chat_message_row_get_message (row)), !=, HV_CHAT_MESSAGE_COMPLETE);
  g_clear_pointer (&text, g_free);
  text = reply_text (row);
  g_assert_cmpstr (text, ==, "Bonjour ! Voilà");
}

/* A long reply streams without holding the main loop: one render per frame, each only of
 * what is not final yet, no more than a frame has time for, in views of a few kilobytes
 * (a paragraph longer than that goes on in the next view), only the views that show drawn.
 * The targets are 10 000 tokens/s and no iteration over 16 ms (tests/bench/chat-ui measures
 * them on 100 000 tokens); under Xvfb with the cairo renderer on a shared 2-core machine the
 * figures vary from run to run, so the bounds asserted here leave room (they catch
 * rendering per token, a view that grows with the reply, or a whole reply laid out or
 * drawn per frame). A reply that is one 128 kB paragraph was the worst case: GTK lays a
 * paragraph all out again when it grows. */
static void
measure_long_reply (const char *model,
                    const char *what,
                    double      min_tokens_per_second,
                    double      max_iteration_ms,
                    const char *expected)
{
  HvChatPage *page = new_chat ();
  HvChatSession *session = hv_chat_page_get_session (page);
  g_autoptr(HvStallProbe) probe = NULL;
  HvChatMessageRow *row;
  g_autofree char *text = NULL;
  gint64 start, first = 0, end;
  guint n_renders;
  double seconds;
  int n_chars;

  /* The tab's first reply (its list replacing its empty state) is not what is measured. */
  send_and_wait (page, "llama3.2", "Hello", 10000);
  hv_chat_session_set_model (session, model);
  set_input (page, "Write a long answer");
  wait_still (GTK_WIDGET (main_window));

  probe = hv_stall_probe_start (NULL);
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "chat.send", NULL));
  HV_TEST_WAIT_FOR (g_list_model_get_n_items (hv_chat_session_get_messages (session)) == 4, 5000);
  row = last_row (page);
  while (!chat_idle (page) || !hv_chat_message_row_get_rendered (row))
    {
      g_main_context_iteration (NULL, TRUE);
      if (first == 0 && hv_chat_message_row_get_n_chunks (row) > 0 &&
          gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (hv_chat_message_row_get_chunk (row, 0)))) > 0)
        first = g_get_monotonic_time ();
      if (g_get_monotonic_time () - start > 120 * G_USEC_PER_SEC)
        g_error ("the reply of %s did not end in 2 minutes", model);
    }
  /* The reply is on screen: its last frame drawn. */
  wait_frames (1);
  end = g_get_monotonic_time ();

  g_assert_cmpint (hv_chat_message_get_state (hv_chat_message_row_get_message (row)), ==, HV_CHAT_MESSAGE_COMPLETE);
  text = hv_chat_message_row_dup_text (row);
  n_chars = g_utf8_strlen (text, -1);
  n_renders = hv_chat_message_row_get_n_renders (row);
  seconds = (end - start) / (double) G_USEC_PER_SEC;

  g_test_message ("%s: %d tokens (%d characters rendered, in %u views) in %.2f s: %.0f tokens/s rendered, "
                  "first text after %.1f ms, %u renders, longest main-loop iteration %.1f ms over %u iterations",
                  what, N_LONG_TOKENS, n_chars, hv_chat_message_row_get_n_chunks (row), seconds, N_LONG_TOKENS / seconds,
                  (first - start) / 1000.0, n_renders,
                  hv_stall_probe_get_max_us (probe) / 1000.0, hv_stall_probe_get_iterations (probe));

  g_assert_cmpint (n_chars, >, N_LONG_TOKENS);
  if (expected != NULL)
    g_assert_cmpstr (text, ==, expected);
  /* No view lays out much more than a few kilobytes, and no paragraph in it (GTK lays one
   * out whole when it grows) more than about one. */
  for (guint i = 0; i < hv_chat_message_row_get_n_chunks (row); i++)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (hv_chat_message_row_get_chunk (row, i)));
      GtkTextIter line;

      g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), <, 3 * 4096);
      gtk_text_buffer_get_start_iter (buffer, &line);
      do
        g_assert_cmpint (gtk_text_iter_get_chars_in_line (&line), <, 2048);
      while (gtk_text_iter_forward_line (&line));
    }
  /* Per frame, not per token. */
  g_assert_cmpuint (n_renders, <, N_LONG_TOKENS / 10);
  g_assert_cmpfloat (N_LONG_TOKENS / seconds, >=, min_tokens_per_second);
  g_assert_cmpfloat (hv_stall_probe_get_max_us (probe) / 1000.0, <, max_iteration_ms);

  /* Closed, the tab goes with its page, rows and session. */
  {
    GObject *weak_page = G_OBJECT (page);
    GObject *weak_session = G_OBJECT (session);
    GObject *weak_row = G_OBJECT (row);

    g_object_add_weak_pointer (weak_page, (gpointer *) &weak_page);
    g_object_add_weak_pointer (weak_session, (gpointer *) &weak_session);
    g_object_add_weak_pointer (weak_row, (gpointer *) &weak_row);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.close-tab", NULL));
    HV_TEST_WAIT_FOR (weak_page == NULL && weak_session == NULL && weak_row == NULL, 5000);
  }
}

static void
test_long_reply (void)
{
  g_autoptr(GString) paragraph = g_string_new (NULL);

  /* "t0 t1 … t19999": one paragraph, in several views, and shown as one. */
  for (guint i = 0; i < N_LONG_TOKENS; i++)
    g_string_append_printf (paragraph, i > 0 ? " t%u" : "t%u", i);

  measure_long_reply ("markdown-" G_STRINGIFY (N_LONG_TOKENS), "Markdown reply", 5000, 80, NULL);
  measure_long_reply ("bench-" G_STRINGIFY (N_LONG_TOKENS), "one-paragraph reply", 5000, 80, paragraph->str);
}

/* Past chats are listed with their first message, reopen in a tab with their transcript,
 * and delete after a confirmation. */
static void
test_saved_chats (void)
{
  HvModelsPage *page = models_page ();
  HvSavedChatRow *row;
  HvChatPage *chat;
  HvChatMessageRow *reply;
  AdwMessageDialog *dialog;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  AdwTabPage *tab;

  hv_models_page_set_view (page, "chats");
  HV_TEST_WAIT_FOR (find_chat_row ("Hello there") != NULL, 10000);
  row = find_chat_row ("Hello there");
  id = g_strdup (hv_chat_summary_get_id (hv_saved_chat_row_get_summary (row)));
  /* With the model it last talked to. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "drop-mid-stream"));
  wait_still (GTK_WIDGET (main_window));
  save_screenshots ("ui-chats");

  /* Its tab is open: reopening selects it. */
  tab = adw_tab_view_get_nth_page (tab_view (), 0);
  adw_tab_view_set_selected_page (tab_view (), adw_tab_view_get_nth_page (tab_view (), adw_tab_view_get_n_pages (tab_view ()) - 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "chats.open", "s", id));
  g_assert_true (adw_tab_view_get_selected_page (tab_view ()) == tab);

  /* Closed, it comes back from its transcript, ready to continue. */
  adw_tab_view_close_page (tab_view (), tab);
  HV_TEST_WAIT_FOR (adw_tab_view_get_n_pages (tab_view ()) == 0, 5000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "chats.open", "s", id));
  chat = selected_chat ();
  g_assert_nonnull (chat);
  HV_TEST_WAIT_FOR (hv_chat_page_get_session (chat) != NULL, 5000);
  g_assert_cmpstr (hv_chat_page_get_chat_id (chat), ==, id);
  g_assert_cmpstr (hv_chat_page_get_title (chat), ==, "Hello there");
  g_assert_cmpuint (n_children (hv_chat_page_get_message_list (chat)), >=, 2);
  reply = nth_row (chat, 1);
  HV_TEST_WAIT_FOR (hv_chat_message_row_get_rendered (reply), 5000);
  text = reply_text (reply);
  g_assert_cmpstr (text, ==, FAKE_REPLY);
  g_assert_cmpstr (hv_chat_message_row_get_footer_text (reply), ==, "llama3.2 · " FAKE_SPEED);
  HV_TEST_WAIT_FOR (dropdown_lists (hv_chat_page_get_model_dropdown (chat), "codellama:13b"), 5000);

  /* It continues in the same transcript. */
  reply = send_and_wait (chat, "llama3:latest", "Once more", 10000);
  g_clear_pointer (&text, g_free);
  text = reply_text (reply);
  g_assert_cmpstr (text, ==, FAKE_REPLY);

  /* Delete, confirmed. */
  path = hv_chat_session_dup_path (hv_chat_page_get_session (chat));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "chats.delete", "s", id));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete Chat?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Hello there"));
  adw_message_dialog_response (dialog, "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  HV_TEST_WAIT_FOR (find_chat_row ("Hello there") == NULL, 10000);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  hv_models_page_set_view (page, "installed");
}

static char *pulled;
static double pulled_fraction;
static guint pulled_layers;

static void
on_pulled (HvPullDialog *dialog,
           const char   *name)
{
  g_free (pulled);
  pulled = g_strdup (name);
  pulled_fraction = hv_pull_dialog_get_fraction (dialog);
  pulled_layers = hv_pull_dialog_get_n_layers (dialog);
}

/* Pull Model downloads with progress per layer and lists the new model; a name the library
 * does not have fails in the dialog, which stays to try another. */
static void
test_pull (void)
{
  HvModelsPage *page = models_page ();
  HvPullDialog *dialog;
  guint listings = hv_models_page_get_n_listings (page);

  g_assert_null (find_model_row ("tinyllama:latest"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "models.pull", NULL));
  dialog = HV_PULL_DIALOG (find_toplevel (HV_TYPE_PULL_DIALOG));
  g_assert_nonnull (dialog);
  g_signal_connect (dialog, "pulled", G_CALLBACK (on_pulled), NULL);

  hv_pull_dialog_set_model_name (dialog, "no-such-model");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "pull.start", NULL));
  HV_TEST_WAIT_FOR (hv_pull_dialog_get_error (dialog) != NULL, 10000);
  g_assert_nonnull (strstr (hv_pull_dialog_get_error (dialog), "file does not exist"));
  g_assert_true (find_toplevel (HV_TYPE_PULL_DIALOG) == GTK_WINDOW (dialog));
  wait_frames (3);
  hv_ui_test_save_screenshot (GTK_WIDGET (dialog), "ui-pull-error.png");

  hv_pull_dialog_set_model_name (dialog, "tinyllama");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "pull.start", NULL));
  HV_TEST_WAIT_FOR (pulled != NULL, 10000);
  g_assert_cmpstr (pulled, ==, "tinyllama");
  g_assert_cmpfloat (pulled_fraction, ==, 1.0);
  g_assert_cmpuint (pulled_layers, ==, 2);
  HV_TEST_WAIT_FOR (find_toplevel (HV_TYPE_PULL_DIALOG) == NULL, 5000);

  HV_TEST_WAIT_FOR (hv_models_page_get_n_listings (page) > listings && find_model_row ("tinyllama:latest") != NULL, 10000);
  g_clear_pointer (&pulled, g_free);
}

/* Details show what the provider tells about a model. */
static void
test_details (void)
{
  HvModelsPage *page = models_page ();
  HvModelDetailsWindow *details;
  g_autofree char *context = NULL;
  g_autofree char *quantization = NULL;
  g_autofree char *capabilities = NULL;
  g_autofree char *size = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "models.details", "s", "llama3.2:latest"));
  details = HV_MODEL_DETAILS_WINDOW (find_toplevel (HV_TYPE_MODEL_DETAILS_WINDOW));
  g_assert_nonnull (details);
  HV_TEST_WAIT_FOR (g_strcmp0 (hv_model_details_window_get_state (details), "details") == 0, 10000);

  context = hv_model_details_window_dup_field (details, "Context Length");
  quantization = hv_model_details_window_dup_field (details, "Quantization");
  capabilities = hv_model_details_window_dup_field (details, "Capabilities");
  size = hv_model_details_window_dup_field (details, "Size");
  g_assert_cmpstr (context, ==, "131072 tokens");
  g_assert_cmpstr (quantization, ==, "Q4_K_M");
  g_assert_cmpstr (capabilities, ==, "completion, tools");
  g_assert_cmpstr (size, ==, "2.0" NBSP "GB");
  g_assert_true (g_str_has_prefix (hv_model_info_get_license (hv_model_details_window_get_info (details)), "LLAMA 3.2"));

  /* The crossfade from the spinner. */
  wait_still (GTK_WIDGET (details));
  wait_frames (2);
  hv_ui_test_save_screenshot (GTK_WIDGET (details), "ui-model-details.png");
  gtk_window_destroy (GTK_WINDOW (details));
}

/* Delete asks first, then the model leaves the list. */
static void
test_delete_model (void)
{
  HvModelsPage *page = models_page ();
  AdwMessageDialog *dialog;

  g_assert_nonnull (find_model_row ("tinyllama:latest"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "models.delete", "s", "tinyllama:latest"));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete tinyllama:latest?");

  /* Cancelled: still there. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  HV_TEST_WAIT_FOR (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL, 5000);
  wait_frames (2);
  g_assert_nonnull (find_model_row ("tinyllama:latest"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "models.delete", "s", "tinyllama:latest"));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  HV_TEST_WAIT_FOR (find_model_row ("tinyllama:latest") == NULL, 10000);
  g_assert_nonnull (find_model_row ("llama3.2:latest"));
}

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

static gboolean
provider_at (const char *url)
{
  g_autoptr(HvChatProvider) provider = hv_chat_providers_get ("ollama", NULL);

  return g_strcmp0 (hv_chat_provider_get_address (provider), url) == 0;
}

/* When Ollama does not answer, the Models section and chat tabs say so in a bar with
 * Retry; the rest of the window works; Retry lists again once it answers. */
static void
test_unreachable (void)
{
  HvModelsPage *page = models_page ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autofree char *expected = g_strdup_printf ("Ollama is not reachable at %s: ", url);
  HvChatPage *chat;
  guint listings;

  write_config (url);
  HV_TEST_WAIT_FOR (provider_at (url), 10000);

  listings = hv_models_page_get_n_listings (page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "models.refresh", NULL));
  HV_TEST_WAIT_FOR (hv_models_page_get_n_listings (page) > listings, 10000);
  g_assert_nonnull (hv_models_page_get_banner_text (page));
  g_assert_true (g_str_has_prefix (hv_models_page_get_banner_text (page), expected));
  g_assert_cmpstr (hv_models_page_get_state (page), ==, "unreachable");

  chat = new_chat ();
  HV_TEST_WAIT_FOR (hv_chat_page_get_banner_text (chat) != NULL, 10000);
  g_assert_true (g_str_has_prefix (hv_chat_page_get_banner_text (chat), expected));
  g_assert_true (gtk_revealer_get_reveal_child (hv_chat_page_get_banner (chat)));

  /* The rest of the window works. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.show-section", "s", "sessions"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.show-section", "s", "models"));
  wait_still (GTK_WIDGET (main_window));
  save_screenshots ("ui-chat-unreachable");

  /* Sending says so too. */
  {
    HvChatMessageRow *row = send_and_wait (chat, NULL, "Anyone there?", 10000);

    g_assert_cmpint (hv_chat_message_get_state (hv_chat_message_row_get_message (row)), ==, HV_CHAT_MESSAGE_ERROR);
    g_assert_nonnull (strstr (hv_chat_message_row_get_footer_text (row), "not reachable"));
  }

  /* Ollama is back: Retry. */
  write_config (fake_url);
  HV_TEST_WAIT_FOR (provider_at (fake_url), 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chat), "chat.retry", NULL));
  HV_TEST_WAIT_FOR (hv_chat_page_get_banner_text (chat) == NULL, 10000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "models.refresh", NULL));
  HV_TEST_WAIT_FOR (hv_models_page_get_banner_text (page) == NULL &&
                    g_strcmp0 (hv_models_page_get_state (page), "list") == 0, 10000);
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* libsoup asks the proxy resolver, which would start a D-Bus service. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_unsetenv ("OLLAMA_HOST");
  hv_test_init_ui (&argc, &argv);
  gtk_init ();

  fake_url = hv_fake_ollama_thread_start ();
  tmux_socket = hv_test_tmux_socket_name ();
  write_config (fake_url);

  app = hv_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  g_test_add_func ("/ui/chat/models-section", test_models_section);
  g_test_add_func ("/ui/chat/new-chat", test_new_chat);
  g_test_add_func ("/ui/chat/markdown", test_markdown_reply);
  g_test_add_func ("/ui/chat/thinking", test_thinking);
  g_test_add_func ("/ui/chat/stop-and-errors", test_stop_and_errors);
  g_test_add_func ("/ui/chat/long-reply", test_long_reply);
  g_test_add_func ("/ui/chat/saved-chats", test_saved_chats);
  g_test_add_func ("/ui/chat/unreachable", test_unreachable);
  g_test_add_func ("/ui/chat/pull", test_pull);
  g_test_add_func ("/ui/chat/details", test_details);
  g_test_add_func ("/ui/chat/delete-model", test_delete_model);

  ret = g_test_run ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  hv_test_wait_for (no_windows, NULL, 5000);
  g_clear_object (&app);
  hv_fake_ollama_thread_stop ();
  hv_test_tmux_kill_server (tmux_socket);
  g_free (tmux_socket);
  return ret;
}
