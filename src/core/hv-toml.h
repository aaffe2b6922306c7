// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A TOML 1.0 parser.
 *
 * hv_toml_parse() turns a document into a read-only tree of HvTomlNode. Every node and every key
 * of a table remembers where it was written (1-based line, and 1-based column counted in
 * characters, i.e. Unicode code points), so that callers can point users at the exact place of a
 * wrong or unknown setting.
 *
 * Every value also knows its span, the bytes of the input it was written as
 * (hv_toml_node_get_span()), and every table how it was defined and, if it has a body, where
 * that body ends (hv_toml_table_get_origin(), hv_toml_table_get_body_end()): enough to change
 * a value or add a key to a file in place, keeping its comments and layout.
 *
 * Memory: all the nodes of one document live in one block owned by the document. Taking a
 * reference on any node (hv_toml_node_ref()) keeps the whole document alive; nodes returned by
 * the accessors are borrowed (transfer none) and valid as long as some reference to a node of the
 * same document is held.
 */

#define HV_TOML_ERROR (hv_toml_error_quark ())

typedef enum {
  HV_TOML_ERROR_SYNTAX,        /* the text is not TOML */
  HV_TOML_ERROR_ENCODING,      /* not UTF-8, a bare CR, a forbidden control character */
  HV_TOML_ERROR_REDEFINITION,  /* a key or table defined twice, an inline table extended, … */
  HV_TOML_ERROR_OUT_OF_RANGE,  /* integer beyond 64 bits, float beyond double, no such date */
  HV_TOML_ERROR_TOO_DEEP,      /* nesting beyond HV_TOML_MAX_DEPTH */
  HV_TOML_ERROR_LIMIT,         /* the input is too large to be handled */
} HvTomlError;

/* Deepest nesting of tables and arrays a document may have (the root table is depth 0). */
#define HV_TOML_MAX_DEPTH 256

typedef enum {
  HV_TOML_TABLE,
  HV_TOML_ARRAY,
  HV_TOML_STRING,
  HV_TOML_INTEGER,
  HV_TOML_FLOAT,
  HV_TOML_BOOLEAN,
  HV_TOML_DATETIME,        /* offset date-time: 1979-05-27T07:32:00Z */
  HV_TOML_DATETIME_LOCAL,  /* local date-time:  1979-05-27T07:32:00 */
  HV_TOML_DATE_LOCAL,      /* local date:       1979-05-27 */
  HV_TOML_TIME_LOCAL,      /* local time:       07:32:00 */
} HvTomlType;

/* The fields of a date/time value; members a kind does not have are 0 / FALSE. */
typedef struct {
  int year, month, day;           /* set for DATETIME, DATETIME_LOCAL, DATE_LOCAL */
  int hour, minute, second;       /* set for DATETIME, DATETIME_LOCAL, TIME_LOCAL */
  int nanosecond;                 /* fractional seconds, digits beyond 9 truncated */
  gboolean has_offset;            /* TRUE for DATETIME only */
  int offset_minutes;             /* east of UTC; "Z" is 0 */
} HvTomlDatetime;

/* How a table came to be (hv_toml_table_get_origin()). */
typedef enum {
  HV_TOML_TABLE_ORIGIN_ROOT,           /* the document itself */
  HV_TOML_TABLE_ORIGIN_HEADER,         /* defined by a [a.b] header */
  HV_TOML_TABLE_ORIGIN_IMPLICIT,       /* only a parent of a header: [a.b] creates a */
  HV_TOML_TABLE_ORIGIN_DOTTED,         /* created by a dotted key: a.b = 1 creates a */
  HV_TOML_TABLE_ORIGIN_INLINE,         /* an inline table { … } */
  HV_TOML_TABLE_ORIGIN_ARRAY_ELEMENT,  /* an element of an array of tables, [[a]] */
} HvTomlTableOrigin;

typedef struct _HvTomlNode HvTomlNode;

#define HV_TYPE_TOML_NODE (hv_toml_node_get_type ())

GQuark       hv_toml_error_quark              (void);
GType        hv_toml_node_get_type            (void) G_GNUC_CONST;

HvTomlNode  *hv_toml_parse                    (const char   *data,
                                               gssize        length,
                                               const char   *filename,
                                               GError      **error);

HvTomlNode  *hv_toml_node_ref                 (HvTomlNode   *node);
void         hv_toml_node_unref               (HvTomlNode   *node);

HvTomlType   hv_toml_node_get_kind            (HvTomlNode   *node);
const char  *hv_toml_type_to_string           (HvTomlType    type);
guint        hv_toml_node_get_line            (HvTomlNode   *node);
guint        hv_toml_node_get_column          (HvTomlNode   *node);

const char  *hv_toml_node_get_string          (HvTomlNode   *node);
gsize        hv_toml_node_get_string_length   (HvTomlNode   *node);
gint64       hv_toml_node_get_int             (HvTomlNode   *node);
double       hv_toml_node_get_double          (HvTomlNode   *node);
gboolean     hv_toml_node_get_boolean         (HvTomlNode   *node);
const char  *hv_toml_node_get_datetime_string (HvTomlNode   *node);
void         hv_toml_node_get_datetime        (HvTomlNode   *node,
                                               HvTomlDatetime *out);

HvTomlNode  *hv_toml_table_get                (HvTomlNode   *table,
                                               const char   *key);
guint        hv_toml_table_get_n_keys         (HvTomlNode   *table);
const char **hv_toml_table_get_keys           (HvTomlNode   *table,
                                               guint        *n_keys);
const char  *hv_toml_table_get_key_at         (HvTomlNode   *table,
                                               guint         index,
                                               gsize        *length);
HvTomlNode  *hv_toml_table_get_value_at       (HvTomlNode   *table,
                                               guint         index);
gboolean     hv_toml_table_get_key_position   (HvTomlNode   *table,
                                               const char   *key,
                                               guint        *line,
                                               guint        *column);
guint        hv_toml_table_get_key_line       (HvTomlNode   *table,
                                               const char   *key);
guint        hv_toml_table_get_key_column     (HvTomlNode   *table,
                                               const char   *key);

gboolean     hv_toml_node_get_span            (HvTomlNode   *node,
                                               gsize        *start,
                                               gsize        *end);
HvTomlTableOrigin hv_toml_table_get_origin    (HvTomlNode   *table);
gboolean     hv_toml_table_get_body_end       (HvTomlNode   *table,
                                               gsize        *offset);

guint        hv_toml_array_get_length         (HvTomlNode   *array);
HvTomlNode  *hv_toml_array_get_element        (HvTomlNode   *array,
                                               guint         index);

HvTomlNode  *hv_toml_lookup                   (HvTomlNode   *root,
                                               const char   *path);

JsonNode    *hv_toml_node_to_tagged_json      (HvTomlNode   *node);
char        *hv_toml_node_to_tagged_json_text (HvTomlNode   *node,
                                               gsize        *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvTomlNode, hv_toml_node_unref)

G_END_DECLS
