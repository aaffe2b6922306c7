// SPDX-License-Identifier: GPL-3.0-or-later
/* A TOML 1.0 parser (https://toml.io/en/v1.0.0).
 *
 * Design notes
 * - The input is checked for UTF-8 once up front; the scanner then works on bytes and only has to
 *   care about ASCII structure and forbidden control characters.
 * - The parser is a hand-written recursive-descent parser over a byte cursor. Recursion only
 *   happens for arrays and inline tables inside values, and every container knows its depth, which
 *   is capped at HV_TOML_MAX_DEPTH, so neither parsing nor walking the tree can exhaust the stack.
 * - Every node, key and string of a document is carved out of one arena owned by the document
 *   (HvTomlDoc). A scalar node is 32 bytes, a table or array 56, a table entry 24; strings and
 *   keys are stored once, length-prefixed. Freeing a document is freeing its chunks. The
 *   reference count of a node is the one of its document.
 * - Tables keep their entries in document order; tables with more than LINEAR_MAX entries also
 *   get an open-addressing hash index, so lookups stay O(1) and big documents parse in linear time.
 * - Positions: lines are counted as the scanner consumes newlines; columns are counted in code
 *   points from the start of the line, with a cache so that a long line is scanned once.
 * - Spans: every node also keeps two byte offsets into the input (which is at most 2 GiB, so
 *   32 bits each). For a value they delimit its text; for a table with a body (the root, a
 *   [header] table, an [[array]] element) `start` is the header's '[' and `end` the end of the
 *   body, moved forward each time a key/value line of that body is finished. This is what lets
 *   an editor replace a value or add a key without touching the rest of the file.
 */

#include "hv-toml.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (hv-toml-error-quark, hv_toml_error)

/* ------------------------------------------------------------------------------------------ */
/* Storage                                                                                     */
/* ------------------------------------------------------------------------------------------ */

typedef struct _Chunk Chunk;
struct _Chunk {
  Chunk *next;
  gsize  size;
  gsize  used;
  gsize  pad_;   /* keeps the data that follows 16-byte aligned */
};

#define CHUNK_DATA(c) ((guint8 *) ((c) + 1))
#define CHUNK_MIN     (4096 - sizeof (Chunk))
#define CHUNK_MAX     ((gsize) 4 << 20)

#define N_BLOCK_CLASSES 128

typedef struct {
  gatomicrefcount ref_count;
  Chunk   *chunks;      /* the head is the chunk small allocations come from */
  gsize    next_size;   /* size of the next regular chunk */
  gpointer free_blocks[N_BLOCK_CLASSES];  /* released growable blocks, see block_class() */
} HvTomlDoc;

enum {
  FLAG_IMPLICIT = 1 << 0,  /* table created as a parent by a [a.b] header */
  FLAG_EXPLICIT = 1 << 1,  /* table defined by a [header], an [[array]] element, or the root */
  FLAG_DOTTED   = 1 << 2,  /* table created (or entered) by a dotted key */
  FLAG_FROZEN   = 1 << 3,  /* inline table or static array: cannot be extended */
  FLAG_AOT      = 1 << 4,  /* array created by [[header]] */
  FLAG_AOT_ELEMENT = 1 << 5,  /* table that is an element of an [[array]] */
  FLAG_ROOT     = 1 << 6,  /* the root table */
};

/* Columns beyond this (on a line longer than 16 million characters) are reported as this. */
#define MAX_COLUMN 0xFFFFFFu

/* 32 bytes: scalars are the most numerous nodes. */
struct _HvTomlNode {
  HvTomlDoc *doc;
  guint32    line;
  guint32    kind : 8;
  guint32    column : 24;
  guint32    start;       /* byte offsets into the input, see "Spans" above */
  guint32    end;
  union {
    gint64            i;
    double            d;
    gboolean          b;
    const char       *str;      /* strings and date/times: see str_len() */
    HvTomlNode      **items;
    struct _Entry    *entries;
  } v;
};

typedef struct _Entry {
  const char *key;        /* see str_len() */
  HvTomlNode *value;
  guint32     line;
  guint32     hash8 : 8;  /* low byte of the key's hash: skips most key comparisons */
  guint32     column : 24;
} Entry;

/* Tables and arrays. */
typedef struct {
  HvTomlNode node;
  guint8     flags;
  guint8     pad_;
  guint16    depth;
  guint32    len;         /* entries or elements */
  guint32    cap;         /* capacity of node.v.items / node.v.entries */
  guint32    index_mask;  /* size - 1 of index, 0 when there is no index */
  guint32   *index;       /* tables: entry number + 1, 0 = free slot */
} Container;

G_STATIC_ASSERT (sizeof (HvTomlNode) <= 32 || sizeof (gpointer) > 8);
G_STATIC_ASSERT (sizeof (Entry) <= 24 || sizeof (gpointer) > 8);

#define CONT(n) ((Container *) (n))

#define LINEAR_MAX 16

static HvTomlDoc *
doc_new (gsize input_length)
{
  HvTomlDoc *doc = g_new0 (HvTomlDoc, 1);

  g_atomic_ref_count_init (&doc->ref_count);
  doc->next_size = CLAMP (input_length * 2, CHUNK_MIN, CHUNK_MAX);
  return doc;
}

static void
doc_free (HvTomlDoc *doc)
{
  Chunk *c = doc->chunks;

  while (c != NULL)
    {
      Chunk *next = c->next;
      g_free (c);
      c = next;
    }
  g_free (doc);
}

static gpointer
doc_alloc (HvTomlDoc *doc,
           gsize      size,
           gsize      align)
{
  Chunk *c = doc->chunks;
  Chunk *fresh;

  if (c != NULL)
    {
      gsize off = (c->used + align - 1) & ~(align - 1);
      if (off <= c->size && size <= c->size - off)
        {
          c->used = off + size;
          return CHUNK_DATA (c) + off;
        }
    }

  if (size > doc->next_size / 4 && c != NULL)
    {
      /* A big block gets a chunk of its own, kept behind the head so that the head's free
       * space keeps serving small allocations. */
      fresh = g_malloc (sizeof (Chunk) + size);
      fresh->size = size;
      fresh->used = size;
      fresh->next = c->next;
      c->next = fresh;
      return CHUNK_DATA (fresh);
    }

  {
    gsize csize = MAX (doc->next_size, size);
    fresh = g_malloc (sizeof (Chunk) + csize);
    fresh->size = csize;
    fresh->used = size;
    fresh->next = c;
    doc->chunks = fresh;
    doc->next_size = MIN (doc->next_size * 2, CHUNK_MAX);
    return CHUNK_DATA (fresh);
  }
}

/* Growable blocks (table entries, hash indexes, [[array]] items) have sizes of the form 2^k or
 * 3 * 2^k (capacities double). A block left behind by growth goes on a free list for its size
 * and is reused by the next table or array that needs that size, so growing costs little more
 * memory than the final sizes. */
static guint
block_class (gsize size)
{
  guint k = 0;

  g_assert (size >= sizeof (gpointer));
  while (((gsize) 2 << k) <= size)
    k++;
  /* 2^k <= size < 2^(k+1) */
  if (size == (gsize) 1 << k)
    k = 2 * k;
  else
    {
      g_assert (k > 0 && size == (gsize) 3 << (k - 1));
      k = 2 * k + 1;
    }
  g_assert (k < N_BLOCK_CLASSES);
  return k;
}

static gpointer
doc_block_alloc (HvTomlDoc *doc,
                 gsize      size)
{
  guint k = block_class (size);
  gpointer block = doc->free_blocks[k];

  if (block != NULL)
    {
      doc->free_blocks[k] = *(gpointer *) block;
      return block;
    }
  return doc_alloc (doc, size, sizeof (gpointer));
}

static void
doc_block_release (HvTomlDoc *doc,
                   gpointer   block,
                   gsize      size)
{
  guint k;

  if (block == NULL)
    return;
  k = block_class (size);
  *(gpointer *) block = doc->free_blocks[k];
  doc->free_blocks[k] = block;
}

static gpointer
doc_block_grow (HvTomlDoc *doc,
                gpointer   block,
                gsize      old_size,
                gsize      new_size)
{
  gpointer fresh = doc_block_alloc (doc, new_size);

  if (old_size > 0)
    memcpy (fresh, block, old_size);
  doc_block_release (doc, block, old_size);
  return fresh;
}

/* Strings and keys are stored with their length in the 4 bytes before them (they may contain
 * U+0000) and a NUL after them. */
static char *
doc_strndup (HvTomlDoc  *doc,
             const char *str,
             gsize       len)
{
  guint8 *block = doc_alloc (doc, sizeof (guint32) + len + 1, G_ALIGNOF (guint32));
  guint32 len32 = len;
  char *copy = (char *) block + sizeof (guint32);

  memcpy (block, &len32, sizeof len32);
  if (len > 0)
    memcpy (copy, str, len);
  copy[len] = '\0';
  return copy;
}

static inline guint32
str_len (const char *str)
{
  guint32 len;

  memcpy (&len, str - sizeof (guint32), sizeof len);
  return len;
}

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static inline guint32
key_hash (const char *key,
          gsize       len)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    {
      h ^= (guint8) key[i];
      h *= 16777619u;
    }
  return h;
}

static inline gboolean
entry_matches (Entry      *e,
               const char *key,
               gsize       len,
               guint32     hash)
{
  return e->hash8 == (hash & 0xFF) && str_len (e->key) == len && memcmp (e->key, key, len) == 0;
}

static Entry *
table_find (HvTomlNode *table,
            const char *key,
            gsize       len,
            guint32     hash)
{
  Container *c = CONT (table);
  Entry *entries = table->v.entries;

  if (c->index == NULL)
    {
      for (guint32 i = 0; i < c->len; i++)
        if (entry_matches (&entries[i], key, len, hash))
          return &entries[i];
      return NULL;
    }

  for (guint32 slot = hash & c->index_mask;; slot = (slot + 1) & c->index_mask)
    {
      guint32 n = c->index[slot];

      if (n == 0)
        return NULL;
      if (entry_matches (&entries[n - 1], key, len, hash))
        return &entries[n - 1];
    }
}

static void
table_index_put (Container *c,
                 guint32    hash,
                 guint32    number)
{
  guint32 slot = hash & c->index_mask;

  while (c->index[slot] != 0)
    slot = (slot + 1) & c->index_mask;
  c->index[slot] = number;
}

