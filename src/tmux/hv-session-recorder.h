// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Records the output of one tmux pane (FORMATS.md, "Files written") into
 * `DIR/<session>-<UTC timestamp>.cast` (asciicast v2) and `.jsonl`:
 *
 *   .cast   {"version": 2, "width": 80, "height": 24, "timestamp": 1795891200,
 *            "title": "<session>", "env": {"TERM": "…", "SHELL": "…"}}
 *           [0.104511, "o", "output as it was written to the terminal"]
 *           [2.500000, "r", "100x30"]
 *   .jsonl  {"ts": "2026-11-28T18:30:00.104511Z", "session": "<session>", "stream": "output", "data": "…"}
 *           {"ts": "…", "session": "<session>", "stream": "resize", "data": "100x30"}
 *
 * Times are seconds since the recorder was created, never decreasing; "ts" is the wall
 * clock of the same instant. Each hv_session_recorder_feed() call becomes at most one
 * output event, written to both files at once (one write(2) per file and event; flushed to
 * the disk when the recording is finished, see hv_jsonl_writer_set_sync()).
 *
 * Bytes are never dropped or reordered. JSON strings must be UTF-8, so:
 * - a character split across feeds is carried over and written whole with the next one;
 * - bytes that can never become valid UTF-8 are replaced by U+FFFD, one per maximal
 *   invalid subsequence (Unicode §3.9 "U+FFFD Substitution of Maximal Subparts", which
 *   is what asciinema's Python "replace" decoder does); a character still incomplete at
 *   hv_session_recorder_finish() becomes one U+FFFD too.
 * Valid UTF-8 round-trips byte for byte: the "o" data of the .cast, concatenated, is the
 * input (without redaction patterns).
 *
 * Redaction: each match of a redaction pattern (GRegex syntax, policy.toml
 * `recording.redact_patterns`), and everything after it up to the end of the line, is
 * written as one "[REDACTED]"; the line end itself is kept. A line ends at "\r" or "\n"
 * (terminal output ends lines with "\r\n", and "\r" starts a redrawn line). So
 * `password = hunter2\r\n` is recorded as `[REDACTED]\r\n`. To see a match that arrives
 * in pieces, output is held back per line while patterns are configured: an incomplete
 * line is written when its end arrives, when it was held for
 * %HV_SESSION_RECORDER_HOLD_US (hv_session_recorder_flush() at
 * hv_session_recorder_get_deadline()), or when it grows past
 * %HV_SESSION_RECORDER_HOLD_BYTES. A line written in pieces keeps its written part (up to
 * 4 KiB) as context, so a match completed by a later piece still redacts from there to
 * the end of the line (the part of the match written earlier stays). Limits: a secret
 * split by escape sequences (colours in the middle of "password") is not matched, and a
 * full-screen program that moves the cursor instead of ending lines may have more than
 * the rest of the visible line redacted. Redaction applies to what is written, never to
 * what the user sees.
 *
 * A recorder is not thread-safe; use it from one thread.
 *
 * How a session is recorded (for the tmux controller): right after creating the session,
 * in the same tmux invocation so no output is missed, run
 *
 *   tmux [-L SOCK] new-session -d -s NAME … \; pipe-pane -O -t =NAME: CMD
 *
 * where CMD = hv_session_recorder_build_pipe_command (path of the hydravisor binary,
 * NAME, SOCK, DIR or NULL, the --config folder or NULL, 0, 0). tmux runs CMD with
 * `sh -c` after expanding it as a tmux format, which the helper accounts for; it passes
 * the pane id and, with cols/rows 0, the pane's size at that moment. The recorder process
 * (`hydravisor record`, a hidden subcommand) reads the pane's output until the pane closes
 * (EOF) or `pipe-pane` is run again without a command, then flushes and exits 0; it exits
 * 1 on an error. tmux gives it /dev/null as stderr, so it then also appends the message to
 * `DIR/record-errors.log`. Further notes:
 * - the recorder runs in the tmux server's environment, which may be older than
 *   Hydravisor's: pass DIR and the --config folder explicitly;
 * - one read of at most 64 KiB is one event; after a read that found less than 16 KiB
 *   it waits 10 ms before reading again, so trickling output makes fewer, larger events
 *   (event times are then up to 10 ms late; nothing is lost: tmux buffers meanwhile);
 * - it follows the pane's size with its own control-mode client
 *   (`tmux -C attach-session -t =NAME -f read-only,ignore-size,no-output`), which never
 *   changes a window's size nor receives output, but does count in #{session_attached}
 *   and list-clients (flags "control-mode,ignore-size,no-output,read-only"); output and
 *   resizes come on two channels, so an "r" event can be a few ms off relative to the
 *   output around it;
 * - output tmux had not yet passed to the recorder is lost when the pane is killed
 *   (kill-session, kill-pane); a pane whose program exits is kept until the pipe drained;
 * - inside Flatpak the binary path must be one the host can run (tmux runs CMD on the host).
 */

#define HV_TYPE_SESSION_RECORDER (hv_session_recorder_get_type ())

G_DECLARE_FINAL_TYPE (HvSessionRecorder, hv_session_recorder, HV, SESSION_RECORDER, GObject)

/* How long, and how much of, an incomplete line is held back for redaction. */
#define HV_SESSION_RECORDER_HOLD_US    (50 * G_TIME_SPAN_MILLISECOND)
#define HV_SESSION_RECORDER_HOLD_BYTES (16 * 1024)

HvSessionRecorder *hv_session_recorder_new            (const char          *session,
                                                       const char          *dir,
                                                       guint                cols,
                                                       guint                rows,
                                                       const char * const  *redact_patterns,
                                                       const char * const  *formats,
                                                       GError             **error);

const char        *hv_session_recorder_get_session    (HvSessionRecorder   *self);
const char        *hv_session_recorder_get_cast_path  (HvSessionRecorder   *self);
const char        *hv_session_recorder_get_jsonl_path (HvSessionRecorder   *self);
void               hv_session_recorder_get_size       (HvSessionRecorder   *self,
                                                       guint               *cols,
                                                       guint               *rows);

gboolean           hv_session_recorder_feed           (HvSessionRecorder   *self,
                                                       const guint8        *data,
                                                       gsize                len,
                                                       gint64               monotonic_us,
                                                       GError             **error);
gboolean           hv_session_recorder_resize         (HvSessionRecorder   *self,
                                                       guint                cols,
                                                       guint                rows,
                                                       gint64               monotonic_us,
                                                       GError             **error);
gint64             hv_session_recorder_get_deadline   (HvSessionRecorder   *self);
gboolean           hv_session_recorder_flush          (HvSessionRecorder   *self,
                                                       gint64               monotonic_us,
                                                       GError             **error);
gboolean           hv_session_recorder_finish         (HvSessionRecorder   *self,
                                                       GError             **error);

char              *hv_session_recorder_build_pipe_command (const char      *hydravisor_path,
                                                       const char          *session,
                                                       const char          *socket_name,
                                                       const char          *dir,
                                                       const char          *config_dir,
                                                       guint                cols,
                                                       guint                rows);

G_END_DECLS
