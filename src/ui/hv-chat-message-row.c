// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-chat-message-row.h"
#include "hv-culling-box.h"

/* How long a frame that shows more of a reply may take (rendering, layout and drawing), and
 * the bounds of how much text that is. A reply that arrives faster (a burst of tokens, a
 * long transcript) is shown over several frames. Frames average about this, and the slow
 * ones (a new view, the X server late) stay under 16 ms with room; under Xvfb and the cairo
 * renderer, 6 ms still shows some 20 000 tokens/s (tests/bench/chat-ui). */
#define FRAME_TARGET_US  6000
#define MIN_BUDGET_BYTES 1024   /* at 60 frames/s, 13 000 tokens/s of 4.7 bytes */
/* Frames that showed less than this say little of the cost of text: most of their time is
 * the rest of the window. */
#define LEARN_BYTES      512
#define MAX_BUDGET_BYTES (256 * 1024)
/* A piece ends at a line end when there is one this close after the budget. */
#define LINE_SLACK_BYTES 512
/* Once this much of the reply in the last view is final, the rest goes to a new view. */
#define CHUNK_BYTES      4096
/* GTK lays a paragraph out (shapes it) again, whole, each time it grows, and twice in the
 * frame that shows it; one that grows past this goes on on a line of its own, from a
 * sentence or a word that starts past MIN_PIECE_BYTES. */
#define PARAGRAPH_BYTES  1024
/* The shortest start of a paragraph left on its line when it goes on on the next one. */
#define MIN_PIECE_BYTES  256
/* What a frame shows is added to the last view in steps of this much, so that a view that
 * grows past CHUNK_BYTES is cut before it lays out much more. */
#define STEP_BYTES       512
/* Between views that are apart as blocks are (pixels), as the blank line within one. */
#define BLOCK_SPACING    9

struct _HvChatMessageRow
{
  GtkWidget       parent_instance;

  HvChatMessage  *message;
  guint           tick_id;
  GtkWidget      *spare_view;       /* made between frames, for the next piece of the reply */
  guint           spare_id;
  gboolean        content_dirty;
  gboolean        thinking_dirty;
  gsize           content_shown;    /* bytes of the reply rendered */
  gsize           chunk_start;      /* where the reply in the last view starts */
  gsize           thinking_shown;   /* bytes of the reasoning in thinking_view */
  gsize           budget;           /* bytes that show in a frame of about FRAME_TARGET_US */
  gint64          frame_start;      /* of the frame that shows frame_bytes more */
  gsize           frame_bytes;
  gboolean        measuring;        /* until that frame is drawn */
  guint           n_renders;
  char           *footer_text;

  /* Template widgets */
  GtkWidget      *user_box;
  GtkLabel       *user_label;
  GtkWidget      *assistant_box;
  GtkExpander    *thinking_expander;
  GtkLabel       *thinking_label;
  GtkTextView    *thinking_view;
  HvCullingBox   *content_box;      /* of HvMarkdownViews */
  GtkSpinner     *spinner;
  GtkLabel       *footer_label;
  GtkWidget      *copy_button;
};

G_DEFINE_FINAL_TYPE (HvChatMessageRow, hv_chat_message_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "Thinking…" until the answer starts. */
static void
hv_chat_message_row_update_thinking_label (HvChatMessageRow *self)
{
  gboolean thinking = hv_chat_message_get_state (self->message) == HV_CHAT_MESSAGE_STREAMING &&
                      hv_chat_message_get_content (self->message)[0] == '\0';

  gtk_label_set_label (self->thinking_label, thinking ? _("Thinking…") : _("Reasoning"));
}

/* Where a piece of @text that starts at @from should end: at about @budget bytes, after a
 * line end if one is near, never inside a character. */
static gsize
piece_end (const char *text,
           gsize       len,
           gsize       from,
           gsize       budget)
{
  gsize end = from + budget;
  const char *nl;

  if (end >= len)
    return len;
  nl = memchr (text + end, '\n', MIN (len - end, LINE_SLACK_BYTES));
  if (nl != NULL)
    return nl - text + 1;
  while (end < len && (text[end] & 0xC0) == 0x80)
    end++;
  return end;
}

/* Set on a view that goes on with the paragraph the view before it ends with. */
static GQuark
continues_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("hv-chat-continues");
  return quark;
}

