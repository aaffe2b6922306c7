// SPDX-License-Identifier: GPL-3.0-or-later
/* HvConfigEditor: changes settings of a TOML file in place.
 *
 * The file's text is kept as it is and edited where a value stands, using the byte spans the
 * parser records (hv_toml_node_get_span(), hv_toml_table_get_body_end()):
 *
 *  - a key that exists: exactly its value's text is replaced by the new literal;
 *  - a missing key whose table has a body (the root, a [section]): a `key = value` line is
 *    inserted after the last key/value line of that body, with that line's indentation;
 *  - a missing key whose table does not exist, or exists only as the parent of another
 *    [section]: a new [section] with the key is appended at the end of the file.
 *
 * Anything else (adding a key to an inline table or to a table made by dotted keys, a value
 * of another type than the one expected, a list with comments inside) is refused with
 * G_IO_ERROR_NOT_SUPPORTED and a message that says where and why, rather than rewriting the
 * user's formatting. Inserted lines use the file's line ending (LF or CRLF).
 *
 * Every edit is checked by parsing the new text again and looking the key up; an edit that
 * fails the check is undone. A file that does not parse is never edited.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hv-config-editor.h"
#include "hv-paths.h"
#include "hv-toml.h"

struct _HvConfigEditor
{
  GObject     parent_instance;

  char       *path;
  GString    *text;     /* the current text */
  char       *loaded;   /* the text as read or last saved; NULL if the file did not exist */
  gsize       loaded_len;
  HvTomlNode *root;     /* the current text, parsed */
};