/* Appends an entry; the key must not be present. Returns the entry's number. */
static guint32
table_append (HvTomlNode *table,
              const char *key,
              gsize       key_len,
              guint32     hash,
              guint32     line,
              guint32     column,
              HvTomlNode *value)
{
  Container *c = CONT (table);
  HvTomlDoc *doc = table->doc;
  Entry *e;

  if (c->len == c->cap)
    {
      guint32 new_cap = c->cap == 0 ? 4 : c->cap * 2;

      table->v.entries = doc_block_grow (doc, table->v.entries,
                                         sizeof (Entry) * c->cap, sizeof (Entry) * new_cap);
      c->cap = new_cap;

      if (new_cap > LINEAR_MAX)
        {
          guint32 size = new_cap * 2;
          if (c->index != NULL)
            doc_block_release (doc, c->index, sizeof (guint32) * (c->index_mask + 1));
          c->index = doc_block_alloc (doc, sizeof (guint32) * size);
          memset (c->index, 0, sizeof (guint32) * size);
          c->index_mask = size - 1;
          for (guint32 i = 0; i < c->len; i++)
            {
              const char *k = table->v.entries[i].key;
              table_index_put (c, key_hash (k, str_len (k)), i + 1);
            }
        }
    }

  e = &table->v.entries[c->len];
  e->key = doc_strndup (doc, key, key_len);
  e->hash8 = hash & 0xFF;
  e->line = line;
  e->column = column;
  e->value = value;
  c->len++;
  if (c->index != NULL)
    table_index_put (c, hash, c->len);
  return c->len - 1;
}

static void
array_append (HvTomlNode *array,
              HvTomlNode *value)
{
  Container *c = CONT (array);

  if (c->len == c->cap)
    {
      guint32 new_cap = c->cap == 0 ? 4 : c->cap * 2;
      array->v.items = doc_block_grow (array->doc, array->v.items,
                                       sizeof (HvTomlNode *) * c->cap,
                                       sizeof (HvTomlNode *) * new_cap);
      c->cap = new_cap;
    }
  array->v.items[c->len++] = value;
}

/* ------------------------------------------------------------------------------------------ */
/* Parser state and errors                                                                     */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
  guint32 off;     /* into Parser.kbuf */
  guint32 len;
  guint32 hash;
  guint32 line;
  guint32 column;
  const char *pos;
} KeyPart;

typedef struct {
  const char *data;        /* the input as given: spans are offsets from here */
  const char *start;       /* the input after a byte order mark */
  const char *p;
  const char *end;
  const char *filename;

  guint32     line;
  const char *line_start;
  const char *col_pos;     /* column cache: col_pos is at column col */
  guint32     col;

  HvTomlDoc  *doc;
  HvTomlNode *root;
  HvTomlNode *current;     /* table of the current [section] */

  GPtrArray  *stack;       /* elements of the arrays being parsed */
  GString    *sbuf;        /* decoded string values */
  GString    *kbuf;        /* decoded key parts */
  GArray     *kparts;      /* KeyPart */

  GError     *error;
} Parser;

static void
position_of (Parser     *P,
             const char *pos,
             guint32    *line,
             guint32    *column)
{
  /* Used for errors only: counts from the start so it is right wherever pos is. */
  guint32 l = 1;
  const char *ls = P->start;
  guint32 col = 1;

  for (const char *q = P->start; q < pos && q < P->end; q++)
    if (*q == '\n')
      {
        l++;
        ls = q + 1;
      }
  for (const char *q = ls; q < pos && q < P->end; q++)
    if (((guint8) *q & 0xC0) != 0x80)
      col++;
  *line = l;
  *column = col;
}

static gboolean fail (Parser     *P,
                      const char *pos,
                      HvTomlError code,
                      const char *format,
                      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (Parser     *P,
      const char *pos,
      HvTomlError code,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  guint32 line, column;
  va_list args;

  if (P->error != NULL)
    return FALSE;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  position_of (P, pos, &line, &column);
  g_set_error (&P->error, HV_TOML_ERROR, code, "%s:%u:%u: %s",
               P->filename, line, column, message);
  return FALSE;
}

static inline void
newline_at (Parser     *P,
            const char *after)
{
  P->line++;
  P->line_start = after;
}

/* Column (in code points) of pos, which must be on the current line. */
static guint32
column_at (Parser     *P,
           const char *pos)
{
  const char *q;
  guint32 col;

  if (P->col_pos < P->line_start || pos < P->col_pos)
    {
      P->col_pos = P->line_start;
      P->col = 1;
    }
  col = P->col;
  for (q = P->col_pos; q < pos; q++)
    if (((guint8) *q & 0xC0) != 0x80)
      col++;
  P->col_pos = pos;
  P->col = col;
  return MIN (col, MAX_COLUMN);
}

/* A short description of the character at pos for messages. */
static char *
describe_char (Parser     *P,
               const char *pos)
{
  guint8 c;

  if (pos >= P->end)
    return g_strdup ("end of file");
  c = (guint8) *pos;
  if (c == '\n' || (c == '\r' && pos + 1 < P->end && pos[1] == '\n'))
    return g_strdup ("end of line");
  if (c < 0x20 || c == 0x7F)
    return g_strdup_printf ("control character U+%04X", c);
  if (c < 0x80)
    return g_strdup_printf ("'%c'", c);
  {
    gunichar u = g_utf8_get_char (pos);
    char buf[8] = { 0 };
    if (!g_unichar_isprint (u))
      return g_strdup_printf ("character U+%04X", u);
    g_unichar_to_utf8 (u, buf);
    return g_strdup_printf ("'%s' (U+%04X)", buf, u);
  }
}

/* A key part as it can be shown inside double quotes in a message. */
static void
append_key_for_message (GString    *out,
                        const char *key,
                        gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = (guint8) key[i];
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == 0x7F)
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_c (out, (char) c);
    }
}

/* The dotted key made of parts [0, n_parts) of the last parsed key. */
static char *
key_for_message (Parser *P,
                 guint   n_parts)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_parts; i++)
    {
      KeyPart *kp = &g_array_index (P->kparts, KeyPart, i);
      if (i > 0)
        g_string_append_c (out, '.');
      append_key_for_message (out, P->kbuf->str + kp->off, kp->len);
    }
  return g_string_free (out, FALSE);
}

static const char *
kind_with_article (HvTomlNode *node)
{
  switch ((HvTomlType) node->kind)
    {
    case HV_TOML_TABLE: return (CONT (node)->flags & FLAG_FROZEN) ? "an inline table" : "a table";
    case HV_TOML_ARRAY: return (CONT (node)->flags & FLAG_AOT) ? "an array of tables" : "an array";
    case HV_TOML_STRING: return "a string";
    case HV_TOML_INTEGER: return "an integer";
    case HV_TOML_FLOAT: return "a float";
    case HV_TOML_BOOLEAN: return "a boolean";
    case HV_TOML_DATETIME: return "a date-time";
    case HV_TOML_DATETIME_LOCAL: return "a local date-time";
    case HV_TOML_DATE_LOCAL: return "a local date";
    case HV_TOML_TIME_LOCAL: return "a local time";
    default: return "a value";
    }
}

static HvTomlNode *
node_new (Parser     *P,
          HvTomlType  kind,
          guint32     line,
          guint32     column)
{
  gboolean container = kind == HV_TOML_TABLE || kind == HV_TOML_ARRAY;
  gsize size = container ? sizeof (Container) : sizeof (HvTomlNode);
  HvTomlNode *node = doc_alloc (P->doc, size, G_ALIGNOF (Container));

  memset (node, 0, size);
  node->doc = P->doc;
  node->kind = kind;
  node->line = line;
  node->column = column;
  return node;
}

static HvTomlNode *
container_new (Parser     *P,
               HvTomlType  kind,
               guint       depth,
               guint8      flags,
               const char *pos,
               guint32     line,
               guint32     column)
{
  HvTomlNode *node;

  if (depth > HV_TOML_MAX_DEPTH)
    {
      fail (P, pos, HV_TOML_ERROR_TOO_DEEP,
            "tables and arrays are nested more than %d levels deep", HV_TOML_MAX_DEPTH);
      return NULL;
    }
  node = node_new (P, kind, line, column);
  CONT (node)->depth = depth;
  CONT (node)->flags = flags;
  return node;
}

/* ------------------------------------------------------------------------------------------ */
/* Lexical helpers                                                                             */
/* ------------------------------------------------------------------------------------------ */