/* Most of what a view costs is making it: do that when the main loop is idle, not in the
 * frame that needs it. */
static gboolean
hv_chat_message_row_make_spare (gpointer data)
{
  HvChatMessageRow *self = data;

  self->spare_id = 0;
  if (self->spare_view == NULL)
    self->spare_view = g_object_ref_sink (hv_markdown_view_new ());
  return G_SOURCE_REMOVE;
}

static HvMarkdownView *
hv_chat_message_row_add_chunk (HvChatMessageRow *self,
                               gboolean          continues)
{
  GtkWidget *view = self->spare_view != NULL ? g_steal_pointer (&self->spare_view) : g_object_ref_sink (hv_markdown_view_new ());
  gboolean first = gtk_widget_get_first_child (GTK_WIDGET (self->content_box)) == NULL;

  /* A paragraph that goes on has no gap in it. */
  gtk_widget_set_margin_top (view, first || continues ? 0 : BLOCK_SPACING);
  if (continues)
    g_object_set_qdata (G_OBJECT (view), continues_quark (), GINT_TO_POINTER (TRUE));
  hv_culling_box_append (self->content_box, view);
  g_object_unref (view);
  if (self->spare_id == 0 && hv_chat_message_get_state (self->message) == HV_CHAT_MESSAGE_STREAMING)
    self->spare_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, hv_chat_message_row_make_spare, self, NULL);
  return HV_MARKDOWN_VIEW (view);
}

static HvMarkdownView *
hv_chat_message_row_last_chunk (HvChatMessageRow *self)
{
  GtkWidget *last = gtk_widget_get_last_child (GTK_WIDGET (self->content_box));

  if (last == NULL)
    return hv_chat_message_row_add_chunk (self, FALSE);
  return HV_MARKDOWN_VIEW (last);
}

static gboolean
is_letter (const char *p,
           const char *end)
{
  gunichar c;

  if (p >= end)
    return FALSE;
  if ((guchar) *p < 0x80)
    return g_ascii_isalpha (*p);
  c = g_utf8_get_char_validated (p, end - p);
  return c != (gunichar) -1 && c != (gunichar) -2 && g_unichar_isalpha (c);
}

/* Where the paragraph at @start of @text may go on in another view, as if it were a
 * paragraph of its own: at the start of a word (a letter: nothing a block starts with) after
 * one space or line end, outside code, links and HTML, with emphasis closed, and preferably
 * after the end of a sentence or a line. The last such place, past MIN_PIECE_BYTES, or 0. */
static gsize
paragraph_split (const char *text,
                 gsize       start,
                 gsize       len)
{
  gsize sentence = 0, word = 0;
  gboolean code = FALSE;
  guint brackets = 0, angles = 0;
  gboolean stars = FALSE, underscores = FALSE;

  for (gsize i = start; i < len; i++)
    {
      char c = text[i];

      if (c == '\\')
        {
          i++;
          continue;
        }
      if (c == '`')
        {
          code = !code;
          continue;
        }
      if (code)
        continue;

      switch (c)
        {
        case '[':
          brackets++;
          break;
        case ']':
          brackets -= brackets > 0;
          break;
        case '<':
          /* "a < b" is no tag. */
          angles += i + 1 < len && !g_ascii_isspace (text[i + 1]);
          break;
        case '>':
          angles -= angles > 0;
          break;
        case '*':
        case '_':
          {
            gboolean space_before = i == start || g_ascii_isspace (text[i - 1]);
            gboolean space_after = i + 1 >= len || g_ascii_isspace (text[i + 1]);

            /* "2 * 3" and snake_case open and close nothing. */
            if (space_before && space_after)
              break;
            if (c == '_' && !space_before && !space_after &&
                g_ascii_isalnum (text[i - 1]) && g_ascii_isalnum (text[i + 1]))
              break;
            if (c == '*')
              stars = !stars;
            else
              underscores = !underscores;
          }
          break;
        case ' ':
        case '\n':
          if (i >= start + MIN_PIECE_BYTES && brackets == 0 && angles == 0 && !stars && !underscores &&
              !g_ascii_isspace (text[i - 1]) && text[i - 1] != '\\' && is_letter (text + i + 1, text + len))
            {
              word = i + 1;
              if (c == '\n' || strchr (".!?:;", text[i - 1]) != NULL)
                sentence = i + 1;
            }
          break;
        default:
          break;
        }
    }
  return sentence != 0 ? sentence : word;
}

