// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-ollama-chunk.h"

typedef struct {
  const char *p;
  const char *end;
  HvOllamaChunk *chunk;
  gboolean generate;
  gboolean done;
  gboolean has_error;
} Scanner;

typedef enum {
  TARGET_NONE,
  TARGET_CONTENT,
  TARGET_THINKING,
} Target;

void
hv_ollama_chunk_init (HvOllamaChunk *chunk)
{
  chunk->content = g_string_new (NULL);
  chunk->thinking = g_string_new (NULL);
}

void
hv_ollama_chunk_clear (HvOllamaChunk *chunk)
{
  g_string_free (chunk->content, TRUE);
  g_string_free (chunk->thinking, TRUE);
}

static void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
literal (Scanner    *s,
         const char *word,
         gsize       length)
{
  if ((gsize) (s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return FALSE;
  s->p += length;
  return TRUE;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Scanner  *s,
           gunichar *value)
{
  *value = 0;
  if (s->end - s->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_digit (s->p[i]);

      if (digit < 0)
        return FALSE;
      *value = *value * 16 + (gunichar) digit;
    }
  s->p += 4;
  return TRUE;
}

/* A string, after its opening quote. Decoded into @out when it is not NULL. Refuses raw
 * control characters, bad escapes, lone surrogates and invalid UTF-8. */
static gboolean
string (Scanner *s,
        GString *out)
{
  while (s->p < s->end)
    {
      const char *start = s->p;

      /* The plain run up to the next quote, backslash or control character. */
      while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (guchar) *s->p >= 0x20)
        s->p++;
      if (s->p > start)
        {
          if (!g_utf8_validate_len (start, s->p - start, NULL))
            return FALSE;
          if (out != NULL)
            g_string_append_len (out, start, s->p - start);
        }
      if (s->p >= s->end || (guchar) *s->p < 0x20)
        return FALSE;
      if (*s->p == '"')
        {
          s->p++;
          return TRUE;
        }

      /* An escape. */
      s->p++;
      if (s->p >= s->end)
        return FALSE;
      {
        char c = *s->p++;
        gunichar u;

        switch (c)
          {
          case '"': u = '"'; break;
          case '\\': u = '\\'; break;
          case '/': u = '/'; break;
          case 'b': u = '\b'; break;
          case 'f': u = '\f'; break;
          case 'n': u = '\n'; break;
          case 'r': u = '\r'; break;
          case 't': u = '\t'; break;
          case 'u':
            if (!read_hex4 (s, &u))
              return FALSE;
            if (u >= 0xDC00 && u <= 0xDFFF)
              return FALSE;
            if (u >= 0xD800 && u <= 0xDBFF)
              {
                gunichar low;

                if (!literal (s, "\\u", 2) || !read_hex4 (s, &low) || low < 0xDC00 || low > 0xDFFF)
                  return FALSE;
                u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
              }
            if (u == 0)
              return FALSE;   /* would end a C string early: leave it to json-glib */
            break;
          default:
            return FALSE;
          }
        if (out != NULL)
          g_string_append_unichar (out, u);
      }
    }
  return FALSE;
}

static gboolean
digits (Scanner *s)
{
  const char *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start;
}

static gboolean
number (Scanner *s)
{
  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!digits (s))
    return FALSE;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!digits (s))
        return FALSE;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!digits (s))
        return FALSE;
    }
  return TRUE;
}

static gboolean value (Scanner *s, int depth, gboolean in_message, gboolean *is_true);

/* An object, after its opening brace. At depth 0 (the line) and in "message" (depth 1 of
 * a chat), the members that carry text are decoded. */
