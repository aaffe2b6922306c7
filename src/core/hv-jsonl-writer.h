// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HV_TYPE_JSONL_WRITER (hv_jsonl_writer_get_type ())

G_DECLARE_FINAL_TYPE (HvJsonlWriter, hv_jsonl_writer, HV, JSONL_WRITER, GObject)

/* An append-only JSON Lines file (transcripts, recordings, the audit log). Each record
 * is one line, written with one write(2) and on disk before append() returns, so a
 * crash loses at most the record being written and never an earlier one.
 *
 * hv_jsonl_writer_set_sync (writer, FALSE) trades that for throughput: each record still
 * reaches the kernel with one write(2) before append() returns (so it survives a crash of
 * the process), but is flushed to the disk only by close(); an OS crash or power loss can
 * then lose the records written since the last close. */

HvJsonlWriter *hv_jsonl_writer_new         (const char     *path,
                                            GError        **error);
const char    *hv_jsonl_writer_get_path    (HvJsonlWriter  *self);
void           hv_jsonl_writer_set_sync    (HvJsonlWriter  *self,
                                            gboolean        sync);
gboolean       hv_jsonl_writer_get_sync    (HvJsonlWriter  *self);
gboolean       hv_jsonl_writer_append      (HvJsonlWriter  *self,
                                            JsonNode       *record,
                                            GError        **error);
gboolean       hv_jsonl_writer_append_line (HvJsonlWriter  *self,
                                            const char     *line,
                                            GError        **error);
gboolean       hv_jsonl_writer_close       (HvJsonlWriter  *self,
                                            GError        **error);

GPtrArray     *hv_jsonl_read_file          (const char     *path,
                                            guint          *out_n_skipped,
                                            GError        **error);

G_END_DECLS