/* Renders @content up to @end into the last view. Once the last view has CHUNK_BYTES of
 * final blocks, what follows them goes to a new view; once it is longer than that and ends
 * with a paragraph, the paragraph goes on in a new view. */
static void
hv_chat_message_row_render (HvChatMessageRow *self,
                            const char       *content,
                            gsize             end)
{
  HvMarkdownView *view = hv_chat_message_row_last_chunk (self);
  HvMarkdownRenderer *renderer = hv_markdown_view_get_renderer (view);
  gsize stable, paragraph, split;

  hv_markdown_view_set_markdown (view, content + self->chunk_start, end - self->chunk_start);

  stable = hv_markdown_renderer_get_stable_length (renderer);
  if (stable >= CHUNK_BYTES)
    {
      /* The last view keeps its final blocks; what follows starts a new one, and goes on
       * with the paragraph they end with if that was broken. */
      gboolean continues = hv_markdown_renderer_get_continues (renderer);

      hv_markdown_view_set_markdown (view, content + self->chunk_start, stable);
      self->chunk_start += stable;
      view = hv_chat_message_row_add_chunk (self, continues);
      renderer = hv_markdown_view_get_renderer (view);
      hv_markdown_view_set_markdown (view, content + self->chunk_start, end - self->chunk_start);
    }

  if (!hv_markdown_renderer_get_open_paragraph (renderer, &paragraph) ||
      end - self->chunk_start - paragraph <= PARAGRAPH_BYTES)
    return;
  split = paragraph_split (content + self->chunk_start, paragraph, end - self->chunk_start);
  if (split == 0)
    return;

  /* The paragraph goes on on a line of its own, the only one laid out again as it grows. */
  hv_markdown_renderer_break_paragraph (renderer, content + self->chunk_start, split);
  hv_markdown_view_set_markdown (view, content + self->chunk_start, end - self->chunk_start);
}

/* Shows what arrived since the last frame, as much as fits in a frame. Returns whether
 * some is left for the next one. */
static gboolean
hv_chat_message_row_flush (HvChatMessageRow *self)
{
  if (self->content_dirty)
    {
      const char *content = hv_chat_message_get_content (self->message);
      gsize len = strlen (content);
      gsize end;

      if (len < self->content_shown)
        {
          hv_culling_box_remove_all (self->content_box);
          self->content_shown = 0;
          self->chunk_start = 0;
        }
      end = piece_end (content, len, self->content_shown, self->budget);

      /* In steps: a view that grows too long is cut before it lays out the rest. One that
       * cannot be cut (one huge code block) takes the rest at once. */
      for (gsize shown = self->content_shown; shown < end; )
        {
          gsize step = shown - self->chunk_start > 2 * CHUNK_BYTES ? end - shown : STEP_BYTES;
          gsize step_end = piece_end (content, end, shown, step);

          hv_chat_message_row_render (self, content, step_end);
          shown = step_end;
        }
      self->n_renders++;
      self->frame_bytes += end - self->content_shown;
      self->content_shown = end;
      self->content_dirty = end < len;
    }

  if (self->thinking_dirty)
    {
      const char *thinking = hv_chat_message_get_thinking (self->message);
      gsize len = strlen (thinking);
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->thinking_view);
      GtkTextIter iter;
      gsize end;

      /* The reasoning only grows: append what is new. */
      if (len < self->thinking_shown)
        {
          gtk_text_buffer_set_text (buffer, "", 0);
          self->thinking_shown = 0;
        }
      end = piece_end (thinking, len, self->thinking_shown, self->budget);
      gtk_text_buffer_get_end_iter (buffer, &iter);
      gtk_text_buffer_insert (buffer, &iter, thinking + self->thinking_shown, end - self->thinking_shown);
      self->thinking_shown = end;
      self->thinking_dirty = end < len;
      gtk_widget_set_visible (GTK_WIDGET (self->thinking_expander), len > 0);
    }

  if (gtk_widget_get_visible (GTK_WIDGET (self->thinking_expander)))
    hv_chat_message_row_update_thinking_label (self);

  return self->content_dirty || self->thinking_dirty;
}

