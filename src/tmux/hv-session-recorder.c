// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <time.h>
#include <unistd.h>

#include "hv-jsonl-writer.h"
#include "hv-session-recorder.h"

/* The written part of a line kept to match patterns completed by a later piece. */
#define CONTEXT_BYTES 4096
/* A session name is cut to this many bytes in file names. */
#define NAME_BYTES 128
#define REDACTED "[REDACTED]"

struct _HvSessionRecorder
{
  GObject parent_instance;

  char *session;
  char *session_json;      /* the name as a JSON string, quotes included */
  char *cast_path;
  char *jsonl_path;
  HvJsonlWriter *cast;
  HvJsonlWriter *jsonl;
  guint cols;
  guint rows;

  gint64 start_monotonic;  /* µs, the origin of event times */
  gint64 start_real;       /* µs since the epoch at the same instant */
  gint64 last_offset;      /* µs after start of the last event: times never decrease */
  gint64 last_feed;        /* monotonic µs of the last feed */

  guint8 tail[4];          /* an incomplete UTF-8 character carried to the next feed */
  gsize tail_len;

  GPtrArray *patterns;     /* GRegex */
  GString *held;           /* the incomplete line held back for redaction */
  GString *context;        /* the written part of the current line */
  gint64 held_since;       /* monotonic µs when held became non-empty; 0 if empty */
  gboolean suppressing;    /* redacting up to the end of the line */

  GString *text;           /* scratch: decoded input, when it needed replacements */
  const char *decoded;     /* the decoded input: the input itself or text */
  gsize decoded_len;
  GString *out;            /* scratch: what one event writes */
  GString *escaped;        /* scratch: the event's data as a JSON string */
  GString *line;           /* scratch: one serialized record */
  GByteArray *joined;      /* scratch: carried tail + new input */

  gboolean finished;
};

G_DEFINE_FINAL_TYPE (HvSessionRecorder, hv_session_recorder, G_TYPE_OBJECT)

static void
hv_session_recorder_dispose (GObject *object)
{
  HvSessionRecorder *self = HV_SESSION_RECORDER (object);

  if (!self->finished && (self->cast != NULL || self->jsonl != NULL))
    {
      g_autoptr(GError) error = NULL;

      if (!hv_session_recorder_finish (self, &error))
        g_warning ("The recording of tmux session “%s” could not be finished: %s", self->session, error->message);
    }
  g_clear_object (&self->cast);
  g_clear_object (&self->jsonl);

  G_OBJECT_CLASS (hv_session_recorder_parent_class)->dispose (object);
}

static void
hv_session_recorder_finalize (GObject *object)
{
  HvSessionRecorder *self = HV_SESSION_RECORDER (object);

  g_free (self->session);
  g_free (self->session_json);
  g_free (self->cast_path);
  g_free (self->jsonl_path);
  g_clear_pointer (&self->patterns, g_ptr_array_unref);
  g_string_free (self->held, TRUE);
  g_string_free (self->context, TRUE);
  g_string_free (self->text, TRUE);
  g_string_free (self->out, TRUE);
  g_string_free (self->escaped, TRUE);
  g_string_free (self->line, TRUE);
  g_byte_array_unref (self->joined);

  G_OBJECT_CLASS (hv_session_recorder_parent_class)->finalize (object);
}

static void
hv_session_recorder_class_init (HvSessionRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hv_session_recorder_dispose;
  object_class->finalize = hv_session_recorder_finalize;
}

static void
hv_session_recorder_init (HvSessionRecorder *self)
{
  self->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_regex_unref);
  self->held = g_string_new (NULL);
  self->context = g_string_new (NULL);
  self->text = g_string_sized_new (64 * 1024);
  self->out = g_string_sized_new (64 * 1024);
  self->escaped = g_string_sized_new (128 * 1024);
  self->line = g_string_sized_new (128 * 1024);
  self->joined = g_byte_array_new ();
}

/* ---- JSON ---------------------------------------------------------------------------- */

#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

/* Bit tricks on 8 bytes at once: a high bit set in the result for a byte that is zero,
 * or below @n (n <= 128). */
static inline guint64
has_zero_byte (guint64 v)
{
  return (v - ONES) & ~v & HIGHS;
}

static inline guint64
has_byte_below (guint64 v,
                guint8  n)
{
  return (v - ONES * n) & ~v & HIGHS;
}

