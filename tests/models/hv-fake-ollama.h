// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A test server that speaks Ollama's HTTP API as docs/api.md of ollama/ollama shows it,
 * on 127.0.0.1 (a random port) and optionally a unix socket, on the thread-default main
 * context. It misbehaves on request, chosen by the model name of a chat or generate request:
 *
 *   installed models   "llama3.2" (= "llama3.2:latest"), "llama3:latest", "codellama:13b",
 *                      and those pulled: the reply "Bonjour ! Voilà un café à Zürich, 日本語も
 *                      🦙🚀." in 14 tokens, one line (and one HTTP chunk) each, then the final
 *                      object of the docs (eval_count 282, eval_duration 4535599000, …)
 *   "split-every-byte" the same stream, one byte per HTTP chunk
 *   "split-utf8"       the same stream, cut inside every multi-byte UTF-8 character
 *   "one-chunk"        the same stream in a single HTTP chunk
 *   "slow-first-token" the same stream after 300 ms of silence
 *   "slow-stream"      "tick " every 50 ms, 100 times
 *   "drop-mid-stream"  three tokens, then the connection is closed
 *   "error-mid-stream" three tokens, then {"error": "…"} (the status stays 200)
 *   "thinking"         message.thinking "Let me think about 日本." then content "The answer is 42."
 *   "http-500"         HTTP 500 {"error": "llama runner process has terminated: signal: killed"}
 *   "bench-N"          N tokens "tN " as fast as the client reads them
 *   "paced-N-U"        N tokens, one every U µs, each "<g_get_monotonic_time() when sent> "
 *   "markdown-N"       N tokens of a Markdown reply (headings, lists, code, …), repeated, as
 *                      fast as the client reads them
 *   anything else      HTTP 404 {"error": "model \"NAME\" not found, try pulling it first"}
 *
 * /api/pull knows "tinyllama" (and the installed models); any other name fails after
 * "pulling manifest" with {"error": "pull model manifest: file does not exist"}. */

typedef struct _HvFakeOllama HvFakeOllama;

HvFakeOllama *hv_fake_ollama_new                (GError       **error);
gboolean      hv_fake_ollama_listen_unix        (HvFakeOllama  *self,
                                                 const char    *path,
                                                 GError       **error);
void          hv_fake_ollama_free               (HvFakeOllama  *self);
void          hv_fake_ollama_set_burst          (HvFakeOllama  *self,
                                                 gboolean       burst);
const char   *hv_fake_ollama_get_url            (HvFakeOllama  *self);
guint16       hv_fake_ollama_get_port           (HvFakeOllama  *self);
JsonNode     *hv_fake_ollama_get_last_request   (HvFakeOllama  *self,
                                                 const char    *path);
guint         hv_fake_ollama_get_n_requests     (HvFakeOllama  *self,
                                                 const char    *path);
guint         hv_fake_ollama_get_n_streaming    (HvFakeOllama  *self);
guint         hv_fake_ollama_get_n_disconnected (HvFakeOllama  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvFakeOllama, hv_fake_ollama_free)

/* A fake Ollama on a thread and main context of its own, writing as fast as its client
 * reads (burst): for the UI tests and benchmarks, whose main loop is the window's.
 * Returns its URL; stop it with hv_fake_ollama_thread_stop(). One at a time. */
const char   *hv_fake_ollama_thread_start       (void);
void          hv_fake_ollama_thread_stop        (void);

G_END_DECLS