static const guint8 bare_key_chars[256] = {
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
  ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
  ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
  ['Y'] = 1, ['Z'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
  ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
  ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
  ['y'] = 1, ['z'] = 1,
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
  ['8'] = 1, ['9'] = 1, ['_'] = 1, ['-'] = 1,
};

/* Characters that can appear in a number or a date/time token. */
static const guint8 token_chars[256] = {
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
  ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
  ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
  ['Y'] = 1, ['Z'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
  ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
  ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
  ['y'] = 1, ['z'] = 1,
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
  ['8'] = 1, ['9'] = 1, ['_'] = 1, ['-'] = 1, ['+'] = 1, ['.'] = 1, [':'] = 1,
};

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static inline void
skip_ws (Parser *P)
{
  while (P->p < P->end && (*P->p == ' ' || *P->p == '\t'))
    P->p++;
}

/* At '#': skips the comment up to (not including) the end of the line. */
static gboolean
skip_comment (Parser *P)
{
  const char *q = P->p + 1;

  for (; q < P->end; q++)
    {
      guint8 c = (guint8) *q;
      if (c >= 0x20 && c != 0x7F)
        continue;
      if (c == '\t')
        continue;
      if (c == '\n')
        break;
      if (c == '\r')
        {
          if (q + 1 < P->end && q[1] == '\n')
            break;
          P->p = q;
          return fail (P, q, HV_TOML_ERROR_ENCODING,
                       "carriage return (U+000D) in a comment is not followed by a line feed");
        }
      P->p = q;
      return fail (P, q, HV_TOML_ERROR_ENCODING,
                   "control character U+%04X is not allowed in a comment", c);
    }
  P->p = q;
  return TRUE;
}

/* If at a newline, consumes it and returns TRUE; fails on a bare CR. *ok reports failure. */
static inline gboolean
eat_newline (Parser   *P,
             gboolean *ok)
{
  const char *q = P->p;

  if (q >= P->end)
    return FALSE;
  if (*q == '\n')
    {
      P->p = q + 1;
      newline_at (P, P->p);
      return TRUE;
    }
  if (*q == '\r')
    {
      if (q + 1 < P->end && q[1] == '\n')
        {
          P->p = q + 2;
          newline_at (P, P->p);
          return TRUE;
        }
      *ok = fail (P, q, HV_TOML_ERROR_ENCODING,
                  "carriage return (U+000D) is not followed by a line feed; "
                  "save the file with LF or CRLF line endings");
      return FALSE;
    }
  return FALSE;
}

/* Skips whitespace, comments and newlines (inside arrays). */
static gboolean
skip_ws_comments_newlines (Parser *P)
{
  gboolean ok = TRUE;

  for (;;)
    {
      skip_ws (P);
      if (P->p >= P->end)
        return TRUE;
      if (*P->p == '#')
        {
          if (!skip_comment (P))
            return FALSE;
          continue;
        }
      if (!eat_newline (P, &ok))
        return ok;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Strings                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static inline int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* At '\\' inside a basic string: decodes one escape into out. */
static gboolean
parse_escape (Parser  *P,
              GString *out)
{
  const char *esc = P->p;
  char c;
  int n_hex;
  guint32 value = 0;

  if (esc + 1 >= P->end)
    return fail (P, esc, HV_TOML_ERROR_SYNTAX, "unterminated string: the file ends after '\\'");

  c = esc[1];
  switch (c)
    {
    case 'b': g_string_append_c (out, '\b'); P->p += 2; return TRUE;
    case 't': g_string_append_c (out, '\t'); P->p += 2; return TRUE;
    case 'n': g_string_append_c (out, '\n'); P->p += 2; return TRUE;
    case 'f': g_string_append_c (out, '\f'); P->p += 2; return TRUE;
    case 'r': g_string_append_c (out, '\r'); P->p += 2; return TRUE;
    case '"': g_string_append_c (out, '"'); P->p += 2; return TRUE;
    case '\\': g_string_append_c (out, '\\'); P->p += 2; return TRUE;
    case 'u': n_hex = 4; break;
    case 'U': n_hex = 8; break;
    default:
      {
        g_autofree char *what = describe_char (P, esc + 1);
        return fail (P, esc, HV_TOML_ERROR_SYNTAX,
                     "invalid escape sequence: '\\' followed by %s; the escapes are "
                     "\\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX "
                     "(write \\\\ for a backslash)", what);
      }
    }

  for (int i = 0; i < n_hex; i++)
    {
      const char *h = esc + 2 + i;
      int v = h < P->end ? hex_value (*h) : -1;
      if (v < 0)
        return fail (P, esc, HV_TOML_ERROR_SYNTAX,
                     "invalid escape sequence: \\%c needs exactly %d hexadecimal digits",
                     c, n_hex);
      value = (value << 4) | (guint32) v;
    }

  if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF)
    return fail (P, esc, HV_TOML_ERROR_SYNTAX,
                 "escape \\%c%.*s is not a Unicode scalar value (surrogates and values above "
                 "10FFFF are not allowed)", c, n_hex, esc + 2);

  {
    char buf[8];
    int len = g_unichar_to_utf8 (value, buf);
    g_string_append_len (out, buf, len);
  }
  P->p = esc + 2 + n_hex;
  return TRUE;
}

static gboolean
fail_control_in_string (Parser     *P,
                        const char *q)
{
  guint8 c = (guint8) *q;

  if (c == '\r')
    return fail (P, q, HV_TOML_ERROR_ENCODING,
                 "carriage return (U+000D) in a string is not followed by a line feed; "
                 "write it as \\r");
  return fail (P, q, HV_TOML_ERROR_ENCODING,
               "control character U+%04X is not allowed in a string; write it as \\u%04X",
               c, c);
}

/* At '"' (single-line basic string). Appends the decoded text to out. */
static gboolean
parse_basic_string (Parser  *P,
                    GString *out)
{
  const char *open = P->p;
  const char *q = P->p + 1;

  for (;;)
    {
      const char *run = q;
      while (q < P->end)
        {
          guint8 c = (guint8) *q;
          if (c == '"' || c == '\\' || (c < 0x20 && c != '\t') || c == 0x7F)
            break;
          q++;
        }
      if (q > run)
        g_string_append_len (out, run, q - run);

      if (q >= P->end || *q == '\n' || (*q == '\r' && q + 1 < P->end && q[1] == '\n'))
        {
          guint32 l, c;
          position_of (P, open, &l, &c);
          P->p = q;
          return fail (P, q, HV_TOML_ERROR_SYNTAX,
                       "unterminated string: expected '\"' before the end of the %s "
                       "(the string starts at %u:%u; use \"\"\" for a multi-line string)",
                       q >= P->end ? "file" : "line", l, c);
        }
      if (*q == '"')
        {
          P->p = q + 1;
          return TRUE;
        }
      if (*q == '\\')
        {
          P->p = q;
          if (!parse_escape (P, out))
            return FALSE;
          q = P->p;
          continue;
        }
      P->p = q;
      return fail_control_in_string (P, q);
    }
}

/* At '\'' (single-line literal string). */
static gboolean
parse_literal_string (Parser  *P,
                      GString *out)
{
  const char *open = P->p;
  const char *q = P->p + 1;
  const char *run = q;

  while (q < P->end)
    {
      guint8 c = (guint8) *q;
      if (c == '\'' || (c < 0x20 && c != '\t') || c == 0x7F)
        break;
      q++;
    }
  g_string_append_len (out, run, q - run);

  if (q >= P->end || *q == '\n' || (*q == '\r' && q + 1 < P->end && q[1] == '\n'))
    {
      guint32 l, c;
      position_of (P, open, &l, &c);
      P->p = q;
      return fail (P, q, HV_TOML_ERROR_SYNTAX,
                   "unterminated string: expected \"'\" before the end of the %s "
                   "(the string starts at %u:%u; use ''' for a multi-line string)",
                   q >= P->end ? "file" : "line", l, c);
    }
  if (*q == '\'')
    {
      P->p = q + 1;
      return TRUE;
    }
  P->p = q;
  return fail_control_in_string (P, q);
}

/* At the closing quote run of a multi-line string; quote is '"' or '\''. Returns TRUE when the
 * string ends here (the 1 or 2 quotes before the delimiter go to out). */
static gboolean
ml_quotes (Parser    *P,
           const char *q,
           char       quote,
           GString   *out,
           gboolean  *closed)
{
  gsize n = 0;

  while (q + n < P->end && q[n] == quote)
    n++;
  if (n < 3)
    {
      g_string_append_len (out, q, n);
      P->p = q + n;
      *closed = FALSE;
      return TRUE;
    }
  if (n > 5)
    {
      P->p = q;
      return fail (P, q + 5, HV_TOML_ERROR_SYNTAX,
                   "too many quotes: a multi-line string can end with at most two quotes "
                   "before its closing %c%c%c", quote, quote, quote);
    }
  g_string_append_len (out, q, n - 3);
  P->p = q + n;
  *closed = TRUE;
  return TRUE;
}

/* At '"""' or "'''". */
static gboolean
parse_ml_string (Parser  *P,
                 GString *out,
                 gboolean literal)
{
  const char quote = literal ? '\'' : '"';
  const char *open = P->p;
  const char *q;
  gboolean ok = TRUE;

  /* A newline right after the opening delimiter is trimmed. */
  P->p += 3;
  if (!eat_newline (P, &ok) && !ok)
    return FALSE;
  q = P->p;

  for (;;)
    {
      const char *run = q;
      gboolean closed = FALSE;

      while (q < P->end)
        {
          guint8 c = (guint8) *q;
          if (c == (guint8) quote || (c < 0x20 && c != '\t') || c == 0x7F ||
              (!literal && c == '\\'))
            break;
          q++;
        }
      if (q > run)
        g_string_append_len (out, run, q - run);

      if (q >= P->end)
        {
          guint32 l, c;
          position_of (P, open, &l, &c);
          P->p = q;
          return fail (P, q, HV_TOML_ERROR_SYNTAX,
                       "unterminated multi-line string: expected %c%c%c before the end of the "
                       "file (the string starts at %u:%u)", quote, quote, quote, l, c);
        }

      if (*q == quote)
        {
          if (!ml_quotes (P, q, quote, out, &closed))
            return FALSE;
          if (closed)
            return TRUE;
          q = P->p;
          continue;
        }

      if (*q == '\n' || *q == '\r')
        {
          P->p = q;
          if (!eat_newline (P, &ok))
            return FALSE;
          g_string_append_c (out, '\n');
          q = P->p;
          continue;
        }

      if (*q == '\\')
        {
          /* Line-ending backslash: '\' then optional spaces, then a newline; trims all
           * whitespace and newlines that follow. */
          const char *w = q + 1;
          while (w < P->end && (*w == ' ' || *w == '\t'))
            w++;
          if (w < P->end && (*w == '\n' || *w == '\r'))
            {
              P->p = w;
              for (;;)
                {
                  skip_ws (P);
                  if (!eat_newline (P, &ok))
                    break;
                }
              if (!ok)
                return FALSE;
              q = P->p;
              continue;
            }
          P->p = q;
          if (!parse_escape (P, out))
            return FALSE;
          q = P->p;
          continue;
        }

      P->p = q;
      return fail_control_in_string (P, q);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Keys                                                                                        */
/* ------------------------------------------------------------------------------------------ */

/* Parses a (possibly dotted) key into P->kparts / P->kbuf, and the whitespace after it. */
static gboolean
parse_key (Parser *P)
{
  g_array_set_size (P->kparts, 0);
  g_string_truncate (P->kbuf, 0);

  for (;;)
    {
      KeyPart kp;
      const char *pos = P->p;

      kp.off = P->kbuf->len;
      kp.line = P->line;
      kp.pos = pos;

      if (pos >= P->end)
        return fail (P, pos, HV_TOML_ERROR_SYNTAX, "expected a key before the end of the file");

      if (*pos == '"')
        {
          if (pos + 2 < P->end && pos[1] == '"' && pos[2] == '"')
            return fail (P, pos, HV_TOML_ERROR_SYNTAX,
                         "a key cannot be a multi-line string");
          if (!parse_basic_string (P, P->kbuf))
            return FALSE;
        }
      else if (*pos == '\'')
        {
          if (pos + 2 < P->end && pos[1] == '\'' && pos[2] == '\'')
            return fail (P, pos, HV_TOML_ERROR_SYNTAX,
                         "a key cannot be a multi-line string");
          if (!parse_literal_string (P, P->kbuf))
            return FALSE;
        }
      else if (bare_key_chars[(guint8) *pos])
        {
          const char *q = pos;
          while (q < P->end && bare_key_chars[(guint8) *q])
            q++;
          g_string_append_len (P->kbuf, pos, q - pos);
          P->p = q;
        }
      else
        {
          g_autofree char *what = describe_char (P, pos);
          return fail (P, pos, HV_TOML_ERROR_SYNTAX,
                       "expected a key, found %s (bare keys may only contain A-Z a-z 0-9 _ -; "
                       "quote other keys)", what);
        }

      kp.len = P->kbuf->len - kp.off;
      kp.hash = key_hash (P->kbuf->str + kp.off, kp.len);
      kp.column = column_at (P, pos);
      g_string_append_c (P->kbuf, '\0');
      g_array_append_val (P->kparts, kp);

      skip_ws (P);
      if (P->p < P->end && *P->p == '.')
        {
          P->p++;
          skip_ws (P);
          continue;
        }
      return TRUE;
    }
}

static inline const char *
part_key (Parser  *P,
          KeyPart *kp)
{
  return P->kbuf->str + kp->off;
}

/* ------------------------------------------------------------------------------------------ */
/* Numbers and date/times                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Digits of the given base separated by single underscores; returns the end or NULL. */
static const char *
scan_digits (const char *s,
             const char *end,
             int         base)
{
  const char *q = s;
  gboolean want_digit = TRUE;

  for (; q < end; q++)
    {
      int v = hex_value (*q);
      if (v >= 0 && v < base && (base == 16 || is_digit (*q)))
        want_digit = FALSE;
      else if (*q == '_' && !want_digit)
        want_digit = TRUE;
      else
        break;
    }
  if (want_digit)
    return NULL;   /* empty, or ends with '_' */
  return q;
}

static const char *
underscore_hint (const char *s,
                 gsize       n)
{
  return memchr (s, '_', n) != NULL ? " (underscores are only allowed between digits)" : "";
}

static gboolean
parse_number (Parser     *P,
              const char *s,
              gsize       n,
              HvTomlNode *node)
{
  const char *end = s + n;
  const char *q = s;
  gboolean neg = FALSE, signed_ = FALSE;
  const char *int_end, *frac = NULL, *exp = NULL;

  if (*q == '+' || *q == '-')
    {
      neg = *q == '-';
      signed_ = TRUE;
      q++;
    }

  if (end - q == 3 && (memcmp (q, "inf", 3) == 0 || memcmp (q, "nan", 3) == 0))
    {
      node->kind = HV_TOML_FLOAT;
      if (q[0] == 'i')
        node->v.d = neg ? -INFINITY : INFINITY;
      else
        node->v.d = neg ? -NAN : NAN;
      return TRUE;
    }

  if (end - q >= 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'o' || q[1] == 'b'))
    {
      int base = q[1] == 'x' ? 16 : q[1] == 'o' ? 8 : 2;
      const char *digits = q + 2;
      const char *dend;
      guint64 acc = 0;

      if (signed_)
        return fail (P, s, HV_TOML_ERROR_SYNTAX,
                     "invalid integer \"%.*s\": a sign is not allowed before a hexadecimal, "
                     "octal or binary integer", (int) n, s);
      dend = scan_digits (digits, end, base);
      if (dend != end)
        return fail (P, s, HV_TOML_ERROR_SYNTAX,
                     "invalid %s integer \"%.*s\"%s",
                     base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary", (int) n, s,
                     underscore_hint (s, n));
      for (const char *d = digits; d < end; d++)
        {
          if (*d == '_')
            continue;
          if (acc > ((guint64) G_MAXINT64 - (guint64) hex_value (*d)) / (guint64) base)
            return fail (P, s, HV_TOML_ERROR_OUT_OF_RANGE,
                         "integer %.*s does not fit in 64 bits (the largest is "
                         "9223372036854775807)", (int) n, s);
          acc = acc * base + (guint64) hex_value (*d);
        }
      node->kind = HV_TOML_INTEGER;
      node->v.i = (gint64) acc;
      return TRUE;
    }

  int_end = scan_digits (q, end, 10);
  if (int_end == NULL || (int_end < end && *int_end == '_'))
    return fail (P, s, HV_TOML_ERROR_SYNTAX,
                 "invalid number \"%.*s\"%s", (int) n, s, underscore_hint (s, n));
  if (q[0] == '0' && int_end - q > 1)
    return fail (P, s, HV_TOML_ERROR_SYNTAX,
                 "invalid number \"%.*s\": leading zeros are not allowed", (int) n, s);
  q = int_end;
  if (q < end && *q == '.')
    {
      frac = q + 1;
      q = scan_digits (frac, end, 10);
      if (q == NULL)
        return fail (P, s, HV_TOML_ERROR_SYNTAX,
                     "invalid float \"%.*s\": the decimal point must be followed by digits%s",
                     (int) n, s, underscore_hint (s, n));
    }
  if (q < end && (*q == 'e' || *q == 'E'))
    {
      exp = q + 1;
      if (exp < end && (*exp == '+' || *exp == '-'))
        exp++;
      q = scan_digits (exp, end, 10);
      if (q == NULL)
        return fail (P, s, HV_TOML_ERROR_SYNTAX,
                     "invalid float \"%.*s\": the exponent must be digits%s", (int) n, s,
                     underscore_hint (s, n));
    }
  if (q != end)
    return fail (P, s, HV_TOML_ERROR_SYNTAX, "invalid number \"%.*s\"%s", (int) n, s,
                 underscore_hint (s, n));

  if (frac != NULL || exp != NULL)
    {
      char stack_buf[128];
      g_autofree char *heap_buf = NULL;
      char *buf = n < sizeof stack_buf ? stack_buf : (heap_buf = g_malloc (n + 1));
      gsize k = 0;
      double d;

      for (gsize i = 0; i < n; i++)
        if (s[i] != '_')
          buf[k++] = s[i];
      buf[k] = '\0';
      d = g_ascii_strtod (buf, NULL);
      if (isinf (d))
        return fail (P, s, HV_TOML_ERROR_OUT_OF_RANGE,
                     "float %.*s is too large for a 64-bit float", (int) n, s);
      node->kind = HV_TOML_FLOAT;
      node->v.d = d;
      return TRUE;
    }

  {
    guint64 limit = neg ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
    guint64 acc = 0;
    for (const char *d = signed_ ? s + 1 : s; d < end; d++)
      {
        guint64 v;
        if (*d == '_')
          continue;
        v = (guint64) (*d - '0');
        if (acc > (limit - v) / 10)
          return fail (P, s, HV_TOML_ERROR_OUT_OF_RANGE,
                       "integer %.*s does not fit in 64 bits (the range is "
                       "-9223372036854775808 to 9223372036854775807)", (int) n, s);
        acc = acc * 10 + v;
      }
    node->kind = HV_TOML_INTEGER;
    node->v.i = neg ? (gint64) (0 - acc) : (gint64) acc;
    return TRUE;
  }
}

static gboolean
two_digits (const char *s,
            int        *out)
{
  if (!is_digit (s[0]) || !is_digit (s[1]))
    return FALSE;
  *out = (s[0] - '0') * 10 + (s[1] - '0');
  return TRUE;
}

static int
days_in_month (int year,
               int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
    return 29;
  return days[month - 1];
}

/* Parses a date/time token. On failure returns FALSE and sets *why. */
static gboolean
parse_datetime_token (const char     *s,
                      gsize           n,
                      gboolean        has_date,
                      HvTomlDatetime *dt,
                      HvTomlType     *kind,
                      const char    **why,
                      gboolean       *range)
{
  gsize i = 0;

  memset (dt, 0, sizeof *dt);
  *range = FALSE;

  if (has_date)
    {
      int y1, y2;
      if (n < 10 || !two_digits (s, &y1) || !two_digits (s + 2, &y2) || s[4] != '-' ||
          !two_digits (s + 5, &dt->month) || s[7] != '-' || !two_digits (s + 8, &dt->day))
        {
          *why = "a date is written YYYY-MM-DD";
          return FALSE;
        }
      dt->year = y1 * 100 + y2;
      if (dt->month < 1 || dt->month > 12)
        {
          *why = "the month must be 01 to 12";
          *range = TRUE;
          return FALSE;
        }
      if (dt->day < 1 || dt->day > days_in_month (dt->year, dt->month))
        {
          *why = "that day does not exist in that month";
          *range = TRUE;
          return FALSE;
        }
      i = 10;
      if (i == n)
        {
          *kind = HV_TOML_DATE_LOCAL;
          return TRUE;
        }
      if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        {
          *why = "the date must be followed by 'T' or a space and a time";
          return FALSE;
        }
      i++;
    }

  if (n - i < 8 || !two_digits (s + i, &dt->hour) || s[i + 2] != ':' ||
      !two_digits (s + i + 3, &dt->minute) || s[i + 5] != ':' ||
      !two_digits (s + i + 6, &dt->second))
    {
      *why = "a time is written HH:MM:SS (seconds are required)";
      return FALSE;
    }
  if (dt->hour > 23 || dt->minute > 59 || dt->second > 60)
    {
      *why = "the hour must be 00-23, the minute 00-59 and the second 00-60";
          *range = TRUE;
      return FALSE;
    }
  i += 8;
  if (i < n && s[i] == '.')
    {
      int digits = 0;
      i++;
      while (i < n && is_digit (s[i]))
        {
          if (digits < 9)
            dt->nanosecond = dt->nanosecond * 10 + (s[i] - '0');
          digits++;
          i++;
        }
      if (digits == 0)
        {
          *why = "the decimal point of the seconds must be followed by digits";
          return FALSE;
        }
      for (; digits < 9; digits++)
        dt->nanosecond *= 10;
    }

  if (i == n)
    {
      *kind = has_date ? HV_TOML_DATETIME_LOCAL : HV_TOML_TIME_LOCAL;
      return TRUE;
    }
  if (!has_date)
    {
      *why = "a local time cannot have a time zone offset or other trailing characters";
      return FALSE;
    }
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
    {
      dt->has_offset = TRUE;
      *kind = HV_TOML_DATETIME;
      return TRUE;
    }
  if (s[i] == '+' || s[i] == '-')
    {
      int oh, om;
      if (n - i != 6 || !two_digits (s + i + 1, &oh) || s[i + 3] != ':' ||
          !two_digits (s + i + 4, &om))
        {
          *why = "a time zone offset is written Z, +HH:MM or -HH:MM";
          return FALSE;
        }
      if (oh > 23 || om > 59)
        {
          *why = "the time zone offset must be at most 23:59";
          *range = TRUE;
          return FALSE;
        }
      dt->has_offset = TRUE;
      dt->offset_minutes = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
      *kind = HV_TOML_DATETIME;
      return TRUE;
    }
  *why = "unexpected characters after the time";
  return FALSE;
}

/* At a digit, sign, 'i' or 'n': a number or a date/time. */
static HvTomlNode *
parse_number_or_datetime (Parser  *P,
                          guint32  line,
                          guint32  column)
{
  const char *s = P->p;
  const char *q = s;
  gsize n, lead = 0;
  HvTomlNode *node;

  while (q < P->end && token_chars[(guint8) *q])
    q++;
  while (s + lead < q && is_digit (s[lead]))
    lead++;
  /* "1979-05-27 07:32:00": a date followed by a space and a time is one token. */
  if (lead == 4 && q - s == 10 && s[4] == '-' && q + 2 < P->end && *q == ' ' &&
      is_digit (q[1]) && is_digit (q[2]))
    {
      q++;
      while (q < P->end && token_chars[(guint8) *q])
        q++;
    }
  n = q - s;
  P->p = q;

  node = node_new (P, HV_TOML_INTEGER, line, column);

  if (lead > 0 && lead < n && (s[lead] == '-' || s[lead] == ':'))
    {
      HvTomlDatetime dt;
      HvTomlType kind;
      const char *why = NULL;
      gboolean range = FALSE;
      char *norm;

      if (s[lead] == '-' && lead != 4)
        {
          fail (P, s, HV_TOML_ERROR_SYNTAX,
                "invalid date \"%.*s\": the year must have 4 digits", (int) n, s);
          return NULL;
        }
      if (!parse_datetime_token (s, n, s[lead] == '-', &dt, &kind, &why, &range))
        {
          fail (P, s, range ? HV_TOML_ERROR_OUT_OF_RANGE : HV_TOML_ERROR_SYNTAX,
                "invalid date/time \"%.*s\": %s", (int) n, s, why);
          return NULL;
        }
      norm = doc_strndup (P->doc, s, n);
      if (kind != HV_TOML_TIME_LOCAL && n > 10)
        norm[10] = 'T';
      if (norm[n - 1] == 'z')
        norm[n - 1] = 'Z';
      node->kind = kind;
      node->v.str = norm;
      return node;
    }

  if (!parse_number (P, s, n, node))
    return NULL;
  return node;
}

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static HvTomlNode *parse_value (Parser *P, guint depth);
static gboolean parse_keyval (Parser *P, HvTomlNode *table);

static HvTomlNode *
string_node (Parser  *P,
             guint32  line,
             guint32  column)
{
  HvTomlNode *node = node_new (P, HV_TOML_STRING, line, column);

  if (P->sbuf->len > G_MAXUINT32)
    {
      fail (P, P->p, HV_TOML_ERROR_LIMIT, "string is too long");
      return NULL;
    }
  node->v.str = doc_strndup (P->doc, P->sbuf->str, P->sbuf->len);
  return node;
}

static HvTomlNode *
parse_array (Parser  *P,
             guint    depth,
             guint32  line,
             guint32  column)
{
  const char *open = P->p;
  guint base = P->stack->len;
  HvTomlNode *node;
  Container *c;

  node = container_new (P, HV_TOML_ARRAY, depth, FLAG_FROZEN, open, line, column);
  if (node == NULL)
    return NULL;

  P->p++;
  for (;;)
    {
      HvTomlNode *value;

      if (!skip_ws_comments_newlines (P))
        return NULL;
      if (P->p >= P->end)
        {
          guint32 l, col;
          position_of (P, open, &l, &col);
          fail (P, P->p, HV_TOML_ERROR_SYNTAX,
                "unterminated array: expected ']' before the end of the file "
                "(the array starts at %u:%u)", l, col);
          return NULL;
        }
      if (*P->p == ']')
        {
          P->p++;
          break;
        }
      value = parse_value (P, depth + 1);
      if (value == NULL)
        return NULL;
      g_ptr_array_add (P->stack, value);

      if (!skip_ws_comments_newlines (P))
        return NULL;
      if (P->p < P->end && *P->p == ',')
        {
          P->p++;
          continue;
        }
      if (P->p < P->end && *P->p == ']')
        {
          P->p++;
          break;
        }
      {
        g_autofree char *what = describe_char (P, P->p);
        fail (P, P->p, HV_TOML_ERROR_SYNTAX,
              "expected ',' or ']' after an array element, found %s", what);
        return NULL;
      }
    }

  c = (Container *) node;
  CONT (node)->len = P->stack->len - base;
  if (P->stack->len - base > G_MAXUINT32 / 2)
    {
      fail (P, open, HV_TOML_ERROR_LIMIT, "array has too many elements");
      return NULL;
    }
  c->cap = CONT (node)->len;
  if (CONT (node)->len > 0)
    {
      node->v.items = doc_alloc (P->doc, sizeof (HvTomlNode *) * CONT (node)->len,
                                 G_ALIGNOF (HvTomlNode *));
      memcpy (node->v.items, P->stack->pdata + base, sizeof (HvTomlNode *) * CONT (node)->len);
    }
  g_ptr_array_set_size (P->stack, base);
  return node;
}

static HvTomlNode *
parse_inline_table (Parser  *P,
                    guint    depth,
                    guint32  line,
                    guint32  column)
{
  const char *open = P->p;
  HvTomlNode *node;

  node = container_new (P, HV_TOML_TABLE, depth, 0, open, line, column);
  if (node == NULL)
    return NULL;

  P->p++;
  skip_ws (P);
  if (P->p < P->end && *P->p == '}')
    {
      P->p++;
      CONT (node)->flags |= FLAG_FROZEN;
      return node;
    }

  for (;;)
    {
      if (P->p < P->end && (*P->p == '\n' || *P->p == '\r'))
        {
          fail (P, P->p, HV_TOML_ERROR_SYNTAX,
                "newlines are not allowed inside an inline table { } (TOML 1.0); "
                "keep it on one line or use a [table] section");
          return NULL;
        }
      if (!parse_keyval (P, node))
        return NULL;
      skip_ws (P);
      if (P->p < P->end && *P->p == ',')
        {
          const char *comma = P->p++;
          skip_ws (P);
          if (P->p < P->end && *P->p == '}')
            {
              fail (P, comma, HV_TOML_ERROR_SYNTAX,
                    "a trailing comma is not allowed in an inline table (TOML 1.0)");
              return NULL;
            }
          continue;
        }
      if (P->p < P->end && *P->p == '}')
        {
          P->p++;
          break;
        }
      if (P->p >= P->end || *P->p == '\n' || *P->p == '\r' || *P->p == '#')
        {
          guint32 l, col;
          position_of (P, open, &l, &col);
          fail (P, P->p, HV_TOML_ERROR_SYNTAX,
                "expected '}' to close the inline table that starts at %u:%u "
                "(inline tables must be on one line in TOML 1.0)", l, col);
          return NULL;
        }
      {
        g_autofree char *what = describe_char (P, P->p);
        fail (P, P->p, HV_TOML_ERROR_SYNTAX,
              "expected ',' or '}' in an inline table, found %s", what);
        return NULL;
      }
    }

  CONT (node)->flags |= FLAG_FROZEN;
  return node;
}

static HvTomlNode *
parse_value_text (Parser *P,
                  guint   depth)
{
  const char *pos = P->p;
  guint32 line = P->line;
  guint32 column;
  HvTomlNode *node;

  if (pos >= P->end || *pos == '\n' || *pos == '\r' || *pos == '#')
    {
      fail (P, pos, HV_TOML_ERROR_SYNTAX, "expected a value");
      return NULL;
    }
  column = column_at (P, pos);

  switch (*pos)
    {
    case '"':
      g_string_truncate (P->sbuf, 0);
      if (pos + 2 < P->end && pos[1] == '"' && pos[2] == '"')
        {
          if (!parse_ml_string (P, P->sbuf, FALSE))
            return NULL;
        }
      else if (!parse_basic_string (P, P->sbuf))
        return NULL;
      return string_node (P, line, column);

    case '\'':
      g_string_truncate (P->sbuf, 0);
      if (pos + 2 < P->end && pos[1] == '\'' && pos[2] == '\'')
        {
          if (!parse_ml_string (P, P->sbuf, TRUE))
            return NULL;
        }
      else if (!parse_literal_string (P, P->sbuf))
        return NULL;
      return string_node (P, line, column);

    case 't':
    case 'f':
      {
        gboolean value = *pos == 't';
        gsize len = value ? 4 : 5;
        if ((gsize) (P->end - pos) >= len && memcmp (pos, value ? "true" : "false", len) == 0 &&
            (pos + len == P->end || !bare_key_chars[(guint8) pos[len]]))
          {
            node = node_new (P, HV_TOML_BOOLEAN, line, column);
            node->v.b = value;
            P->p = pos + len;
            return node;
          }
        break;
      }

    case '[':
      return parse_array (P, depth, line, column);

    case '{':
      return parse_inline_table (P, depth, line, column);

    case '+': case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
    case 'i': case 'n':
      return parse_number_or_datetime (P, line, column);

    default:
      break;
    }

  {
    const char *q = pos;
    while (q < P->end && bare_key_chars[(guint8) *q])
      q++;
    if (q > pos)
      fail (P, pos, HV_TOML_ERROR_SYNTAX,
            "invalid value \"%.*s\": strings must be quoted; booleans are true and false "
            "(lower case)", (int) (q - pos), pos);
    else
      {
        g_autofree char *what = describe_char (P, pos);
        fail (P, pos, HV_TOML_ERROR_SYNTAX,
              "expected a value (string, number, boolean, date, array or inline table), "
              "found %s", what);
      }
    return NULL;
  }
}

static inline guint32
offset_of (Parser     *P,
           const char *pos)
{
  return (guint32) (pos - P->data);
}

/* A value, with its span: from its first character to just after its last one. */
static HvTomlNode *
parse_value (Parser *P,
             guint   depth)
{
  const char *pos = P->p;
  HvTomlNode *node = parse_value_text (P, depth);

  if (node != NULL)
    {
      node->start = offset_of (P, pos);
      node->end = offset_of (P, P->p);
    }
  return node;
}

/* ------------------------------------------------------------------------------------------ */
/* Key/value pairs and tables                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* Descends from table into the sub-table named by key part i for a dotted key. */
static HvTomlNode *
descend_dotted (Parser     *P,
                HvTomlNode *table,
                guint       i)
{
  KeyPart *kp = &g_array_index (P->kparts, KeyPart, i);
  Entry *e = table_find (table, part_key (P, kp), kp->len, kp->hash);
  HvTomlNode *sub;

  if (e == NULL)
    {
      sub = container_new (P, HV_TOML_TABLE, CONT (table)->depth + 1, FLAG_DOTTED,
                           kp->pos, kp->line, kp->column);
      if (sub == NULL)
        return NULL;
      table_append (table, part_key (P, kp), kp->len, kp->hash, kp->line, kp->column, sub);
      return sub;
    }

  sub = e->value;
  if (sub->kind != HV_TOML_TABLE)
    {
      g_autofree char *key = key_for_message (P, i + 1);
      fail (P, kp->pos, HV_TOML_ERROR_REDEFINITION,
            "cannot add keys to \"%s\": it is already defined at %u:%u as %s",
            key, e->line, e->column, kind_with_article (sub));
      return NULL;
    }
  if (CONT (sub)->flags & FLAG_FROZEN)
    {
      g_autofree char *key = key_for_message (P, i + 1);
      fail (P, kp->pos, HV_TOML_ERROR_REDEFINITION,
            "cannot add keys to \"%s\": it is an inline table (defined at %u:%u), and inline "
            "tables cannot be extended", key, e->line, e->column);
      return NULL;
    }
  if (CONT (sub)->flags & FLAG_EXPLICIT)
    {
      g_autofree char *key = key_for_message (P, i + 1);
      fail (P, kp->pos, HV_TOML_ERROR_REDEFINITION,
            "cannot add keys to table \"%s\" with a dotted key: it is defined by a [header] "
            "at %u:%u; add the keys under that header", key, sub->line, sub->column);
      return NULL;
    }
  CONT (sub)->flags |= FLAG_DOTTED;
  return sub;
}

/* key = value, added to table (the current section, or an inline table being built). */
static gboolean
parse_keyval (Parser     *P,
              HvTomlNode *table)
{
  HvTomlNode *t = table;
  HvTomlNode *value;
  KeyPart last;
  guint n_parts;
  Entry *e;
  guint32 number;

  if (!parse_key (P))
    return FALSE;
  n_parts = P->kparts->len;

  if (P->p >= P->end || *P->p != '=')
    {
      g_autofree char *key = key_for_message (P, n_parts);
      g_autofree char *what = describe_char (P, P->p);
      return fail (P, P->p, HV_TOML_ERROR_SYNTAX, "expected '=' after key \"%s\", found %s",
                   key, what);
    }
  P->p++;
  skip_ws (P);

  for (guint i = 0; i + 1 < n_parts; i++)
    {
      t = descend_dotted (P, t, i);
      if (t == NULL)
        return FALSE;
    }

  last = g_array_index (P->kparts, KeyPart, n_parts - 1);
  e = table_find (t, part_key (P, &last), last.len, last.hash);
  if (e != NULL)
    {
      g_autofree char *key = key_for_message (P, n_parts);
      return fail (P, last.pos, HV_TOML_ERROR_REDEFINITION,
                   "key \"%s\" is already defined at %u:%u", key, e->line, e->column);
    }

  /* The entry goes in first (the key buffer is reused by nested inline tables); the value
   * is filled in once parsed. Nothing can reach t's entries meanwhile. */
  number = table_append (t, part_key (P, &last), last.len, last.hash, last.line, last.column,
                         NULL);
  value = parse_value (P, CONT (t)->depth + 1);
  if (value == NULL)
    return FALSE;
  t->v.entries[number].value = value;
  return TRUE;
}

/* Descends from table into key part i of a [header]. */
static HvTomlNode *
descend_header (Parser     *P,
                HvTomlNode *table,
                guint       i)
{
  KeyPart *kp = &g_array_index (P->kparts, KeyPart, i);
  Entry *e = table_find (table, part_key (P, kp), kp->len, kp->hash);
  HvTomlNode *sub;

  if (e == NULL)
    {
      sub = container_new (P, HV_TOML_TABLE, CONT (table)->depth + 1, FLAG_IMPLICIT,
                           kp->pos, kp->line, kp->column);
      if (sub == NULL)
        return NULL;
      table_append (table, part_key (P, kp), kp->len, kp->hash, kp->line, kp->column, sub);
      return sub;
    }

  sub = e->value;
  if (sub->kind == HV_TOML_TABLE && !(CONT (sub)->flags & FLAG_FROZEN))
    return sub;
  if (sub->kind == HV_TOML_ARRAY && (CONT (sub)->flags & FLAG_AOT))
    return sub->v.items[CONT (sub)->len - 1];

  {
    g_autofree char *key = key_for_message (P, i + 1);
    if (sub->kind == HV_TOML_TABLE)
      fail (P, kp->pos, HV_TOML_ERROR_REDEFINITION,
            "cannot add a table to \"%s\": it is an inline table (defined at %u:%u), and "
            "inline tables cannot be extended", key, e->line, e->column);
    else if (sub->kind == HV_TOML_ARRAY)
      fail (P, kp->pos, HV_TOML_ERROR_REDEFINITION,
            "cannot add a table to \"%s\": it is an array defined at %u:%u, not an array "
            "of tables ([[%s]])", key, e->line, e->column, key);
    else
      fail (P, kp->pos, HV_TOML_ERROR_REDEFINITION,
            "cannot add a table to \"%s\": it is already defined at %u:%u as %s",
            key, e->line, e->column, kind_with_article (sub));
    return NULL;
  }
}

/* At '[': a [table] or [[array of tables]] header. */
static gboolean
parse_header (Parser *P)
{
  const char *open = P->p;
  guint32 line = P->line;
  guint32 column = column_at (P, open);
  gboolean is_array = open + 1 < P->end && open[1] == '[';
  HvTomlNode *t = P->root;
  KeyPart *last;
  guint n_parts;
  Entry *e;

  P->p += is_array ? 2 : 1;
  skip_ws (P);
  if (!parse_key (P))
    return FALSE;
  n_parts = P->kparts->len;

  if (is_array)
    {
      if (P->p + 1 >= P->end || P->p[0] != ']' || P->p[1] != ']')
        {
          g_autofree char *what = describe_char (P, P->p);
          return fail (P, P->p, HV_TOML_ERROR_SYNTAX,
                       "expected ']]' to close the array of tables header, found %s", what);
        }
      P->p += 2;
    }
  else
    {
      if (P->p >= P->end || *P->p != ']')
        {
          g_autofree char *what = describe_char (P, P->p);
          return fail (P, P->p, HV_TOML_ERROR_SYNTAX,
                       "expected ']' to close the table header, found %s", what);
        }
      P->p++;
    }

  for (guint i = 0; i + 1 < n_parts; i++)
    {
      t = descend_header (P, t, i);
      if (t == NULL)
        return FALSE;
    }

  last = &g_array_index (P->kparts, KeyPart, n_parts - 1);
  e = table_find (t, part_key (P, last), last->len, last->hash);

  if (!is_array)
    {
      HvTomlNode *sub;

      if (e == NULL)
        {
          sub = container_new (P, HV_TOML_TABLE, CONT (t)->depth + 1, FLAG_EXPLICIT,
                               open, line, column);
          if (sub == NULL)
            return FALSE;
          sub->start = offset_of (P, open);
          table_append (t, part_key (P, last), last->len, last->hash, last->line, last->column,
                        sub);
          P->current = sub;
          return TRUE;
        }

      sub = e->value;
      if (sub->kind == HV_TOML_TABLE && CONT (sub)->flags == FLAG_IMPLICIT)
        {
          CONT (sub)->flags = FLAG_EXPLICIT;
          sub->line = line;
          sub->column = column;
          sub->start = offset_of (P, open);
          P->current = sub;
          return TRUE;
        }

      {
        g_autofree char *key = key_for_message (P, n_parts);
        if (sub->kind == HV_TOML_TABLE && (CONT (sub)->flags & FLAG_EXPLICIT))
          return fail (P, open, HV_TOML_ERROR_REDEFINITION,
                       "table [%s] is already defined at %u:%u", key, sub->line, sub->column);
        if (sub->kind == HV_TOML_TABLE && (CONT (sub)->flags & FLAG_FROZEN))
          return fail (P, open, HV_TOML_ERROR_REDEFINITION,
                       "table [%s] is already defined at %u:%u as an inline table",
                       key, e->line, e->column);
        if (sub->kind == HV_TOML_TABLE)
          return fail (P, open, HV_TOML_ERROR_REDEFINITION,
                       "table [%s] is already defined with dotted keys at %u:%u",
                       key, e->line, e->column);
        if (sub->kind == HV_TOML_ARRAY && (CONT (sub)->flags & FLAG_AOT))
          return fail (P, open, HV_TOML_ERROR_REDEFINITION,
                       "table [%s] conflicts with the array of tables [[%s]] defined at %u:%u",
                       key, key, e->line, e->column);
        return fail (P, open, HV_TOML_ERROR_REDEFINITION,
                     "key \"%s\" is already defined at %u:%u as %s",
                     key, e->line, e->column, kind_with_article (sub));
      }
    }
  else
    {
      HvTomlNode *array, *element;

      if (e == NULL)
        {
          array = container_new (P, HV_TOML_ARRAY, CONT (t)->depth + 1, FLAG_AOT,
                                 open, line, column);
          if (array == NULL)
            return FALSE;
          table_append (t, part_key (P, last), last->len, last->hash, last->line, last->column,
                        array);
        }
      else
        {
          array = e->value;
          if (array->kind != HV_TOML_ARRAY || !(CONT (array)->flags & FLAG_AOT))
            {
              g_autofree char *key = key_for_message (P, n_parts);
              if (array->kind == HV_TOML_ARRAY)
                return fail (P, open, HV_TOML_ERROR_REDEFINITION,
                             "cannot append to \"%s\" with [[%s]]: it is a static array "
                             "defined at %u:%u", key, key, e->line, e->column);
              return fail (P, open, HV_TOML_ERROR_REDEFINITION,
                           "[[%s]] conflicts with \"%s\" already defined at %u:%u as %s",
                           key, key, e->line, e->column, kind_with_article (array));
            }
        }

      if (CONT (array)->len >= G_MAXUINT32 / 2)
        return fail (P, open, HV_TOML_ERROR_LIMIT, "array of tables has too many elements");
      element = container_new (P, HV_TOML_TABLE, CONT (array)->depth + 1,
                               FLAG_EXPLICIT | FLAG_AOT_ELEMENT, open, line, column);
      if (element == NULL)
        return FALSE;
      element->start = offset_of (P, open);
      array_append (array, element);
      P->current = element;
      return TRUE;
    }
}

static gboolean
parse_document (Parser *P)
{
  gboolean ok = TRUE;

  for (;;)
    {
      gboolean body_line = TRUE;   /* a header or key/value line, not a comment */

      skip_ws (P);
      if (P->p >= P->end)
        return TRUE;

      switch (*P->p)
        {
        case '#':
          body_line = FALSE;
          break;
        case '\n':
        case '\r':
          if (!eat_newline (P, &ok))
            return ok ? fail (P, P->p, HV_TOML_ERROR_ENCODING, "bare carriage return") : FALSE;
          continue;
        case '[':
          if (!parse_header (P))
            return FALSE;
          break;
        default:
          if (!parse_keyval (P, P->current))
            return FALSE;
          break;
        }

      skip_ws (P);
      if (P->p < P->end && *P->p == '#' && !skip_comment (P))
        return FALSE;
      if (P->p >= P->end)
        {
          if (body_line)
            P->current->end = offset_of (P, P->p);
          return TRUE;
        }
      if (body_line && (*P->p == '\n' || *P->p == '\r'))
        {
          /* The end of the body of the current table is after this line's newline. */
          if (!eat_newline (P, &ok))
            return FALSE;
          P->current->end = offset_of (P, P->p);
          continue;
        }
      if (!eat_newline (P, &ok))
        {
          g_autofree char *what = NULL;
          if (!ok)
            return FALSE;
          what = describe_char (P, P->p);
          return fail (P, P->p, HV_TOML_ERROR_SYNTAX,
                       "expected the end of the line, found %s "
                       "(put each key = value pair and [table] header on its own line)", what);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */
/* ------------------------------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (HvTomlNode, hv_toml_node, hv_toml_node_ref, hv_toml_node_unref)

/**
 * hv_toml_parse:
 * @data: the document, UTF-8
 * @length: its length in bytes, or -1 if NUL-terminated
 * @filename: (nullable): name used in error messages ("<input>" if %NULL)
 * @error: errors in %HV_TOML_ERROR, with messages "FILE:LINE:COLUMN: what is wrong"
 *
 * Returns: (transfer full): the root table, or %NULL on error
 */
HvTomlNode *
hv_toml_parse (const char  *data,
               gssize       length,
               const char  *filename,
               GError     **error)
{
  Parser P = { 0 };
  const char *bad = NULL;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (data == NULL)
    data = "";

  P.filename = filename != NULL ? filename : "<input>";
  P.data = data;
  P.start = data;
  P.end = data + length;

  if ((gsize) length > G_MAXINT32)
    {
      g_set_error (error, HV_TOML_ERROR, HV_TOML_ERROR_LIMIT,
                   "%s: the file is too large (%" G_GSSIZE_FORMAT " bytes; at most 2 GiB "
                   "can be read)", P.filename, length);
      return NULL;
    }

  /* A UTF-8 byte order mark is allowed at the very start and ignored. */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    P.start += 3;
  P.p = P.start;
  P.line = 1;
  P.line_start = P.start;
  P.col_pos = P.start;
  P.col = 1;

  if (!g_utf8_validate_len (P.start, P.end - P.start, &bad))
    {
      if (*bad == '\0')
        fail (&P, bad, HV_TOML_ERROR_ENCODING,
              "NUL character (U+0000) is not allowed in a TOML file (write \\u0000 in a string)");
      else
        fail (&P, bad, HV_TOML_ERROR_ENCODING,
              "invalid UTF-8 (byte 0x%02X); TOML files must be encoded in UTF-8",
              (guint8) *bad);
      g_propagate_error (error, P.error);
      return NULL;
    }

  P.doc = doc_new (length);
  P.root = node_new (&P, HV_TOML_TABLE, 1, 1);
  CONT (P.root)->flags = FLAG_EXPLICIT | FLAG_ROOT;
  P.root->start = offset_of (&P, P.start);
  P.root->end = P.root->start;
  P.current = P.root;
  P.stack = g_ptr_array_new ();
  P.sbuf = g_string_sized_new (256);
  P.kbuf = g_string_sized_new (64);
  P.kparts = g_array_new (FALSE, FALSE, sizeof (KeyPart));

  ok = parse_document (&P);

  g_ptr_array_unref (P.stack);
  g_string_free (P.sbuf, TRUE);
  g_string_free (P.kbuf, TRUE);
  g_array_unref (P.kparts);

  if (!ok)
    {
      g_assert (P.error != NULL);
      g_propagate_error (error, P.error);
      doc_free (P.doc);
      return NULL;
    }
  return P.root;
}

/**
 * hv_toml_node_ref:
 *
 * Keeps the node's whole document alive.
 */
HvTomlNode *
hv_toml_node_ref (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  g_atomic_ref_count_inc (&node->doc->ref_count);
  return node;
}

void
hv_toml_node_unref (HvTomlNode *node)
{
  g_return_if_fail (node != NULL);

  if (g_atomic_ref_count_dec (&node->doc->ref_count))
    doc_free (node->doc);
}

HvTomlType
hv_toml_node_get_kind (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, HV_TOML_TABLE);

  return node->kind;
}

/**
 * hv_toml_type_to_string:
 *
 * Returns: the name toml-test uses for @type ("string", "integer", "float", "bool", "datetime",
 *   "datetime-local", "date-local", "time-local"), or "table" / "array".
 */
const char *
hv_toml_type_to_string (HvTomlType type)
{
  switch (type)
    {
    case HV_TOML_TABLE: return "table";
    case HV_TOML_ARRAY: return "array";
    case HV_TOML_STRING: return "string";
    case HV_TOML_INTEGER: return "integer";
    case HV_TOML_FLOAT: return "float";
    case HV_TOML_BOOLEAN: return "bool";
    case HV_TOML_DATETIME: return "datetime";
    case HV_TOML_DATETIME_LOCAL: return "datetime-local";
    case HV_TOML_DATE_LOCAL: return "date-local";
    case HV_TOML_TIME_LOCAL: return "time-local";
    default: break;
    }
  g_return_val_if_reached ("unknown");
}

/**
 * hv_toml_node_get_line:
 *
 * Returns: the 1-based line where the value starts. For a table defined by a [header], the line
 *   of the header; for a table created implicitly by a header or a dotted key, the line of its
 *   key; for the root table, 1.
 */
guint
hv_toml_node_get_line (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  return node->line;
}

/**
 * hv_toml_node_get_column:
 *
 * Returns: the 1-based column (in characters) where the value starts.
 */
guint
hv_toml_node_get_column (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  return node->column;
}

/**
 * hv_toml_node_get_string:
 *
 * Returns: the decoded string, NUL-terminated. A string may contain U+0000 (written as \u0000);
 *   use hv_toml_node_get_string_length() when that matters.
 */
const char *
hv_toml_node_get_string (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (node->kind == HV_TOML_STRING, NULL);

  return node->v.str;
}

gsize
hv_toml_node_get_string_length (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, 0);
  g_return_val_if_fail (node->kind == HV_TOML_STRING, 0);

  return str_len (node->v.str);
}

gint64
hv_toml_node_get_int (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, 0);
  g_return_val_if_fail (node->kind == HV_TOML_INTEGER, 0);

  return node->v.i;
}

/**
 * hv_toml_node_get_double:
 *
 * Returns: the value of a float, or of an integer converted to double.
 */
double
hv_toml_node_get_double (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, 0.0);
  g_return_val_if_fail (node->kind == HV_TOML_FLOAT || node->kind == HV_TOML_INTEGER, 0.0);

  if (node->kind == HV_TOML_INTEGER)
    return (double) node->v.i;
  return node->v.d;
}

gboolean
hv_toml_node_get_boolean (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (node->kind == HV_TOML_BOOLEAN, FALSE);

  return node->v.b;
}

static gboolean
is_datetime_kind (guint8 kind)
{
  return kind == HV_TOML_DATETIME || kind == HV_TOML_DATETIME_LOCAL ||
         kind == HV_TOML_DATE_LOCAL || kind == HV_TOML_TIME_LOCAL;
}

/**
 * hv_toml_node_get_datetime_string:
 *
 * Returns: the date/time in RFC 3339 form as written, with the date/time separator normalized
 *   to 'T' and a 'z' offset to 'Z' (fractional seconds are kept as written).
 */
const char *
hv_toml_node_get_datetime_string (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (is_datetime_kind (node->kind), NULL);

  return node->v.str;
}

void
hv_toml_node_get_datetime (HvTomlNode     *node,
                           HvTomlDatetime *out)
{
  HvTomlType kind;
  const char *why;
  gboolean ok, range;

  g_return_if_fail (out != NULL);
  memset (out, 0, sizeof *out);
  g_return_if_fail (node != NULL);
  g_return_if_fail (is_datetime_kind (node->kind));

  ok = parse_datetime_token (node->v.str, str_len (node->v.str), node->kind != HV_TOML_TIME_LOCAL,
                             out, &kind, &why, &range);
  g_assert (ok && kind == node->kind);
}

static Entry *
table_lookup (HvTomlNode *table,
              const char *key,
              gsize       len)
{
  return table_find (table, key, len, key_hash (key, len));
}

/**
 * hv_toml_table_get:
 *
 * Returns: (transfer none) (nullable): the value of @key in @table, or %NULL if it has none.
 */
HvTomlNode *
hv_toml_table_get (HvTomlNode *table,
                   const char *key)
{
  Entry *e;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (table->kind == HV_TOML_TABLE, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  e = table_lookup (table, key, strlen (key));
  return e != NULL ? e->value : NULL;
}

guint
hv_toml_table_get_n_keys (HvTomlNode *table)
{
  g_return_val_if_fail (table != NULL, 0);
  g_return_val_if_fail (table->kind == HV_TOML_TABLE, 0);

  return CONT (table)->len;
}

/**
 * hv_toml_table_get_keys:
 * @n_keys: (out) (optional): the number of keys
 *
 * Returns: (transfer container): the keys of @table in document order, %NULL-terminated; free
 *   the array with g_free(), not the strings.
 */
const char **
hv_toml_table_get_keys (HvTomlNode *table,
                        guint      *n_keys)
{
  const char **keys;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (table->kind == HV_TOML_TABLE, NULL);

  keys = g_new (const char *, CONT (table)->len + 1);
  for (guint32 i = 0; i < CONT (table)->len; i++)
    keys[i] = table->v.entries[i].key;
  keys[CONT (table)->len] = NULL;
  if (n_keys != NULL)
    *n_keys = CONT (table)->len;
  return keys;
}

/**
 * hv_toml_table_get_key_at:
 * @length: (out) (optional): the key's length in bytes (keys may contain U+0000)
 *
 * Returns: the @index-th key of @table in document order.
 */
const char *
hv_toml_table_get_key_at (HvTomlNode *table,
                          guint       index,
                          gsize      *length)
{
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (table->kind == HV_TOML_TABLE, NULL);
  g_return_val_if_fail (index < CONT (table)->len, NULL);

  if (length != NULL)
    *length = str_len (table->v.entries[index].key);
  return table->v.entries[index].key;
}

HvTomlNode *
hv_toml_table_get_value_at (HvTomlNode *table,
                            guint       index)
{
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (table->kind == HV_TOML_TABLE, NULL);
  g_return_val_if_fail (index < CONT (table)->len, NULL);

  return table->v.entries[index].value;
}

/**
 * hv_toml_table_get_key_position:
 *
 * Where @key of @table was first written: for `a.b = 1` the position of `b`, for `[a.b]` the
 * position of `b` inside the header.
 *
 * Returns: %TRUE if @table has @key
 */
gboolean
hv_toml_table_get_key_position (HvTomlNode *table,
                                const char *key,
                                guint      *line,
                                guint      *column)
{
  Entry *e;

  g_return_val_if_fail (table != NULL, FALSE);
  g_return_val_if_fail (table->kind == HV_TOML_TABLE, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  e = table_lookup (table, key, strlen (key));
  if (line != NULL)
    *line = e != NULL ? e->line : 0;
  if (column != NULL)
    *column = e != NULL ? e->column : 0;
  return e != NULL;
}

/** hv_toml_table_get_key_line: Returns: the line of @key, 0 if @table has no such key. */
guint
hv_toml_table_get_key_line (HvTomlNode *table,
                            const char *key)
{
  guint line = 0;

  g_return_val_if_fail (table != NULL, 0);
  g_return_val_if_fail (key != NULL, 0);

  hv_toml_table_get_key_position (table, key, &line, NULL);
  return line;
}

/** hv_toml_table_get_key_column: Returns: the column of @key, 0 if @table has no such key. */
guint
hv_toml_table_get_key_column (HvTomlNode *table,
                              const char *key)
{
  guint column = 0;

  g_return_val_if_fail (table != NULL, 0);
  g_return_val_if_fail (key != NULL, 0);

  hv_toml_table_get_key_position (table, key, NULL, &column);
  return column;
}

/**
 * hv_toml_node_get_span:
 * @start: (out) (optional): offset of the value's first byte
 * @end: (out) (optional): offset just after the value's last byte
 *
 * Where the text of a value is in the input given to hv_toml_parse(), in bytes from the start
 * of that input (a byte order mark counts). A string spans from its opening quote(s) to after
 * its closing quote(s), a number, boolean or date/time its literal, an array '[' to ']' and an
 * inline table '{' to '}', both included. Replacing exactly these bytes with another value
 * leaves the rest of the document as it was.
 *
 * Tables that are not written as one piece of text (the root, a [header] table, a table created
 * by a header or a dotted key, an [[array]] element) and arrays of tables have no span: see
 * hv_toml_table_get_origin() and hv_toml_table_get_body_end().
 *
 * Returns: %TRUE if @node has a span; otherwise @start and @end are set to 0
 */
gboolean
hv_toml_node_get_span (HvTomlNode *node,
                       gsize      *start,
                       gsize      *end)
{
  gboolean has_span;

  g_return_val_if_fail (node != NULL, FALSE);

  if (node->kind == HV_TOML_TABLE)
    has_span = (CONT (node)->flags & FLAG_FROZEN) != 0;
  else if (node->kind == HV_TOML_ARRAY)
    has_span = (CONT (node)->flags & FLAG_AOT) == 0;
  else
    has_span = TRUE;

  if (start != NULL)
    *start = has_span ? node->start : 0;
  if (end != NULL)
    *end = has_span ? node->end : 0;
  return has_span;
}

/**
 * hv_toml_table_get_origin:
 *
 * How @table came to be; see #HvTomlTableOrigin.
 */
HvTomlTableOrigin
hv_toml_table_get_origin (HvTomlNode *table)
{
  guint8 flags;

  g_return_val_if_fail (table != NULL, HV_TOML_TABLE_ORIGIN_ROOT);
  g_return_val_if_fail (table->kind == HV_TOML_TABLE, HV_TOML_TABLE_ORIGIN_ROOT);

  flags = CONT (table)->flags;
  if (flags & FLAG_ROOT)
    return HV_TOML_TABLE_ORIGIN_ROOT;
  if (flags & FLAG_FROZEN)
    return HV_TOML_TABLE_ORIGIN_INLINE;
  if (flags & FLAG_AOT_ELEMENT)
    return HV_TOML_TABLE_ORIGIN_ARRAY_ELEMENT;
  if (flags & FLAG_EXPLICIT)
    return HV_TOML_TABLE_ORIGIN_HEADER;
  if (flags & FLAG_DOTTED)
    return HV_TOML_TABLE_ORIGIN_DOTTED;
  return HV_TOML_TABLE_ORIGIN_IMPLICIT;
}

/**
 * hv_toml_table_get_body_end:
 * @offset: (out) (optional): the end of the body, in bytes from the start of the input
 *
 * Where the body of a table that has one (the root, a [header] table, an [[array]] element)
 * ends: just after the newline that ends the last line of the body holding a key/value pair,
 * its trailing comment included, so that a new `key = value` line inserted at @offset becomes
 * the body's last key. The blank lines and comments that follow, which usually introduce the
 * next [header], are not part of the body. When the body has no key/value pair, @offset is
 * just after the newline of the header line, or for the root table the start of the input
 * (after a byte order mark). When that line is the last of the input and has no newline,
 * @offset is the end of the input: add a newline before inserting there.
 *
 * Keys written with a dotted key (`a.b = 1`) in the body count as lines of the body.
 *
 * Returns: %TRUE if @table has a body; %FALSE (and @offset set to 0) for inline tables and
 *   tables created implicitly or by dotted keys
 */
gboolean
hv_toml_table_get_body_end (HvTomlNode *table,
                            gsize      *offset)
{
  gboolean has_body;

  g_return_val_if_fail (table != NULL, FALSE);
  g_return_val_if_fail (table->kind == HV_TOML_TABLE, FALSE);

  has_body = (CONT (table)->flags & FLAG_EXPLICIT) != 0;
  if (offset != NULL)
    *offset = has_body ? table->end : 0;
  return has_body;
}

guint
hv_toml_array_get_length (HvTomlNode *array)
{
  g_return_val_if_fail (array != NULL, 0);
  g_return_val_if_fail (array->kind == HV_TOML_ARRAY, 0);

  return CONT (array)->len;
}

/**
 * hv_toml_array_get_element:
 *
 * Returns: (transfer none): the @index-th element
 */
HvTomlNode *
hv_toml_array_get_element (HvTomlNode *array,
                           guint       index)
{
  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (array->kind == HV_TOML_ARRAY, NULL);
  g_return_val_if_fail (index < CONT (array)->len, NULL);

  return array->v.items[index];
}

/**
 * hv_toml_lookup:
 * @path: bare keys separated by dots, e.g. "providers.ollama.host"
 *
 * Returns: (transfer none) (nullable): the value at @path below the table @root, or %NULL if a
 *   part is missing or is not a table.
 */
HvTomlNode *
hv_toml_lookup (HvTomlNode *root,
                const char *path)
{
  HvTomlNode *node = root;
  const char *part = path;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (root->kind == HV_TOML_TABLE, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  for (;;)
    {
      const char *dot = strchr (part, '.');
      gsize len = dot != NULL ? (gsize) (dot - part) : strlen (part);
      Entry *e;

      if (node->kind != HV_TOML_TABLE)
        return NULL;
      e = table_lookup (node, part, len);
      if (e == NULL)
        return NULL;
      node = e->value;
      if (dot == NULL)
        return node;
      part = dot + 1;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Tagged JSON                                                                                 */
/* ------------------------------------------------------------------------------------------ */

static void
format_double (double d,
               char  *buf,
               gsize  size)
{
  if (isnan (d))
    {
      g_strlcpy (buf, "nan", size);
      return;
    }
  if (isinf (d))
    {
      g_strlcpy (buf, d > 0 ? "inf" : "-inf", size);
      return;
    }
  /* The shortest of %.15g, %.16g, %.17g that reads back as the same double. */
  g_ascii_formatd (buf, size, "%.15g", d);
  if (g_ascii_strtod (buf, NULL) != d)
    {
      g_ascii_formatd (buf, size, "%.16g", d);
      if (g_ascii_strtod (buf, NULL) != d)
        g_ascii_formatd (buf, size, "%.17g", d);
    }
  if (strpbrk (buf, ".en") == NULL)
    g_strlcat (buf, ".0", size);
}

static char *
scalar_value_string (HvTomlNode *node)
{
  switch ((HvTomlType) node->kind)
    {
    case HV_TOML_STRING:
      return g_strdup (node->v.str);
    case HV_TOML_INTEGER:
      return g_strdup_printf ("%" G_GINT64_FORMAT, node->v.i);
    case HV_TOML_FLOAT:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE + 4];
        format_double (node->v.d, buf, sizeof buf);
        return g_strdup (buf);
      }
    case HV_TOML_BOOLEAN:
      return g_strdup (node->v.b ? "true" : "false");
    case HV_TOML_DATETIME:
    case HV_TOML_DATETIME_LOCAL:
    case HV_TOML_DATE_LOCAL:
    case HV_TOML_TIME_LOCAL:
      return g_strdup (node->v.str);
    case HV_TOML_TABLE:
    case HV_TOML_ARRAY:
    default:
      g_assert_not_reached ();
    }
}

static JsonNode *
to_tagged_json (HvTomlNode *node)
{
  JsonNode *json;

  if (node->kind == HV_TOML_TABLE)
    {
      JsonObject *object = json_object_new ();
      for (guint32 i = 0; i < CONT (node)->len; i++)
        json_object_set_member (object, node->v.entries[i].key,
                                to_tagged_json (node->v.entries[i].value));
      json = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (json, object);
    }
  else if (node->kind == HV_TOML_ARRAY)
    {
      JsonArray *array = json_array_sized_new (CONT (node)->len);
      for (guint32 i = 0; i < CONT (node)->len; i++)
        json_array_add_element (array, to_tagged_json (node->v.items[i]));
      json = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (json, array);
    }
  else
    {
      JsonObject *object = json_object_new ();
      g_autofree char *value = scalar_value_string (node);
      json_object_set_string_member (object, "type", hv_toml_type_to_string (node->kind));
      json_object_set_string_member (object, "value", value);
      json = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (json, object);
    }
  return json;
}

/**
 * hv_toml_node_to_tagged_json:
 *
 * Converts to toml-test's tagged JSON: a table becomes an object, an array an array, and a scalar
 * {"type": T, "value": S}. json-glib strings are NUL-terminated, so a string or key containing
 * U+0000 is cut there; hv_toml_node_to_tagged_json_text() has no such limit.
 *
 * Returns: (transfer full): a new JSON node
 */
JsonNode *
hv_toml_node_to_tagged_json (HvTomlNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return to_tagged_json (node);
}

static void
append_json_string (GString    *out,
                    const char *str,
                    gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = str;

  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = (guint8) str[i];
      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F)
        continue;
      g_string_append_len (out, run, str + i - run);
      run = str + i + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xF]);
          break;
        }
    }
  g_string_append_len (out, run, str + len - run);
  g_string_append_c (out, '"');
}

static void
write_tagged_json (GString    *out,
                   HvTomlNode *node)
{
  if (node->kind == HV_TOML_TABLE)
    {
      g_string_append_c (out, '{');
      for (guint32 i = 0; i < CONT (node)->len; i++)
        {
          Entry *e = &node->v.entries[i];
          if (i > 0)
            g_string_append_c (out, ',');
          append_json_string (out, e->key, str_len (e->key));
          g_string_append_c (out, ':');
          write_tagged_json (out, e->value);
        }
      g_string_append_c (out, '}');
    }
  else if (node->kind == HV_TOML_ARRAY)
    {
      g_string_append_c (out, '[');
      for (guint32 i = 0; i < CONT (node)->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          write_tagged_json (out, node->v.items[i]);
        }
      g_string_append_c (out, ']');
    }
  else
    {
      g_string_append (out, "{\"type\":\"");
      g_string_append (out, hv_toml_type_to_string (node->kind));
      g_string_append (out, "\",\"value\":");
      if (node->kind == HV_TOML_STRING)
        append_json_string (out, node->v.str, str_len (node->v.str));
      else
        {
          g_autofree char *value = scalar_value_string (node);
          append_json_string (out, value, strlen (value));
        }
      g_string_append_c (out, '}');
    }
}

/**
 * hv_toml_node_to_tagged_json_text:
 * @length: (out) (optional): length of the text
 *
 * Like hv_toml_node_to_tagged_json(), but writes compact JSON text directly, keeping strings
 * that contain U+0000 intact (as \u0000).
 *
 * Returns: (transfer full): the JSON text
 */
char *
hv_toml_node_to_tagged_json_text (HvTomlNode *node,
                                  gsize      *length)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_new (NULL);
  write_tagged_json (out, node);
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}