G_DEFINE_FINAL_TYPE (HvConfigEditor, hv_config_editor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A new value for a key. */
typedef struct {
  HvTomlType          kind;   /* STRING, INTEGER, BOOLEAN, or ARRAY for a list of strings */
  const char         *string;
  gint64              integer;
  gboolean            boolean;
  const char * const *strv;
} Value;

/* ------------------------------------------------------------------------------------------ */
/* Text helpers                                                                                */
/* ------------------------------------------------------------------------------------------ */

static gsize
bom_length (GString *text)
{
  return text->len >= 3 && memcmp (text->str, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* The file's line ending: the one of its first line, LF for a file without lines. */
static const char *
line_ending (GString *text)
{
  const char *nl = memchr (text->str, '\n', text->len);

  return nl != NULL && nl > text->str && nl[-1] == '\r' ? "\r\n" : "\n";
}

static gsize
line_start (GString *text,
            gsize    offset)
{
  while (offset > 0 && text->str[offset - 1] != '\n')
    offset--;
  return offset;
}

/* The spaces and tabs that start the line holding offset. */
static char *
indentation_at (GString *text,
                gsize    offset)
{
  gsize start = line_start (text, offset);
  gsize end = start;

  while (end < text->len && (text->str[end] == ' ' || text->str[end] == '\t'))
    end++;
  return g_strndup (text->str + start, end - start);
}

static void
append_basic_string (GString    *out,
                     const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (c < 0x20 || c == 0x7F)
            g_string_append_printf (out, "\\u%04X", c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

/* How a list is laid out when it replaces a list written over several lines. */
typedef struct {
  const char *eol;
  char       *item_indent;
  char       *close_indent;
  gboolean    trailing_comma;
} ListLayout;

static void
list_layout_clear (ListLayout *layout)
{
  g_clear_pointer (&layout->item_indent, g_free);
  g_clear_pointer (&layout->close_indent, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ListLayout, list_layout_clear)

/* The TOML text of value; a list over several lines if layout is given. */
static char *
value_to_literal (const Value      *value,
                  const ListLayout *layout)
{
  GString *out = g_string_new (NULL);

  switch (value->kind)
    {
    case HV_TOML_STRING:
      append_basic_string (out, value->string);
      break;
    case HV_TOML_INTEGER:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, value->integer);
      break;
    case HV_TOML_BOOLEAN:
      g_string_append (out, value->boolean ? "true" : "false");
      break;
    case HV_TOML_ARRAY:
      {
        guint n = g_strv_length ((char **) value->strv);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (layout != NULL)
              {
                g_string_append (out, i == 0 ? layout->eol : "");
                g_string_append (out, layout->item_indent);
              }
            append_basic_string (out, value->strv[i]);
            if (layout != NULL)
              {
                if (i + 1 < n || layout->trailing_comma)
                  g_string_append_c (out, ',');
                g_string_append (out, layout->eol);
              }
            else if (i + 1 < n)
              g_string_append (out, ", ");
          }
        if (layout != NULL && n > 0)
          g_string_append (out, layout->close_indent);
        g_string_append_c (out, ']');
        break;
      }
    case HV_TOML_TABLE:
    case HV_TOML_FLOAT:
    case HV_TOML_DATETIME:
    case HV_TOML_DATETIME_LOCAL:
    case HV_TOML_DATE_LOCAL:
    case HV_TOML_TIME_LOCAL:
    default:
      g_assert_not_reached ();
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Values in the tree                                                                          */
/* ------------------------------------------------------------------------------------------ */

static gboolean
is_string_array (HvTomlNode *node)
{
  guint n;

  if (hv_toml_node_get_kind (node) != HV_TOML_ARRAY || !hv_toml_node_get_span (node, NULL, NULL))
    return FALSE;
  n = hv_toml_array_get_length (node);
  for (guint i = 0; i < n; i++)
    if (hv_toml_node_get_kind (hv_toml_array_get_element (node, i)) != HV_TOML_STRING)
      return FALSE;
  return TRUE;
}

static gboolean
string_equals (HvTomlNode *node,
               const char *str)
{
  gsize len = strlen (str);

  return hv_toml_node_get_string_length (node) == len &&
         memcmp (hv_toml_node_get_string (node), str, len) == 0;
}

/* Whether node has value's type (a list of strings for an ARRAY value). */
static gboolean
value_kind_matches (HvTomlNode  *node,
                    const Value *value)
{
  if (value->kind == HV_TOML_ARRAY)
    return is_string_array (node);
  return hv_toml_node_get_kind (node) == value->kind;
}

static gboolean
value_equals (HvTomlNode  *node,
              const Value *value)
{
  if (node == NULL || !value_kind_matches (node, value))
    return FALSE;

  switch (value->kind)
    {
    case HV_TOML_STRING:
      return string_equals (node, value->string);
    case HV_TOML_INTEGER:
      return hv_toml_node_get_int (node) == value->integer;
    case HV_TOML_BOOLEAN:
      return !hv_toml_node_get_boolean (node) == !value->boolean;
    case HV_TOML_ARRAY:
      {
        guint n = hv_toml_array_get_length (node);

        if (g_strv_length ((char **) value->strv) != n)
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!string_equals (hv_toml_array_get_element (node, i), value->strv[i]))
            return FALSE;
        return TRUE;
      }
    case HV_TOML_TABLE:
    case HV_TOML_FLOAT:
    case HV_TOML_DATETIME:
    case HV_TOML_DATETIME_LOCAL:
    case HV_TOML_DATE_LOCAL:
    case HV_TOML_TIME_LOCAL:
    default:
      g_assert_not_reached ();
    }
}

static const char *
describe_node (HvTomlNode *node)
{
  switch (hv_toml_node_get_kind (node))
    {
    case HV_TOML_TABLE:
      return hv_toml_table_get_origin (node) == HV_TOML_TABLE_ORIGIN_INLINE
             ? _("an inline table") : _("a table");
    case HV_TOML_ARRAY:
      if (!hv_toml_node_get_span (node, NULL, NULL))
        return _("an array of tables");
      return is_string_array (node) ? _("a list of strings") : _("a list of other values than strings");
    case HV_TOML_STRING: return _("a string");
    case HV_TOML_INTEGER: return _("an integer");
    case HV_TOML_FLOAT: return _("a float");
    case HV_TOML_BOOLEAN: return _("a boolean");
    case HV_TOML_DATETIME:
    case HV_TOML_DATETIME_LOCAL:
    case HV_TOML_DATE_LOCAL:
    case HV_TOML_TIME_LOCAL:
      return _("a date/time");
    default:
      return _("a value");
    }
}

static const char *
describe_kind (const Value *value)
{
  switch (value->kind)
    {
    case HV_TOML_STRING: return _("a string");
    case HV_TOML_INTEGER: return _("an integer");
    case HV_TOML_BOOLEAN: return _("a boolean");
    case HV_TOML_ARRAY: return _("a list of strings");
    case HV_TOML_TABLE:
    case HV_TOML_FLOAT:
    case HV_TOML_DATETIME:
    case HV_TOML_DATETIME_LOCAL:
    case HV_TOML_DATE_LOCAL:
    case HV_TOML_TIME_LOCAL:
    default:
      g_assert_not_reached ();
    }
}

/* Whether the text between the elements of a list (string elements only) holds a comment. */
static gboolean
list_has_comment (GString    *text,
                  HvTomlNode *list)
{
  gsize start, end, gap_start;
  guint n = hv_toml_array_get_length (list);

  hv_toml_node_get_span (list, &start, &end);
  gap_start = start + 1;
  for (guint i = 0; i <= n; i++)
    {
      gsize gap_end = end - 1, next_start = end;

      if (i < n)
        hv_toml_node_get_span (hv_toml_array_get_element (list, i), &gap_end, &next_start);
      if (memchr (text->str + gap_start, '#', gap_end - gap_start) != NULL)
        return TRUE;
      gap_start = next_start;
    }
  return FALSE;
}

/* The layout of a list written over several lines, to write the new list the same way. */
static void
list_layout_init (ListLayout *layout,
                  GString    *text,
                  HvTomlNode *list,
                  const char *eol)
{
  gsize start, end, open_line;
  guint n = hv_toml_array_get_length (list);
  g_autofree char *key_indent = NULL;

  hv_toml_node_get_span (list, &start, &end);
  open_line = line_start (text, start);
  key_indent = indentation_at (text, start);

  layout->eol = eol;
  layout->trailing_comma = n == 0;

  for (guint i = 0; i < n && layout->item_indent == NULL; i++)
    {
      gsize item_start;

      hv_toml_node_get_span (hv_toml_array_get_element (list, i), &item_start, NULL);
      if (line_start (text, item_start) != open_line)
        layout->item_indent = indentation_at (text, item_start);
    }
  if (layout->item_indent == NULL)
    layout->item_indent = g_strconcat (key_indent, "  ", NULL);

  /* The ']' on a line of its own keeps that line's indentation. */
  {
    gsize close = end - 1;
    gsize ls = line_start (text, close);
    gboolean alone = TRUE;

    for (gsize k = ls; k < close; k++)
      if (text->str[k] != ' ' && text->str[k] != '\t')
        alone = FALSE;
    layout->close_indent = alone ? g_strndup (text->str + ls, close - ls) : g_strdup (key_indent);
  }

  if (n > 0)
    {
      gsize last_end;

      hv_toml_node_get_span (hv_toml_array_get_element (list, n - 1), NULL, &last_end);
      for (gsize k = last_end; k < end - 1; k++)
        {
          char c = text->str[k];
          if (c == ',')
            layout->trailing_comma = TRUE;
          if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            break;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Editing                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static gboolean
is_modified (HvConfigEditor *self)
{
  if (self->loaded == NULL)
    return self->text->len > 0;
  return self->text->len != self->loaded_len ||
         memcmp (self->text->str, self->loaded, self->loaded_len) != 0;
}

static gboolean
key_is_valid (const char *key)
{
  gboolean part_empty = TRUE;

  for (const char *p = key; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (part_empty)
            return FALSE;
          part_empty = TRUE;
        }
      else if (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
        part_empty = FALSE;
      else
        return FALSE;
    }
  return !part_empty;
}

static gboolean refuse (HvConfigEditor *self,
                        HvTomlNode     *where,
                        GError        **error,
                        const char     *format,
                        ...) G_GNUC_PRINTF (4, 5);

/* Fails with G_IO_ERROR_NOT_SUPPORTED: "PATH:LINE:COLUMN: message". */
static gboolean
refuse (HvConfigEditor *self,
        HvTomlNode     *where,
        GError        **error,
        const char     *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s:%u:%u: %s", self->path,
               hv_toml_node_get_line (where), hv_toml_node_get_column (where), message);
  return FALSE;
}

/* Makes new_text the current text if it parses and gives key the value; otherwise leaves
 * everything as it was and fails (that would be a bug of the editor). */
static gboolean
commit (HvConfigEditor *self,
        GString        *new_text,
        const char     *key,
        const Value    *value,
        GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(HvTomlNode) root = NULL;
  gboolean was_modified = is_modified (self);

  root = hv_toml_parse (new_text->str, new_text->len, self->path, &local_error);
  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Setting %s in %s would make the file invalid (%s). This is a bug in "
                     "Hydravisor; the file was not changed. Edit it by hand and please report "
                     "the problem"),
                   key, self->path, local_error->message);
      g_string_free (new_text, TRUE);
      return FALSE;
    }
  if (!value_equals (hv_toml_lookup (root, key), value))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Setting %s in %s did not give it the new value. This is a bug in "
                     "Hydravisor; the file was not changed. Edit it by hand and please report "
                     "the problem"),
                   key, self->path);
      g_string_free (new_text, TRUE);
      return FALSE;
    }

  g_string_free (self->text, TRUE);
  self->text = new_text;
  g_clear_pointer (&self->root, hv_toml_node_unref);
  self->root = g_steal_pointer (&root);

  if (was_modified != is_modified (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
  return TRUE;
}

static gboolean
replace_value (HvConfigEditor *self,
               HvTomlNode     *node,
               const char     *key,
               const Value    *value,
               GError        **error)
{
  g_auto(ListLayout) layout = { 0 };
  g_autofree char *literal = NULL;
  gsize start, end;
  GString *new_text;

  if (!value_kind_matches (node, value))
    return refuse (self, node, error,
                   _("%s is %s, not %s; Hydravisor does not change the type of a setting you "
                     "wrote. Edit the file by hand."),
                   key, describe_node (node), describe_kind (value));

  if (value_equals (node, value))
    return TRUE;   /* keep the text as written: 'single quotes', 1_000, … */

  if (!hv_toml_node_get_span (node, &start, &end))
    g_assert_not_reached ();   /* only tables have no span, and they are not of value's kind */

  if (value->kind == HV_TOML_ARRAY)
    {
      if (list_has_comment (self->text, node))
        return refuse (self, node, error,
                       _("%s has comments inside its list; Hydravisor cannot replace the list "
                         "without losing them. Edit the file by hand or move the comments out "
                         "of the list."),
                       key);
      if (memchr (self->text->str + start, '\n', end - start) != NULL)
        list_layout_init (&layout, self->text, node, line_ending (self->text));
    }

  literal = value_to_literal (value, layout.eol != NULL ? &layout : NULL);
  new_text = g_string_new_len (self->text->str, self->text->len);
  g_string_erase (new_text, start, end - start);
  g_string_insert (new_text, start, literal);
  return commit (self, new_text, key, value, error);
}

/* Adds `name = value` as the last key/value line of the body of table (the root or a
 * [section]), indented like the body's last key. */
static gboolean
insert_in_body (HvConfigEditor *self,
                HvTomlNode     *table,
                const char     *name,
                const char     *key,
                const Value    *value,
                GError        **error)
{
  g_autofree char *literal = value_to_literal (value, NULL);
  g_autofree char *indent = NULL;
  const char *eol = line_ending (self->text);
  gsize offset, last_start = 0;
  gboolean have_last = FALSE;
  GString *line = g_string_new (NULL);
  GString *new_text;
  guint n;

  if (!hv_toml_table_get_body_end (table, &offset))
    g_assert_not_reached ();   /* the root and [section] tables have a body */

  /* The body's values are all written in the body, the last one last. */
  n = hv_toml_table_get_n_keys (table);
  for (guint i = 0; i < n; i++)
    {
      gsize s;
      if (hv_toml_node_get_span (hv_toml_table_get_value_at (table, i), &s, NULL) &&
          s < offset && (!have_last || s > last_start))
        {
          last_start = s;
          have_last = TRUE;
        }
    }
  indent = have_last ? indentation_at (self->text, last_start) : g_strdup ("");

  /* The body's last line is the file's last and has no newline. */
  if (offset > bom_length (self->text) && self->text->str[offset - 1] != '\n')
    g_string_append (line, eol);
  g_string_append_printf (line, "%s%s = %s%s", indent, name, literal, eol);

  new_text = g_string_new_len (self->text->str, self->text->len);
  g_string_insert_len (new_text, offset, line->str, line->len);
  g_string_free (line, TRUE);
  return commit (self, new_text, key, value, error);
}

/* Appends a new [section] holding `name = value` at the end of the file. */
static gboolean
append_section (HvConfigEditor *self,
                const char     *section,
                const char     *name,
                const char     *key,
                const Value    *value,
                GError        **error)
{
  g_autofree char *literal = value_to_literal (value, NULL);
  const char *eol = line_ending (self->text);
  gsize bom = bom_length (self->text);
  GString *new_text = g_string_new_len (self->text->str, self->text->len);

  if (new_text->len > bom)
    {
      gsize last;
      gboolean blank = TRUE;

      if (new_text->str[new_text->len - 1] != '\n')
        g_string_append (new_text, eol);

      /* A blank line before the new section, unless the file already ends with one. */
      last = line_start (new_text, new_text->len - 1);
      for (gsize k = MAX (last, bom); k < new_text->len; k++)
        if (!g_ascii_isspace (new_text->str[k]))
          blank = FALSE;
      if (!blank)
        g_string_append (new_text, eol);
    }

  g_string_append_printf (new_text, "[%s]%s%s = %s%s", section, eol, name, literal, eol);
  return commit (self, new_text, key, value, error);
}

static gboolean
set_value (HvConfigEditor *self,
           const char     *key,
           const Value    *value,
           GError        **error)
{
  g_auto(GStrv) parts = g_strsplit (key, ".", -1);
  guint n_parts = g_strv_length (parts);
  HvTomlNode *table = self->root;
  HvTomlNode *node;
  guint depth;   /* number of parts naming existing tables */
  g_autofree char *table_name = NULL;
  g_autofree char *rest = NULL;

  for (depth = 0; depth + 1 < n_parts; depth++)
    {
      HvTomlNode *child = hv_toml_table_get (table, parts[depth]);

      if (child == NULL)
        break;
      if (hv_toml_node_get_kind (child) != HV_TOML_TABLE)
        {
          g_autofree char *name = g_strjoinv (".", (char **) (parts + depth + 1));
          char *saved = parts[depth + 1];
          g_autofree char *child_name = NULL;

          parts[depth + 1] = NULL;
          child_name = g_strjoinv (".", parts);
          parts[depth + 1] = saved;
          return refuse (self, child, error,
                         _("%s is %s, not a table; Hydravisor cannot set “%s” in it. Edit the "
                           "file by hand."),
                         child_name, describe_node (child), name);
        }
      table = child;
    }

  if (depth + 1 == n_parts)
    {
      node = hv_toml_table_get (table, parts[depth]);
      if (node != NULL)
        return replace_value (self, node, key, value, error);
    }

  /* The key is missing: parts [0, depth) name the deepest table that exists. */
  rest = g_strjoinv (".", parts + depth);
  {
    char *saved = parts[depth];
    parts[depth] = NULL;
    table_name = g_strjoinv (".", parts);
    parts[depth] = saved;
  }

  switch (hv_toml_table_get_origin (table))
    {
    case HV_TOML_TABLE_ORIGIN_ROOT:
    case HV_TOML_TABLE_ORIGIN_HEADER:
      if (depth + 1 == n_parts)
        return insert_in_body (self, table, parts[depth], key, value, error);
      break;

    case HV_TOML_TABLE_ORIGIN_IMPLICIT:
      /* Only a parent of other [sections] so far: it can still get a header of its own. */
      break;

    case HV_TOML_TABLE_ORIGIN_INLINE:
      return refuse (self, table, error,
                     _("%s is an inline table; Hydravisor cannot add “%s” to it without "
                       "rewriting your formatting. Edit the file by hand or turn it into a "
                       "[%s] section."),
                     table_name, rest, table_name);

    case HV_TOML_TABLE_ORIGIN_DOTTED:
      return refuse (self, table, error,
                     _("%s is defined with dotted keys; Hydravisor cannot add “%s” to it "
                       "without rewriting your formatting. Edit the file by hand or turn it "
                       "into a [%s] section."),
                     table_name, rest, table_name);

    case HV_TOML_TABLE_ORIGIN_ARRAY_ELEMENT:
    default:
      g_assert_not_reached ();   /* lookups do not descend into arrays */
    }

  {
    char *saved = parts[n_parts - 1];
    g_autofree char *section = NULL;

    parts[n_parts - 1] = NULL;
    section = g_strjoinv (".", parts);
    parts[n_parts - 1] = saved;
    return append_section (self, section, parts[n_parts - 1], key, value, error);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void
hv_config_editor_finalize (GObject *object)
{
  HvConfigEditor *self = HV_CONFIG_EDITOR (object);

  g_clear_pointer (&self->path, g_free);
  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  g_clear_pointer (&self->loaded, g_free);
  g_clear_pointer (&self->root, hv_toml_node_unref);

  G_OBJECT_CLASS (hv_config_editor_parent_class)->finalize (object);
}

static void
hv_config_editor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HvConfigEditor *self = HV_CONFIG_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, is_modified (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_config_editor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HvConfigEditor *self = HV_CONFIG_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_config_editor_class_init (HvConfigEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hv_config_editor_finalize;
  object_class->get_property = hv_config_editor_get_property;
  object_class->set_property = hv_config_editor_set_property;

  /* The file edited. */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  /* Whether the text differs from the file as read or last saved. */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_config_editor_init (HvConfigEditor *self)
{
  self->text = g_string_new (NULL);
}

/* Reads path: *contents is NULL if there is no such file. */
static gboolean
read_file (const char  *path,
           char       **contents,
           gsize       *length,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *contents = NULL;
  *length = 0;
  if (g_file_get_contents (path, contents, length, &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_file_error (local_error->code),
               _("%s; Hydravisor cannot change settings in a file it cannot read"),
               local_error->message);
  return FALSE;
}

/**
 * hv_config_editor_new:
 * @path: the TOML file; it need not exist
 *
 * Reads @path (a missing file is an empty one). A file that is not valid TOML is refused
 * (%HV_TOML_ERROR, "PATH:LINE:COLUMN: what is wrong; fix the file before changing settings
 * here"): the editor never rewrites a file it cannot read correctly.
 *
 * Returns: (transfer full) (nullable): the editor, or %NULL with @error set
 */
HvConfigEditor *
hv_config_editor_new (const char  *path,
                      GError     **error)
{
  g_autoptr(HvConfigEditor) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HV_TYPE_CONFIG_EDITOR, "path", path, NULL);

  if (!read_file (path, &contents, &length, error))
    return NULL;

  if (contents != NULL)
    {
      g_string_append_len (self->text, contents, length);
      self->loaded = g_steal_pointer (&contents);
      self->loaded_len = length;
    }

  self->root = hv_toml_parse (self->text->str, self->text->len, path, &local_error);
  if (self->root == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("%s; fix the file before changing settings here"), local_error->message);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/** hv_config_editor_get_path: Returns: the file edited */
const char *
hv_config_editor_get_path (HvConfigEditor *self)
{
  g_return_val_if_fail (HV_IS_CONFIG_EDITOR (self), NULL);

  return self->path;
}

/**
 * hv_config_editor_get_text:
 *
 * Returns: the text of the file with the changes made so far
 */
const char *
hv_config_editor_get_text (HvConfigEditor *self)
{
  g_return_val_if_fail (HV_IS_CONFIG_EDITOR (self), NULL);

  return self->text->str;
}

/**
 * hv_config_editor_get_modified:
 *
 * Returns: %TRUE if the text differs from the file as read or last saved
 */
gboolean
hv_config_editor_get_modified (HvConfigEditor *self)
{
  g_return_val_if_fail (HV_IS_CONFIG_EDITOR (self), FALSE);

  return is_modified (self);
}

/**
 * hv_config_editor_set_string:
 * @key: bare keys separated by dots: "interface.theme", "providers.ollama.host"
 * @value: UTF-8
 *
 * Sets @key to @value (written as a basic string, "…", with escapes). A key that already
 * has this value is left as written. Errors: %G_IO_ERROR_NOT_SUPPORTED when the change
 * cannot be made without rewriting the file's formatting, or @key holds another type of
 * value; the message says where and why. The text is unchanged on error.
 *
 * Returns: %TRUE on success
 */
gboolean
hv_config_editor_set_string (HvConfigEditor  *self,
                             const char      *key,
                             const char      *value,
                             GError         **error)
{
  Value v = { .kind = HV_TOML_STRING, .string = value };

  g_return_val_if_fail (HV_IS_CONFIG_EDITOR (self), FALSE);
  g_return_val_if_fail (key != NULL && key_is_valid (key), FALSE);
  g_return_val_if_fail (value != NULL && g_utf8_validate (value, -1, NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_value (self, key, &v, error);
}

/** hv_config_editor_set_int: Like hv_config_editor_set_string(), for an integer. */
gboolean
hv_config_editor_set_int (HvConfigEditor  *self,
                          const char      *key,
                          gint64           value,
                          GError         **error)
{
  Value v = { .kind = HV_TOML_INTEGER, .integer = value };

  g_return_val_if_fail (HV_IS_CONFIG_EDITOR (self), FALSE);
  g_return_val_if_fail (key != NULL && key_is_valid (key), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_value (self, key, &v, error);
}

/** hv_config_editor_set_boolean: Like hv_config_editor_set_string(), for true / false. */
gboolean
hv_config_editor_set_boolean (HvConfigEditor  *self,
                              const char      *key,
                              gboolean         value,
                              GError         **error)
{
  Value v = { .kind = HV_TOML_BOOLEAN, .boolean = value };

  g_return_val_if_fail (HV_IS_CONFIG_EDITOR (self), FALSE);
  g_return_val_if_fail (key != NULL && key_is_valid (key), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_value (self, key, &v, error);
}

/**
 * hv_config_editor_set_strv:
 * @value: (array zero-terminated=1): UTF-8 strings
 *
 * Like hv_config_editor_set_string(), for a list of strings: `["a", "b"]`. A list written
 * over several lines is replaced by one written the same way (same indentation, one item a
 * line); a list with comments between its items is refused, as they would be lost.
 */
gboolean
hv_config_editor_set_strv (HvConfigEditor      *self,
                           const char          *key,
                           const char * const  *value,
                           GError             **error)
{
  Value v = { .kind = HV_TOML_ARRAY, .strv = value };

  g_return_val_if_fail (HV_IS_CONFIG_EDITOR (self), FALSE);
  g_return_val_if_fail (key != NULL && key_is_valid (key), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  for (guint i = 0; value[i] != NULL; i++)
    g_return_val_if_fail (g_utf8_validate (value[i], -1, NULL), FALSE);

  return set_value (self, key, &v, error);
}

/**
 * hv_config_editor_save:
 *
 * Writes the text to the file, atomically (a crash leaves the old or the new file, never a
 * mix). Nothing is written if nothing changed. A new file gets mode 0600 and its folder,
 * if missing, 0700; an existing file keeps its mode, and a symbolic link is followed (its
 * target is replaced, not the link).
 *
 * If the file changed on disk since it was read (someone edited it by hand meanwhile), it
 * is not overwritten: the error is %G_IO_ERROR_WRONG_ETAG.
 *
 * Returns: %TRUE on success
 */
gboolean
hv_config_editor_save (HvConfigEditor  *self,
                       GError         **error)
{
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *on_disk = NULL;
  gsize on_disk_len = 0;
  gboolean was_modified;
  GStatBuf st;
  int mode = 0600;
  gboolean existed;

  g_return_val_if_fail (HV_IS_CONFIG_EDITOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  was_modified = is_modified (self);
  if (!was_modified)
    return TRUE;

  /* Write through a symbolic link (dotfiles kept in a repository, say). */
  if (g_file_test (self->path, G_FILE_TEST_IS_SYMLINK))
    {
      char *resolved = realpath (self->path, NULL);

      if (resolved != NULL)
        {
          target = g_strdup (resolved);
          free (resolved);
        }
    }
  if (target == NULL)
    target = g_strdup (self->path);

  if (!read_file (target, &on_disk, &on_disk_len, error))
    return FALSE;
  if ((on_disk == NULL) != (self->loaded == NULL) ||
      (on_disk != NULL && (on_disk_len != self->loaded_len ||
                           memcmp (on_disk, self->loaded, on_disk_len) != 0)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG,
                   _("%s was changed by another program since Hydravisor read it; your "
                     "changes were not saved so as not to overwrite it. Make them again"),
                   self->path);
      return FALSE;
    }

  existed = g_stat (target, &st) == 0;
  if (existed)
    mode = st.st_mode & 07777;

  dir = g_path_get_dirname (target);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) && !hv_paths_ensure_dir (dir, error))
    return FALSE;

  if (!g_file_set_contents_full (target, self->text->str, self->text->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, mode, error))
    return FALSE;

  /* The new file was created with the umask applied. */
  if (existed && g_stat (target, &st) == 0 && (int) (st.st_mode & 07777) != mode &&
      g_chmod (target, mode) != 0)
    {
      int saved = errno;
      g_warning ("Could not restore the mode %04o of %s: %s", (guint) mode, target,
                 g_strerror (saved));
    }

  g_free (self->loaded);
  self->loaded = g_strndup (self->text->str, self->text->len);
  self->loaded_len = self->text->len;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
  return TRUE;
}