/* Whether none of 8 bytes needs escaping in a JSON string. */
static inline gboolean
json_plain8 (const char *s)
{
  guint64 w;

  memcpy (&w, s, sizeof w);
  return !(has_byte_below (w, 0x20) | has_zero_byte (w ^ (ONES * '"')) | has_zero_byte (w ^ (ONES * '\\')));
}

/* Appends @len bytes of valid UTF-8 as a JSON string. Control characters are escaped, so
 * the result never contains a newline and a record stays on one line. */
static void
append_json_string (GString    *out,
                    const char *s,
                    gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  gsize start = out->len;
  gsize i = 0;
  char *d;

  /* Room for the worst case (every byte a \u00XX), trimmed at the end. */
  g_string_set_size (out, start + len * 6 + 2);
  d = out->str + start;
  *d++ = '"';
  while (i < len)
    {
      gsize run = i;
      guchar c;

      while (i + 8 <= len && json_plain8 (s + i))
        i += 8;
      while (i < len && (guchar) s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
        i++;
      memcpy (d, s + run, i - run);
      d += i - run;
      if (i == len)
        break;

      c = (guchar) s[i++];
      *d++ = '\\';
      switch (c)
        {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '\n': *d++ = 'n'; break;
        case '\r': *d++ = 'r'; break;
        case '\t': *d++ = 't'; break;
        case '\b': *d++ = 'b'; break;
        case '\f': *d++ = 'f'; break;
        default:
          *d++ = 'u';
          *d++ = '0';
          *d++ = '0';
          *d++ = hex[c >> 4];
          *d++ = hex[c & 0xf];
          break;
        }
    }
  *d++ = '"';
  g_string_truncate (out, d - out->str);
}

/* Seconds with microseconds, without the locale's decimal separator. */
static void
append_seconds (GString *out,
                gint64   us)
{
  g_string_append_printf (out, "%" G_GINT64_FORMAT ".%06d", us / G_USEC_PER_SEC, (int) (us % G_USEC_PER_SEC));
}

/* RFC 3339 in UTC with microseconds: 2026-11-28T18:30:00.104511Z */
static void
append_rfc3339 (GString *out,
                gint64   real_us)
{
  time_t secs = (time_t) (real_us / G_USEC_PER_SEC);
  struct tm tm;

  gmtime_r (&secs, &tm);
  g_string_append_printf (out, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                          (int) (real_us % G_USEC_PER_SEC));
}

/* One event: `[t, "o", data]` in the .cast and `{"ts", "session", "stream", "data"}` in
 * the .jsonl. */
static gboolean
write_event (HvSessionRecorder  *self,
             gint64              monotonic_us,
             const char         *code,
             const char         *stream,
             const char         *data,
             gsize               len,
             GError            **error)
{
  gint64 offset = MAX (monotonic_us - self->start_monotonic, self->last_offset);

  self->last_offset = offset;

  /* Escaped once for both files. */
  g_string_truncate (self->escaped, 0);
  append_json_string (self->escaped, data, len);

  if (self->cast != NULL)
    {
      g_string_truncate (self->line, 0);
      g_string_append_c (self->line, '[');
      append_seconds (self->line, offset);
      g_string_append_printf (self->line, ", \"%s\", ", code);
      g_string_append_len (self->line, self->escaped->str, (gssize) self->escaped->len);
      g_string_append_c (self->line, ']');
      if (!hv_jsonl_writer_append_line (self->cast, self->line->str, error))
        return FALSE;
    }

  if (self->jsonl != NULL)
    {
      g_string_truncate (self->line, 0);
      g_string_append (self->line, "{\"ts\": \"");
      append_rfc3339 (self->line, self->start_real + offset);
      g_string_append (self->line, "\", \"session\": ");
      g_string_append (self->line, self->session_json);
      g_string_append_printf (self->line, ", \"stream\": \"%s\", \"data\": ", stream);
      g_string_append_len (self->line, self->escaped->str, (gssize) self->escaped->len);
      g_string_append_c (self->line, '}');
      if (!hv_jsonl_writer_append_line (self->jsonl, self->line->str, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_output (HvSessionRecorder  *self,
              gint64              monotonic_us,
              const char         *text,
              gsize               len,
              GError            **error)
{
  if (len == 0)
    return TRUE;
  return write_event (self, monotonic_us, "o", "output", text, len, error);
}

/* ---- UTF-8 --------------------------------------------------------------------------- */

typedef enum {
  CHAR_VALID,
  CHAR_INCOMPLETE,   /* valid so far, cut by the end of the input */
  CHAR_INVALID,
} CharKind;

/* Classifies the character starting at @s (a byte >= 0x80; @n > 0 bytes available) by
 * Unicode table 3-7. @len: the bytes of the character, of the maximal invalid
 * subsequence, or of the incomplete character. */
static inline CharKind
classify_char (const guint8 *s,
               gsize         n,
               gsize        *len)
{
  guint8 c = s[0];
  guint8 lo = 0x80, hi = 0xbf;
  gsize need, k;

  if (c >= 0xc2 && c <= 0xdf)
    need = 1;
  else if (c == 0xe0)
    need = 2, lo = 0xa0;
  else if (c == 0xed)
    need = 2, hi = 0x9f;
  else if (c >= 0xe1 && c <= 0xef)
    need = 2;
  else if (c == 0xf0)
    need = 3, lo = 0x90;
  else if (c == 0xf4)
    need = 3, hi = 0x8f;
  else if (c >= 0xf1 && c <= 0xf3)
    need = 3;
  else
    {
      *len = 1;   /* 0x80–0xc1, 0xf5–0xff never start a character */
      return CHAR_INVALID;
    }

  for (k = 1; k <= need && k < n; k++)
    {
      guint8 b = s[k];

      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf))
        break;
    }
  if (k > need)
    {
      *len = need + 1;
      return CHAR_VALID;
    }
  *len = k;
  return k == n ? CHAR_INCOMPLETE : CHAR_INVALID;
}

/* The length of the longest valid UTF-8 prefix of @s. */
static gsize
valid_prefix (const guint8 *s,
              gsize         n)
{
  gsize i = 0;

  while (i < n)
    {
      gsize len;

      if (s[i] < 0x80)
        {
          guint64 w;

          /* ASCII, 8 bytes at a time. */
          while (i + 8 <= n && (memcpy (&w, s + i, sizeof w), (w & HIGHS) == 0))
            i += 8;
          while (i < n && s[i] < 0x80)
            i++;
          continue;
        }
      if (classify_char (s + i, n - i, &len) != CHAR_VALID)
        return i;
      i += len;
    }
  return n;
}

static void
append_replacement (GString *out)
{
  g_string_append_len (out, "\xef\xbf\xbd", 3);
}

/* Appends the valid UTF-8 of @s to @out, each maximal invalid subsequence replaced by
 * U+FFFD.
 *
 * Returns: how many bytes were consumed: all of them, except an incomplete but so far
 *   valid character at the end when @final is %FALSE (at most 3 bytes). */
static gsize
decode_utf8 (const guint8 *s,
             gsize         n,
             gboolean      final,
             GString      *out)
{
  gsize i = 0;

  while (i < n)
    {
      gsize valid = valid_prefix (s + i, n - i);
      gsize len;

      g_string_append_len (out, (const char *) s + i, (gssize) valid);
      i += valid;
      if (i == n)
        break;
      if (classify_char (s + i, n - i, &len) == CHAR_INCOMPLETE && !final)
        return i;   /* cut by the end of this read: carried to the next */
      append_replacement (out);
      i += len;
    }
  return n;
}

/* Decodes @data after the carried tail into self->decoded: the input itself when it is
 * valid (the usual case, no copy), self->text otherwise. */
static void
decode_input (HvSessionRecorder *self,
              const guint8      *data,
              gsize              len,
              gboolean           final)
{
  const guint8 *s = data;
  gsize n = len;
  gsize valid, char_len, used;

  if (self->tail_len > 0)
    {
      g_byte_array_set_size (self->joined, 0);
      g_byte_array_append (self->joined, self->tail, (guint) self->tail_len);
      if (len > 0)
        g_byte_array_append (self->joined, data, (guint) len);
      s = self->joined->data;
      n = self->joined->len;
    }

  valid = valid_prefix (s, n);
  if (valid == n ||
      (!final && classify_char (s + valid, n - valid, &char_len) == CHAR_INCOMPLETE))
    {
      self->decoded = (const char *) s;
      self->decoded_len = valid;
      used = valid;
    }
  else
    {
      g_string_truncate (self->text, 0);
      used = decode_utf8 (s, n, final, self->text);
      self->decoded = self->text->str;
      self->decoded_len = self->text->len;
    }

  g_assert (n - used < sizeof self->tail);
  self->tail_len = n - used;
  if (self->tail_len > 0)
    memcpy (self->tail, s + used, self->tail_len);
}

/* ---- redaction ----------------------------------------------------------------------- */

static void
trim_context (HvSessionRecorder *self)
{
  const char *start;

  if (self->context->len <= CONTEXT_BYTES)
    return;
  /* Keep whole characters: start at a character boundary. */
  start = self->context->str + self->context->len - CONTEXT_BYTES;
  while ((*start & 0xc0) == 0x80)
    start++;
  g_string_erase (self->context, 0, start - self->context->str);
}

/* Writes the held part of the line to self->out, redacted: from the first match that ends
 * in it (it may start in the context) to the end of the line becomes "[REDACTED]". */
static void
release_held (HvSessionRecorder *self)
{
  g_autoptr(GString) joined = NULL;
  gssize first_start = -1;
  gsize ctx_len = self->context->len;

  self->held_since = 0;
  if (self->held->len == 0)
    return;

  joined = g_string_sized_new (ctx_len + self->held->len);
  g_string_append_len (joined, self->context->str, (gssize) ctx_len);
  g_string_append_len (joined, self->held->str, (gssize) self->held->len);

  for (guint i = 0; i < self->patterns->len; i++)
    {
      g_autoptr(GMatchInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      g_regex_match_full (g_ptr_array_index (self->patterns, i), joined->str, (gssize) joined->len, 0,
                          G_REGEX_MATCH_NOTEMPTY, &info, &error);
      if (error != NULL)
        {
          /* A pattern that cannot be evaluated (a match limit) may hide a secret: redact
           * everything not yet written. */
          g_warning ("Redaction pattern “%s” failed on a line of “%s”, which is redacted: %s",
                     g_regex_get_pattern (g_ptr_array_index (self->patterns, i)), self->session, error->message);
          if (first_start < 0 || (gssize) ctx_len < first_start)
            first_start = (gssize) ctx_len;
          break;
        }
      while (g_match_info_matches (info))
        {
          int start, end;

          if (g_match_info_fetch_pos (info, 0, &start, &end) && (gsize) end > ctx_len)
            {
              if (first_start < 0 || start < first_start)
                first_start = start;
              break;
            }
          if (!g_match_info_next (info, NULL))
            break;
        }
    }

  if (first_start < 0)
    {
      g_string_append_len (self->out, self->held->str, (gssize) self->held->len);
      g_string_append_len (self->context, self->held->str, (gssize) self->held->len);
      trim_context (self);
    }
  else
    {
      gsize keep = (gsize) first_start > ctx_len ? (gsize) first_start - ctx_len : 0;

      g_string_append_len (self->out, self->held->str, (gssize) keep);
      g_string_append (self->out, REDACTED);
      g_string_truncate (self->context, 0);
      self->suppressing = TRUE;
    }
  g_string_truncate (self->held, 0);
}

static const char *
find_line_end (const char *p,
               const char *end)
{
  for (; p < end; p++)
    if (*p == '\n' || *p == '\r')
      return p;
  return NULL;
}

/* Runs decoded text through the line-wise redaction into self->out. */
static void
redact (HvSessionRecorder *self,
        const char        *p,
        gsize              len,
        gint64             monotonic_us)
{
  const char *end = p + len;

  while (p < end)
    {
      const char *eol = find_line_end (p, end);

      if (eol == NULL)
        {
          if (!self->suppressing)
            {
              if (self->held->len == 0)
                self->held_since = monotonic_us;
              g_string_append_len (self->held, p, end - p);
            }
          break;
        }

      if (!self->suppressing)
        {
          g_string_append_len (self->held, p, eol - p);
          release_held (self);
        }
      /* The line ends: redaction stops, the line end is kept. */
      self->suppressing = FALSE;
      g_string_truncate (self->context, 0);
      g_string_append_c (self->out, *eol);
      p = eol + 1;
    }

  if (self->held->len >= HV_SESSION_RECORDER_HOLD_BYTES ||
      (self->held->len > 0 && monotonic_us - self->held_since >= HV_SESSION_RECORDER_HOLD_US))
    release_held (self);
}

/* ---- files --------------------------------------------------------------------------- */

/* The session name as a file name: no "/", no control characters, at most NAME_BYTES. */
static char *
file_name_for_session (const char *session)
{
  g_autofree char *valid = g_utf8_make_valid (session, -1);
  GString *name = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize n = g_utf8_next_char (p) - p;

      if (name->len + n > NAME_BYTES)
        break;
      if (c == '/' || g_unichar_iscntrl (c))
        g_string_append_c (name, '_');
      else
        g_string_append_len (name, p, (gssize) n);
    }
  if (name->len == 0)
    g_string_append_c (name, '_');
  return g_string_free (name, FALSE);
}

/* Creates `BASE.EXT` for each format with O_EXCL, trying BASE-2, BASE-3… when a
 * recording of the same session started in the same second already has the name. */
static gboolean
reserve_files (HvSessionRecorder  *self,
               const char         *dir,
               gboolean            want_cast,
               gboolean            want_jsonl,
               GError            **error)
{
  g_autofree char *name = file_name_for_session (self->session);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (self->start_real / G_USEC_PER_SEC);
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  for (guint attempt = 1; attempt <= 1000; attempt++)
    {
      g_autofree char *base = attempt == 1 ? g_strdup_printf ("%s-%s", name, stamp)
                                           : g_strdup_printf ("%s-%s-%u", name, stamp, attempt);
      g_autofree char *cast = want_cast ? g_strdup_printf ("%s/%s.cast", dir, base) : NULL;
      g_autofree char *jsonl = want_jsonl ? g_strdup_printf ("%s/%s.jsonl", dir, base) : NULL;
      const char *paths[] = { cast, jsonl };
      gboolean created[2] = { FALSE, FALSE };
      gboolean taken = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (paths) && !taken; i++)
        {
          int fd;

          if (paths[i] == NULL)
            continue;
          fd = g_open (paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
          if (fd >= 0)
            {
              close (fd);
              created[i] = TRUE;
            }
          else if (errno == EEXIST)
            taken = TRUE;
          else
            {
              int saved = errno;

              for (guint j = 0; j < i; j++)
                if (created[j])
                  g_unlink (paths[j]);
              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _("Could not create the recording %s: %s"), paths[i], g_strerror (saved));
              return FALSE;
            }
        }

      if (!taken)
        {
          self->cast_path = g_steal_pointer (&cast);
          self->jsonl_path = g_steal_pointer (&jsonl);
          return TRUE;
        }
      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        if (created[i])
          g_unlink (paths[i]);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("Could not create a recording of “%s” in %s: too many recordings started in the same second"),
               self->session, dir);
  return FALSE;
}

static char *
header_line (HvSessionRecorder *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *env_names[] = { "SHELL", "TERM" };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 2);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, self->cols);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, self->rows);
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_int_value (builder, self->start_real / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->session);
  json_builder_set_member_name (builder, "env");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (env_names); i++)
    {
      const char *value = g_getenv (env_names[i]);

      if (value != NULL)
        {
          g_autofree char *valid = g_utf8_make_valid (value, -1);

          json_builder_set_member_name (builder, env_names[i]);
          json_builder_add_string_value (builder, valid);
        }
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static HvJsonlWriter *
open_writer (const char  *path,
             GError     **error)
{
  HvJsonlWriter *writer = hv_jsonl_writer_new (path, error);

  /* One write(2) per event and file; the disk sees it at the latest when the recording
   * finishes. fdatasync per event would cost more than the terminal itself. */
  if (writer != NULL)
    hv_jsonl_writer_set_sync (writer, FALSE);
  return writer;
}

static gboolean
open_files (HvSessionRecorder  *self,
            GError            **error)
{
  if (self->cast_path != NULL)
    {
      g_autofree char *header = header_line (self);

      self->cast = open_writer (self->cast_path, error);
      if (self->cast == NULL || !hv_jsonl_writer_append_line (self->cast, header, error))
        return FALSE;
    }
  if (self->jsonl_path != NULL)
    {
      self->jsonl = open_writer (self->jsonl_path, error);
      if (self->jsonl == NULL)
        return FALSE;
    }
  return TRUE;
}

/**
 * hv_session_recorder_new:
 * @session: the tmux session name; the title of the recording and the start of its file name
 * @dir: the folder for the files; created (0700) if missing, left as it is otherwise
 * @cols: (in): the pane's width at the start
 * @rows: the pane's height at the start
 * @redact_patterns: (nullable) (array zero-terminated=1): GRegex patterns; %NULL for none
 * @formats: (nullable) (array zero-terminated=1): "cast" and/or "jsonl"; %NULL for both
 *
 * Creates the files and writes the .cast header. Event times count from now.
 *
 * Returns: (transfer full): the recorder, or %NULL with @error set when a pattern does not
 *   compile, a format is unknown or the files cannot be created.
 */
HvSessionRecorder *
hv_session_recorder_new (const char          *session,
                         const char          *dir,
                         guint                cols,
                         guint                rows,
                         const char * const  *redact_patterns,
                         const char * const  *formats,
                         GError             **error)
{
  static const char * const default_formats[] = { "cast", "jsonl", NULL };
  g_autoptr(HvSessionRecorder) self = NULL;
  g_autofree char *valid_session = NULL;
  g_autoptr(GString) session_json = g_string_new (NULL);
  gboolean want_cast = FALSE, want_jsonl = FALSE;

  g_return_val_if_fail (session != NULL, NULL);
  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (cols > 0 && rows > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HV_TYPE_SESSION_RECORDER, NULL);
  valid_session = g_utf8_make_valid (session, -1);
  self->session = g_steal_pointer (&valid_session);
  append_json_string (session_json, self->session, strlen (self->session));
  self->session_json = g_string_free (g_steal_pointer (&session_json), FALSE);
  self->cols = cols;
  self->rows = rows;

  for (guint i = 0; redact_patterns != NULL && redact_patterns[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      GRegex *regex = g_regex_new (redact_patterns[i], G_REGEX_OPTIMIZE, 0, &local_error);

      if (regex == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The redaction pattern “%s” is not a regular expression: %s. Fix recording.redact_patterns in policy.toml"),
                       redact_patterns[i], local_error->message);
          return NULL;
        }
      g_ptr_array_add (self->patterns, regex);
    }

  if (formats == NULL)
    formats = default_formats;
  for (guint i = 0; formats[i] != NULL; i++)
    {
      if (g_str_equal (formats[i], "cast"))
        want_cast = TRUE;
      else if (g_str_equal (formats[i], "jsonl"))
        want_jsonl = TRUE;
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Unknown recording format “%s”: the formats are “cast” and “jsonl”"), formats[i]);
          return NULL;
        }
    }
  if (!want_cast && !want_jsonl)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No recording format given: choose “cast”, “jsonl” or both"));
      return NULL;
    }

  /* Only created when missing: a folder given by the user keeps its mode. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the recordings folder %s: %s"), dir, g_strerror (saved));
      return NULL;
    }

  self->start_monotonic = g_get_monotonic_time ();
  self->start_real = g_get_real_time ();
  self->last_feed = self->start_monotonic;

  if (!reserve_files (self, dir, want_cast, want_jsonl, error))
    return NULL;

  if (!open_files (self, error))
    {
      /* Leave no half-written recording behind. */
      self->finished = TRUE;
      g_clear_object (&self->cast);
      g_clear_object (&self->jsonl);
      if (self->cast_path != NULL)
        g_unlink (self->cast_path);
      if (self->jsonl_path != NULL)
        g_unlink (self->jsonl_path);
      return NULL;
    }

  g_debug ("Recording tmux session “%s” (%ux%u) to %s%s%s", self->session, cols, rows,
           self->cast_path ? self->cast_path : "", self->cast_path && self->jsonl_path ? " and " : "",
           self->jsonl_path ? self->jsonl_path : "");

  return g_steal_pointer (&self);
}

