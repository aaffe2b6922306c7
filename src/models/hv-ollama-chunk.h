// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The fast path for the many small objects of an Ollama stream:
 *   {"model":…,"created_at":…,"message":{"role":"assistant","content":"The"},"done":false}
 * A strict JSON (RFC 8259) reader that checks the whole line and keeps only the text of a
 * chunk: message.content and message.thinking (chat), or response and thinking (generate).
 *
 * It accepts a line only if it is valid JSON, an object, valid UTF-8, not "done": true and
 * without an "error" member; everything else (the final object with its statistics, errors,
 * anything unusual) is left to json-glib, so the two never disagree on what a line says. */

typedef struct {
  GString *content;    /* decoded text, or empty */
  GString *thinking;
} HvOllamaChunk;

void     hv_ollama_chunk_init  (HvOllamaChunk *chunk);
void     hv_ollama_chunk_clear (HvOllamaChunk *chunk);
gboolean hv_ollama_chunk_scan  (HvOllamaChunk *chunk,
                                const char    *line,
                                gsize          length,
                                gboolean       generate);

G_END_DECLS