/* The frame that showed more of the reply is drawn: learn from how long it took how much
 * text a frame can take. */
static void
hv_chat_message_row_after_paint (GdkFrameClock    *clock,
                                 HvChatMessageRow *self)
{
  g_signal_handlers_disconnect_by_func (clock, hv_chat_message_row_after_paint, self);
  self->measuring = FALSE;

  if (self->frame_bytes >= LEARN_BYTES)
    {
      gint64 elapsed = MAX (g_get_monotonic_time () - self->frame_start, 100);
      gsize fits = self->frame_bytes * FRAME_TARGET_US / elapsed;

      self->budget = CLAMP ((self->budget + fits) / 2, MIN_BUDGET_BYTES, MAX_BUDGET_BYTES);
    }
}

static gboolean
hv_chat_message_row_tick (GtkWidget     *widget,
                          GdkFrameClock *clock,
                          gpointer       user_data)
{
  HvChatMessageRow *self = HV_CHAT_MESSAGE_ROW (widget);
  gboolean more;

  self->frame_start = g_get_monotonic_time ();
  self->frame_bytes = 0;
  more = hv_chat_message_row_flush (self);
  if (!self->measuring)
    {
      self->measuring = TRUE;
      g_signal_connect_object (clock, "after-paint", G_CALLBACK (hv_chat_message_row_after_paint), self, 0);
    }

  if (more)
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
hv_chat_message_row_queue_flush (HvChatMessageRow *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), hv_chat_message_row_tick, NULL, NULL);
}

static void
hv_chat_message_row_content_delta (HvChatMessageRow *self,
                                   const char       *text,
                                   HvChatMessage    *message)
{
  self->content_dirty = TRUE;
  hv_chat_message_row_queue_flush (self);
}

static void
hv_chat_message_row_thinking_delta (HvChatMessageRow *self,
                                    const char       *text,
                                    HvChatMessage    *message)
{
  self->thinking_dirty = TRUE;
  hv_chat_message_row_queue_flush (self);
}

static void
hv_chat_message_row_update_footer (HvChatMessageRow *self)
{
  HvChatMessageState state = hv_chat_message_get_state (self->message);
  const char *model = hv_chat_message_get_model (self->message);
  const HvChatStats *stats = hv_chat_message_get_stats (self->message);
  const char *content = hv_chat_message_get_content (self->message);
  GtkWidget *label = GTK_WIDGET (self->footer_label);
  g_autofree char *text = NULL;

  if (model == NULL)
    model = "";

  switch (state)
    {
    case HV_CHAT_MESSAGE_STREAMING:
      text = g_strdup (model);
      break;

    case HV_CHAT_MESSAGE_COMPLETE:
      {
        double speed = stats != NULL ? hv_chat_stats_get_tokens_per_second (stats) : 0.0;

        if (speed > 0.0)
          /* Translators: a model and how fast it wrote the reply, "llama3.2 · 62.2 tokens/s". */
          text = g_strdup_printf (_("%s · %.1f tokens/s"), model, speed);
        else
          text = g_strdup (model);
      }
      break;

    case HV_CHAT_MESSAGE_INTERRUPTED:
      {
        const char *reason = hv_chat_message_get_error_message (self->message);

        if (reason != NULL && reason[0] != '\0')
          /* Translators: the model, then why its reply stopped. */
          text = g_strdup_printf (_("%s · Interrupted: %s"), model, reason);
        else
          /* Translators: the model whose reply was stopped. */
          text = g_strdup_printf (_("%s · Interrupted"), model);
      }
      break;

    case HV_CHAT_MESSAGE_ERROR:
    default:
      {
        const char *reason = hv_chat_message_get_error_message (self->message);

        /* Translators: the model, then what went wrong. */
        text = g_strdup_printf (_("%s · Failed: %s"), model,
                                reason != NULL && reason[0] != '\0' ? reason : _("the provider gave no reason"));
      }
      break;
    }

  if (state == HV_CHAT_MESSAGE_INTERRUPTED)
    gtk_widget_add_css_class (label, "warning");
  else
    gtk_widget_remove_css_class (label, "warning");
  if (state == HV_CHAT_MESSAGE_ERROR)
    {
      gtk_widget_add_css_class (label, "error");
      gtk_widget_remove_css_class (label, "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_add_css_class (label, "dim-label");
    }

  gtk_label_set_label (self->footer_label, text);
  g_free (self->footer_text);
  self->footer_text = g_steal_pointer (&text);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == HV_CHAT_MESSAGE_STREAMING);
  gtk_spinner_set_spinning (self->spinner, state == HV_CHAT_MESSAGE_STREAMING);
  gtk_widget_set_visible (self->copy_button, state != HV_CHAT_MESSAGE_STREAMING && content[0] != '\0');

  hv_chat_message_row_update_thinking_label (self);
}