const char *
hv_session_recorder_get_session (HvSessionRecorder *self)
{
  g_return_val_if_fail (HV_IS_SESSION_RECORDER (self), NULL);

  return self->session;
}

/** hv_session_recorder_get_cast_path: Returns: (nullable): the .cast file, if recorded */
const char *
hv_session_recorder_get_cast_path (HvSessionRecorder *self)
{
  g_return_val_if_fail (HV_IS_SESSION_RECORDER (self), NULL);

  return self->cast_path;
}

/** hv_session_recorder_get_jsonl_path: Returns: (nullable): the .jsonl file, if recorded */
const char *
hv_session_recorder_get_jsonl_path (HvSessionRecorder *self)
{
  g_return_val_if_fail (HV_IS_SESSION_RECORDER (self), NULL);

  return self->jsonl_path;
}

void
hv_session_recorder_get_size (HvSessionRecorder *self,
                              guint             *cols,
                              guint             *rows)
{
  g_return_if_fail (HV_IS_SESSION_RECORDER (self));

  if (cols != NULL)
    *cols = self->cols;
  if (rows != NULL)
    *rows = self->rows;
}

static gboolean
check_open (HvSessionRecorder  *self,
            GError            **error)
{
  if (!self->finished)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
               _("The recording of “%s” is already finished"), self->session);
  return FALSE;
}