static gboolean
object (Scanner  *s,
        int       depth,
        gboolean  is_message)
{
  g_autoptr(GString) key = g_string_new (NULL);

  skip_space (s);
  if (s->p < s->end && *s->p == '}')
    {
      s->p++;
      return TRUE;
    }

  for (;;)
    {
      Target target = TARGET_NONE;
      gboolean child_is_message = FALSE;
      gboolean is_true = FALSE;

      skip_space (s);
      if (s->p >= s->end || *s->p != '"')
        return FALSE;
      s->p++;
      g_string_truncate (key, 0);
      if (!string (s, key))
        return FALSE;
      skip_space (s);
      if (s->p >= s->end || *s->p != ':')
        return FALSE;
      s->p++;
      skip_space (s);

      if (depth == 0)
        {
          if (g_str_equal (key->str, "error"))
            s->has_error = TRUE;
          if (s->generate)
            {
              if (g_str_equal (key->str, "response"))
                target = TARGET_CONTENT;
              else if (g_str_equal (key->str, "thinking"))
                target = TARGET_THINKING;
            }
          else if (g_str_equal (key->str, "message"))
            {
              /* A repeated "message" replaces the earlier one entirely. */
              child_is_message = TRUE;
              g_string_truncate (s->chunk->content, 0);
              g_string_truncate (s->chunk->thinking, 0);
            }
        }
      else if (is_message)
        {
          if (g_str_equal (key->str, "content"))
            target = TARGET_CONTENT;
          else if (g_str_equal (key->str, "thinking"))
            target = TARGET_THINKING;
        }

      if (target != TARGET_NONE && s->p < s->end && *s->p == '"')
        {
          /* The last of duplicate members wins, as in json-glib. */
          GString *out = target == TARGET_CONTENT ? s->chunk->content : s->chunk->thinking;

          g_string_truncate (out, 0);
          s->p++;
          if (!string (s, out))
            return FALSE;
        }
      else if (target != TARGET_NONE)
        {
          /* Not a string where text belongs: unusual, let json-glib judge. */
          return FALSE;
        }
      else
        {
          if (!value (s, depth + 1, child_is_message, &is_true))
            return FALSE;
          if (depth == 0 && g_str_equal (key->str, "done"))
            s->done = is_true;
        }

      skip_space (s);
      if (s->p >= s->end)
        return FALSE;
      if (*s->p == ',')
        {
          s->p++;
          continue;
        }
      if (*s->p == '}')
        {
          s->p++;
          return TRUE;
        }
      return FALSE;
    }
}

static gboolean
array (Scanner *s,
       int      depth)
{
  skip_space (s);
  if (s->p < s->end && *s->p == ']')
    {
      s->p++;
      return TRUE;
    }
  for (;;)
    {
      gboolean is_true;

      skip_space (s);
      if (!value (s, depth + 1, FALSE, &is_true))
        return FALSE;
      skip_space (s);
      if (s->p >= s->end)
        return FALSE;
      if (*s->p == ',')
        {
          s->p++;
          continue;
        }
      if (*s->p == ']')
        {
          s->p++;
          return TRUE;
        }
      return FALSE;
    }
}

static gboolean
value (Scanner  *s,
       int       depth,
       gboolean  is_message,
       gboolean *is_true)
{
  *is_true = FALSE;
  if (depth > 64 || s->p >= s->end)
    return FALSE;

  switch (*s->p)
    {
    case '{':
      s->p++;
      return object (s, depth, is_message);
    case '[':
      s->p++;
      return array (s, depth);
    case '"':
      s->p++;
      return string (s, NULL);
    case 't':
      return (*is_true = literal (s, "true", 4));
    case 'f':
      return literal (s, "false", 5);
    case 'n':
      return literal (s, "null", 4);
    default:
      return number (s);
    }
}

/**
 * hv_ollama_chunk_scan:
 * @line: one line of the stream, without its newline
 * @generate: the line comes from /api/generate ("response") rather than /api/chat
 *
 * Returns: %TRUE when @line is a plain chunk, its text in @chunk; %FALSE when json-glib
 *   must read it (not valid JSON, not an object, "done": true, an "error" member, or text
 *   that is not a string)
 */
gboolean
hv_ollama_chunk_scan (HvOllamaChunk *chunk,
                      const char    *line,
                      gsize          length,
                      gboolean       generate)
{
  Scanner s = { line, line + length, chunk, generate, FALSE, FALSE };

  g_string_truncate (chunk->content, 0);
  g_string_truncate (chunk->thinking, 0);

  skip_space (&s);
  if (s.p >= s.end || *s.p != '{')
    return FALSE;
  s.p++;
  if (!object (&s, 0, FALSE))
    return FALSE;
  skip_space (&s);
  return s.p == s.end && !s.done && !s.has_error;
}