static void
hv_chat_message_row_state_changed (HvChatMessageRow *self)
{
  hv_chat_message_row_update_footer (self);
}

static void
hv_chat_message_row_set_message (HvChatMessageRow *self,
                                 HvChatMessage    *message)
{
  g_assert (self->message == NULL);

  if (message == NULL)
    return;
  self->message = g_object_ref (message);

  switch (hv_chat_message_get_role (message))
    {
    case HV_CHAT_ROLE_USER:
      gtk_label_set_label (self->user_label, hv_chat_message_get_content (message));
      gtk_widget_set_visible (self->user_box, TRUE);
      break;

    case HV_CHAT_ROLE_ASSISTANT:
      gtk_widget_set_visible (self->assistant_box, TRUE);
      /* Rendered when first drawn, like what streams. */
      self->content_dirty = hv_chat_message_get_content (message)[0] != '\0';
      self->thinking_dirty = hv_chat_message_get_thinking (message)[0] != '\0';
      gtk_widget_set_visible (GTK_WIDGET (self->thinking_expander), self->thinking_dirty);
      if (self->content_dirty || self->thinking_dirty)
        hv_chat_message_row_queue_flush (self);
      g_signal_connect_object (message, "delta::content",
                               G_CALLBACK (hv_chat_message_row_content_delta), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (message, "delta::thinking",
                               G_CALLBACK (hv_chat_message_row_thinking_delta), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (message, "notify::state",
                               G_CALLBACK (hv_chat_message_row_state_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (message, "notify::stats",
                               G_CALLBACK (hv_chat_message_row_update_footer), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (message, "notify::error-message",
                               G_CALLBACK (hv_chat_message_row_update_footer), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (message, "notify::model",
                               G_CALLBACK (hv_chat_message_row_update_footer), self, G_CONNECT_SWAPPED);
      hv_chat_message_row_update_footer (self);
      break;

    case HV_CHAT_ROLE_SYSTEM:
    default:
      /* Instructions to the model, not part of the conversation shown. */
      break;
    }
}

static void
hv_chat_message_row_copy_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  HvChatMessageRow *self = HV_CHAT_MESSAGE_ROW (widget);

  if (self->message != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), hv_chat_message_get_content (self->message));
}

static void
hv_chat_message_row_dispose (GObject *object)
{
  HvChatMessageRow *self = HV_CHAT_MESSAGE_ROW (object);
  GtkWidget *child;

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  g_clear_handle_id (&self->spare_id, g_source_remove);
  g_clear_object (&self->spare_view);
  gtk_widget_dispose_template (GTK_WIDGET (self), HV_TYPE_CHAT_MESSAGE_ROW);
  /* The template's children without an id are not its bound children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->message);

  G_OBJECT_CLASS (hv_chat_message_row_parent_class)->dispose (object);
}

static void
hv_chat_message_row_finalize (GObject *object)
{
  HvChatMessageRow *self = HV_CHAT_MESSAGE_ROW (object);

  g_free (self->footer_text);

  G_OBJECT_CLASS (hv_chat_message_row_parent_class)->finalize (object);
}

static void
hv_chat_message_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HvChatMessageRow *self = HV_CHAT_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_message_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HvChatMessageRow *self = HV_CHAT_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      hv_chat_message_row_set_message (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_chat_message_row_class_init (HvChatMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_chat_message_row_dispose;
  object_class->finalize = hv_chat_message_row_finalize;
  object_class->get_property = hv_chat_message_row_get_property;
  object_class->set_property = hv_chat_message_row_set_property;

  properties[PROP_MESSAGE] =
    g_param_spec_object ("message", NULL, NULL, HV_TYPE_CHAT_MESSAGE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HV_TYPE_CULLING_BOX);
  g_type_ensure (HV_TYPE_MARKDOWN_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/hv-chat-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, user_box);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, user_label);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, assistant_box);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, thinking_expander);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, thinking_label);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, thinking_view);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, content_box);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, footer_label);
  gtk_widget_class_bind_template_child (widget_class, HvChatMessageRow, copy_button);

  gtk_widget_class_install_action (widget_class, "message.copy", NULL, hv_chat_message_row_copy_action);
  gtk_widget_class_set_css_name (widget_class, "hv-chat-message");
}

static void
hv_chat_message_row_init (HvChatMessageRow *self)
{
  self->budget = MIN_BUDGET_BYTES;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hv_chat_message_row_new (HvChatMessage *message)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE (message), NULL);

  return g_object_new (HV_TYPE_CHAT_MESSAGE_ROW, "message", message, NULL);
}

/**
 * hv_chat_message_row_get_message:
 *
 * Returns: (transfer none): the message shown
 */
HvChatMessage *
hv_chat_message_row_get_message (HvChatMessageRow *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE_ROW (self), NULL);
  return self->message;
}

/**
 * hv_chat_message_row_get_n_chunks:
 *
 * Returns: how many views the reply is shown in (one per few kilobytes)
 */
guint
hv_chat_message_row_get_n_chunks (HvChatMessageRow *self)
{
  guint n = 0;

  g_return_val_if_fail (HV_IS_CHAT_MESSAGE_ROW (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->content_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/**
 * hv_chat_message_row_get_chunk:
 * @n: which one, from 0
 *
 * Returns: (transfer none) (nullable): the @n-th view of the reply's Markdown
 */
HvMarkdownView *
hv_chat_message_row_get_chunk (HvChatMessageRow *self,
                               guint             n)
{
  GtkWidget *child;

  g_return_val_if_fail (HV_IS_CHAT_MESSAGE_ROW (self), NULL);

  child = gtk_widget_get_first_child (GTK_WIDGET (self->content_box));
  for (guint i = 0; i < n && child != NULL; i++)
    child = gtk_widget_get_next_sibling (child);
  return child != NULL ? HV_MARKDOWN_VIEW (child) : NULL;
}

/**
 * hv_chat_message_row_dup_text:
 *
 * Returns: (transfer full): the rendered reply as text, as one view would show it: its
 *   views one after the other, as apart as blocks are ("\n\n") or, when a paragraph goes on
 *   in the next view, as words are (" ")
 */
char *
hv_chat_message_row_dup_text (HvChatMessageRow *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (HV_IS_CHAT_MESSAGE_ROW (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->content_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *piece = hv_markdown_renderer_dup_text (hv_markdown_view_get_renderer (HV_MARKDOWN_VIEW (child)));

      if (text->len > 0)
        g_string_append (text, g_object_get_qdata (G_OBJECT (child), continues_quark ()) != NULL ? " " : "\n\n");
      g_string_append (text, piece);
    }
  return g_string_free (text, FALSE);
}

/**
 * hv_chat_message_row_get_thinking:
 *
 * Returns: (transfer none): the expander with a reply's reasoning, visible when it has some
 */
GtkExpander *
hv_chat_message_row_get_thinking (HvChatMessageRow *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE_ROW (self), NULL);
  return self->thinking_expander;
}

/**
 * hv_chat_message_row_get_footer_text:
 *
 * Returns: (nullable): what the footer of a reply says: "llama3.2 · 62.2 tokens/s"
 */
const char *
hv_chat_message_row_get_footer_text (HvChatMessageRow *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE_ROW (self), NULL);
  return self->footer_text;
}

/**
 * hv_chat_message_row_get_rendered:
 *
 * Returns: whether all of the reply that arrived is rendered
 */
gboolean
hv_chat_message_row_get_rendered (HvChatMessageRow *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE_ROW (self), FALSE);
  return !self->content_dirty && !self->thinking_dirty;
}

/**
 * hv_chat_message_row_get_n_renders:
 *
 * Returns: how many times the reply's Markdown was rendered (at most one per frame while
 *   it streams)
 */
guint
hv_chat_message_row_get_n_renders (HvChatMessageRow *self)
{
  g_return_val_if_fail (HV_IS_CHAT_MESSAGE_ROW (self), 0);
  return self->n_renders;
}