/**
 * hv_session_recorder_feed:
 * @data: (array length=len): output of the pane, as read
 * @monotonic_us: when it was read (g_get_monotonic_time())
 *
 * Writes @data as one output event, after the character carried from the previous feed
 * and minus what is held back for redaction (see the top of hv-session-recorder.h).
 */
gboolean
hv_session_recorder_feed (HvSessionRecorder  *self,
                          const guint8       *data,
                          gsize               len,
                          gint64              monotonic_us,
                          GError            **error)
{
  g_return_val_if_fail (HV_IS_SESSION_RECORDER (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (len <= G_MAXUINT - 4, FALSE);

  if (!check_open (self, error))
    return FALSE;

  self->last_feed = MAX (self->last_feed, monotonic_us);
  decode_input (self, data, len, FALSE);

  if (self->patterns->len == 0)
    return write_output (self, monotonic_us, self->decoded, self->decoded_len, error);

  g_string_truncate (self->out, 0);
  redact (self, self->decoded, self->decoded_len, monotonic_us);
  return write_output (self, monotonic_us, self->out->str, self->out->len, error);
}

/**
 * hv_session_recorder_get_deadline:
 *
 * Returns: the monotonic time at which hv_session_recorder_flush() should write the line
 *   held back for redaction, or -1 when nothing is held
 */
gint64
hv_session_recorder_get_deadline (HvSessionRecorder *self)
{
  g_return_val_if_fail (HV_IS_SESSION_RECORDER (self), -1);

  if (self->held->len == 0)
    return -1;
  return self->held_since + HV_SESSION_RECORDER_HOLD_US;
}

/**
 * hv_session_recorder_flush:
 * @monotonic_us: now
 *
 * Writes the line held back for redaction (redacted), as an event at @monotonic_us.
 * An incomplete character stays carried: it has no valid encoding yet.
 */
gboolean
hv_session_recorder_flush (HvSessionRecorder  *self,
                           gint64              monotonic_us,
                           GError            **error)
{
  g_return_val_if_fail (HV_IS_SESSION_RECORDER (self), FALSE);

  if (!check_open (self, error))
    return FALSE;
  if (self->held->len == 0)
    return TRUE;

  g_string_truncate (self->out, 0);
  release_held (self);
  return write_output (self, monotonic_us, self->out->str, self->out->len, error);
}

/**
 * hv_session_recorder_resize:
 * @monotonic_us: when the pane took the new size
 *
 * Writes a resize event (`"r"`, "COLSxROWS"), after the output held back until then.
 * A size equal to the current one writes nothing.
 */
gboolean
hv_session_recorder_resize (HvSessionRecorder  *self,
                            guint               cols,
                            guint               rows,
                            gint64              monotonic_us,
                            GError            **error)
{
  char size[32];

  g_return_val_if_fail (HV_IS_SESSION_RECORDER (self), FALSE);
  g_return_val_if_fail (cols > 0 && rows > 0, FALSE);

  if (!check_open (self, error))
    return FALSE;
  if (cols == self->cols && rows == self->rows)
    return TRUE;

  if (!hv_session_recorder_flush (self, monotonic_us, error))
    return FALSE;

  self->cols = cols;
  self->rows = rows;
  g_snprintf (size, sizeof size, "%ux%u", cols, rows);
  return write_event (self, monotonic_us, "r", "resize", size, strlen (size), error);
}

/**
 * hv_session_recorder_finish:
 *
 * Writes what is still held back (a character left incomplete becomes U+FFFD) at the
 * time of the last feed, and closes the files, flushing them to the disk. Calling it
 * again does nothing.
 */
gboolean
hv_session_recorder_finish (HvSessionRecorder  *self,
                            GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (HV_IS_SESSION_RECORDER (self), FALSE);

  if (self->finished)
    return TRUE;
  self->finished = TRUE;

  decode_input (self, NULL, 0, TRUE);
  if (self->patterns->len == 0)
    ok = write_output (self, self->last_feed, self->decoded, self->decoded_len, &local_error);
  else
    {
      g_string_truncate (self->out, 0);
      redact (self, self->decoded, self->decoded_len, self->last_feed);
      release_held (self);
      ok = write_output (self, self->last_feed, self->out->str, self->out->len, &local_error);
    }

  /* Close both even when one fails; report the first error. */
  if (self->cast != NULL && !hv_jsonl_writer_close (self->cast, ok ? &local_error : NULL))
    ok = FALSE;
  if (self->jsonl != NULL && !hv_jsonl_writer_close (self->jsonl, ok ? &local_error : NULL))
    ok = FALSE;

  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_debug ("Finished the recording of tmux session “%s”", self->session);
  return TRUE;
}

/* ---- the pipe-pane command ----------------------------------------------------------- */

/* @arg for `sh -c`, inside a tmux format: tmux expands the command with strftime(3) (when
 * it contains "%") and then as a format ("#"), so both are doubled to stay literal. */
static void
append_argument (GString    *cmd,
                 const char *arg)
{
  g_autofree char *quoted = g_shell_quote (arg);

  g_string_append_c (cmd, ' ');
  for (const char *p = quoted; *p != '\0'; p++)
    {
      if (*p == '#' || *p == '%')
        g_string_append_c (cmd, *p);
      g_string_append_c (cmd, *p);
    }
}

/**
 * hv_session_recorder_build_pipe_command:
 * @hydravisor_path: the hydravisor binary, absolute
 * @session: the tmux session name
 * @socket_name: (nullable): the server's `-L` name; %NULL or "" for the default server
 * @dir: (nullable): where to write; %NULL for policy.toml's recording.log_dir
 * @config_dir: (nullable): the `--config` folder; %NULL for the default
 * @cols: the pane width, or 0 to let tmux fill in the pane's size when it runs the command
 * @rows: the pane height, or 0 (likewise)
 *
 * Builds the argument of `tmux pipe-pane -O`: a tmux format that expands to
 * `exec HYDRAVISOR [--config DIR] record --session NAME … --pane %ID` for `sh -c`. Each
 * given string is shell-quoted and protected from tmux's expansion, so any session name
 * or path reaches the recorder intact. The result ends in a format, never in ";" (which
 * tmux would take for a command separator). It is meant for pipe-pane only: tmux's
 * expansion is part of the quoting.
 *
 * Returns: (transfer full) (nullable): the command, or %NULL when it would exceed the
 *   8 KiB tmux can expand
 */
char *
hv_session_recorder_build_pipe_command (const char *hydravisor_path,
                                        const char *session,
                                        const char *socket_name,
                                        const char *dir,
                                        const char *config_dir,
                                        guint       cols,
                                        guint       rows)
{
  g_autoptr(GString) cmd = g_string_new ("exec");

  g_return_val_if_fail (hydravisor_path != NULL && g_path_is_absolute (hydravisor_path), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  append_argument (cmd, hydravisor_path);
  if (config_dir != NULL)
    {
      g_string_append (cmd, " --config");
      append_argument (cmd, config_dir);
    }
  g_string_append (cmd, " record --session");
  append_argument (cmd, session);
  if (socket_name != NULL && socket_name[0] != '\0')
    {
      g_string_append (cmd, " --socket-name");
      append_argument (cmd, socket_name);
    }
  if (dir != NULL)
    {
      g_string_append (cmd, " --dir");
      append_argument (cmd, dir);
    }
  if (cols > 0 && rows > 0)
    g_string_append_printf (cmd, " --size %ux%u", cols, rows);
  else
    g_string_append (cmd, " --size #{pane_width}x#{pane_height}");
  g_string_append (cmd, " --pane #{pane_id}");

  /* tmux's strftime expansion uses an 8192-byte buffer and runs nothing if it overflows. */
  if (cmd->len >= 8000)
    return NULL;
  return g_string_free (g_steal_pointer (&cmd), FALSE);
}
