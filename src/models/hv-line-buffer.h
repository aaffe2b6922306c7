// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Splits a byte stream into lines (NDJSON) however the reads cut it: a line may arrive in
 * any number of pieces, cut anywhere, inside a UTF-8 character too (bytes are never decoded
 * here; a '\n' byte never occurs inside a multi-byte UTF-8 sequence), and one read may hold
 * many lines. */

typedef struct _HvLineBuffer HvLineBuffer;

/* @line is not NUL-terminated, has no '\n' (nor a '\r' before it); it is valid during the
 * call only. Return FALSE with @error set to stop. */
typedef gboolean (*HvLineFunc) (const char  *line,
                                gsize        length,
                                gpointer     user_data,
                                GError     **error);

HvLineBuffer *hv_line_buffer_new      (gsize          max_line_length);
void          hv_line_buffer_free     (HvLineBuffer  *self);
gboolean      hv_line_buffer_feed     (HvLineBuffer  *self,
                                       const char    *data,
                                       gsize          length,
                                       HvLineFunc     func,
                                       gpointer       user_data,
                                       GError       **error);
gboolean      hv_line_buffer_finish   (HvLineBuffer  *self,
                                       HvLineFunc     func,
                                       gpointer       user_data,
                                       GError       **error);
gsize         hv_line_buffer_get_pending (HvLineBuffer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvLineBuffer, hv_line_buffer_free)

G_END_DECLS
