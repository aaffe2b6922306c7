// SPDX-License-Identifier: GPL-3.0-or-later
/* Listing recordings and playing them back. */
#include "config.h"

#include "hv-recording-player.h"
#include "hv-test-fixture.h"

static const char cast[] =
  "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1795891200,\"title\":\"hydravisor-agent\",\"env\":{\"TERM\":\"xterm\"}}\n"
  "[0.010000, \"o\", \"$ ls\\r\\n\"]\n"
  "[0.020000, \"o\", \"caf\\u00e9 \\u65e5\\u672c\\r\\n\"]\n"
  "[0.030000, \"r\", \"100x30\"]\n"
  "[30.000000, \"o\", \"after a long pause\\r\\n\"]\n"
  "[30.5, \"o\", \"torn";   /* a crash left the last line incomplete */

static char *
write_cast (const char *name,
            const char *text)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "sessions", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_list (void)
{
  g_autofree char *path = write_cast ("hydravisor-agent-20261128T000000Z.cast", cast);
  g_autofree char *older = write_cast ("hydravisor-old-20261127T000000Z.cast",
                                       "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1795800000,\"title\":\"hydravisor-old\"}\n");
  g_autofree char *junk = write_cast ("notes.cast", "not a recording\n");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(HvRecording) first = NULL;
  g_autoptr(HvRecording) second = NULL;
  g_autoptr(GError) error = NULL;

  hv_recording_list_async (dir, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  list = hv_recording_list_finish (result, &error);
  g_assert_no_error (error);

  /* Newest first; a file that is not a recording is left out. */
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  first = g_list_model_get_item (list, 0);
  second = g_list_model_get_item (list, 1);
  g_assert_cmpstr (hv_recording_get_title (first), ==, "hydravisor-agent");
  g_assert_cmpstr (hv_recording_get_title (second), ==, "hydravisor-old");
  g_assert_cmpint (hv_recording_get_started (first), ==, 1795891200);
  g_assert_cmpuint (hv_recording_get_width (first), ==, 80);
  g_assert_cmpuint (hv_recording_get_size (first), ==, sizeof cast - 1);
  /* The duration is the last complete event's time. */
  g_assert_cmpfloat_with_epsilon (hv_recording_get_duration (first), 30.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (hv_recording_get_duration (second), 0.0, 1e-9);
}

static void
test_list_missing_folder (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GError) error = NULL;

  hv_recording_list_async ("/nonexistent/hydravisor/sessions", NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  list = hv_recording_list_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
}

typedef struct {
  GString *output;
  GString *log;
} Collected;

static void
on_output (HvRecordingPlayer *player,
           const char        *data,
           Collected         *c)
{
  g_string_append (c->output, data);
  g_string_append (c->log, data);
}

static void
on_resize (HvRecordingPlayer *player,
           guint              cols,
           guint              rows,
           Collected         *c)
{
  g_string_append_printf (c->log, "[r:%ux%u]", cols, rows);
}

static void
on_reset (HvRecordingPlayer *player,
          Collected         *c)
{
  g_string_truncate (c->output, 0);
  g_string_append (c->log, "[reset]");
}

/* Playback delivers every byte in order, resizes between the output around them, shortens
 * long pauses, and can pause and restart. */
static void
test_play (void)
{
  g_autofree char *path = write_cast ("hydravisor-agent-20261128T000000Z.cast", cast);
  g_autoptr(GError) error = NULL;
  g_autoptr(HvRecording) recording = hv_recording_new_for_path (path, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(HvRecordingPlayer) player = NULL;
  Collected c = { g_string_new (NULL), g_string_new (NULL) };
  gint64 start;

  g_assert_no_error (error);
  hv_recording_load_events_async (recording, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  events = hv_recording_load_events_finish (recording, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 4);

  player = hv_recording_player_new (events);
  hv_recording_player_set_max_idle (player, 0.2);
  /* 30 s of recording: 0.03 s, then the pause cut to 0.2 s. */
  g_assert_cmpfloat_with_epsilon (hv_recording_player_get_duration (player), 0.23, 1e-9);
  g_signal_connect (player, "output", G_CALLBACK (on_output), &c);
  g_signal_connect (player, "resize", G_CALLBACK (on_resize), &c);
  g_signal_connect (player, "reset", G_CALLBACK (on_reset), &c);

  start = g_get_monotonic_time ();
  hv_recording_player_play (player);
  g_assert_true (hv_recording_player_get_playing (player));
  HV_TEST_WAIT_FOR (hv_recording_player_get_finished (player), 5000);
  /* Not faster than the shortened recording, not much slower. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2000000);
  g_assert_false (hv_recording_player_get_playing (player));
  g_assert_cmpstr (c.output->str, ==, "$ ls\r\ncafé 日本\r\nafter a long pause\r\n");
  /* The resize comes between the output recorded before and after it. */
  g_assert_cmpstr (c.log->str, ==, "$ ls\r\ncafé 日本\r\n[r:100x30]after a long pause\r\n");

  /* Restart clears the view and plays again; pause stops it where it is. */
  g_string_truncate (c.log, 0);
  hv_recording_player_set_speed (player, 0.25);
  hv_recording_player_restart (player);
  g_assert_cmpstr (c.log->str, ==, "[reset]");
  /* At a quarter speed the pause (0.2 s recorded) lasts 0.8 s: pause inside it. */
  HV_TEST_WAIT_FOR (strstr (c.log->str, "[r:100x30]") != NULL, 5000);
  hv_recording_player_pause (player);
  g_assert_false (hv_recording_player_get_playing (player));
  g_assert_false (hv_recording_player_get_finished (player));
  g_assert_cmpstr (c.output->str, ==, "$ ls\r\ncafé 日本\r\n");

  g_string_free (c.output, TRUE);
  g_string_free (c.log, TRUE);
}

/* Seeking jumps to a time: forwards the events up to it arrive at once, backwards the view
 * is cleared and replayed up to it; playing goes on from there, the end finishes. */
static void
test_seek (void)
{
  g_autofree char *path = write_cast ("hydravisor-agent-20261128T000000Z.cast", cast);
  g_autoptr(GError) error = NULL;
  g_autoptr(HvRecording) recording = hv_recording_new_for_path (path, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(HvRecordingPlayer) player = NULL;
  Collected c = { g_string_new (NULL), g_string_new (NULL) };

  g_assert_no_error (error);
  hv_recording_load_events_async (recording, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  events = hv_recording_load_events_finish (recording, result, &error);
  g_assert_no_error (error);

  player = hv_recording_player_new (events);
  hv_recording_player_set_max_idle (player, 0.2);
  g_signal_connect (player, "output", G_CALLBACK (on_output), &c);
  g_signal_connect (player, "resize", G_CALLBACK (on_resize), &c);
  g_signal_connect (player, "reset", G_CALLBACK (on_reset), &c);

  /* Forwards, paused: up to the resize, at once, still paused. */
  hv_recording_player_seek (player, 0.03);
  g_assert_cmpstr (c.log->str, ==, "$ ls\r\ncafé 日本\r\n[r:100x30]");
  g_assert_cmpfloat_with_epsilon (hv_recording_player_get_position (player), 0.03, 1e-9);
  g_assert_false (hv_recording_player_get_playing (player));
  g_assert_false (hv_recording_player_get_finished (player));

  /* Backwards: cleared, then what came before. */
  g_string_truncate (c.log, 0);
  hv_recording_player_seek (player, 0.015);
  g_assert_cmpstr (c.log->str, ==, "[reset]$ ls\r\n");
  g_assert_cmpstr (c.output->str, ==, "$ ls\r\n");

  /* Past the end: finished, with everything. */
  hv_recording_player_seek (player, 99);
  g_assert_true (hv_recording_player_get_finished (player));
  g_assert_cmpfloat_with_epsilon (hv_recording_player_get_position (player), 0.23, 1e-9);
  g_assert_cmpstr (c.output->str, ==, "$ ls\r\ncafé 日本\r\nafter a long pause\r\n");

  /* Playing from a seek goes on from there. */
  hv_recording_player_seek (player, 0.02);
  g_assert_false (hv_recording_player_get_finished (player));
  g_assert_cmpstr (c.output->str, ==, "$ ls\r\ncafé 日本\r\n");
  hv_recording_player_play (player);
  HV_TEST_WAIT_FOR (hv_recording_player_get_finished (player), 5000);
  g_assert_cmpstr (c.output->str, ==, "$ ls\r\ncafé 日本\r\nafter a long pause\r\n");

  g_string_free (c.output, TRUE);
  g_string_free (c.log, TRUE);
}

static void
count_notify (guint *count)
{
  (*count)++;
}

/* A recording still being written grows: reading it again updates the object listed. */
static void
test_update_from (void)
{
  g_autofree char *path = write_cast ("hydravisor-grow-20261128T000000Z.cast",
                                      "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1795891200,\"title\":\"grow\"}\n"
                                      "[1.5, \"o\", \"a\"]\n");
  g_autoptr(HvRecording) listed = hv_recording_new_for_path (path, NULL);
  g_autoptr(HvRecording) fresh = NULL;
  guint notified = 0;

  g_assert_nonnull (listed);
  g_assert_cmpfloat_with_epsilon (hv_recording_get_duration (listed), 1.5, 1e-9);
  g_signal_connect_swapped (listed, "notify::duration", G_CALLBACK (count_notify), &notified);

  /* Nothing new: no change. */
  fresh = hv_recording_new_for_path (path, NULL);
  g_assert_false (hv_recording_update_from (listed, fresh));
  g_assert_cmpuint (notified, ==, 0);
  g_clear_object (&fresh);

  g_assert_true (g_file_set_contents (path,
                                      "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1795891200,\"title\":\"grow\"}\n"
                                      "[1.5, \"o\", \"a\"]\n"
                                      "[9.25, \"o\", \"b\"]\n", -1, NULL));
  fresh = hv_recording_new_for_path (path, NULL);
  g_assert_true (hv_recording_update_from (listed, fresh));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpfloat_with_epsilon (hv_recording_get_duration (listed), 9.25, 1e-9);
  g_assert_cmpuint (hv_recording_get_size (listed), ==, hv_recording_get_size (fresh));
}

/* Deleting a recording takes its .jsonl twin and its scrollback archives, and nothing of
 * the recordings next to it, even those whose names start the same. */
static void
test_delete_files (void)
{
  g_autofree char *cast_path = write_cast ("hydravisor-a-20261128T000000Z.cast", cast);
  g_autofree char *jsonl = write_cast ("hydravisor-a-20261128T000000Z.jsonl", "{}\n");
  g_autofree char *scroll1 = write_cast ("hydravisor-a-20261128T000000Z-scrollback-%1.txt", "x\n");
  g_autofree char *scroll2 = write_cast ("hydravisor-a-20261128T000000Z-scrollback-%2.txt", "y\n");
  g_autofree char *second = write_cast ("hydravisor-a-20261128T000000Z-2.cast", cast);
  g_autofree char *second_jsonl = write_cast ("hydravisor-a-20261128T000000Z-2.jsonl", "{}\n");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hv_recording_delete_files_async (cast_path, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  g_assert_true (hv_recording_delete_files_finish (result, &error));
  g_assert_no_error (error);

  g_assert_false (g_file_test (cast_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (jsonl, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (scroll1, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (scroll2, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (second, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (second_jsonl, G_FILE_TEST_EXISTS));

  /* Gone already: an error that says which file. */
  g_clear_object (&result);
  hv_recording_delete_files_async (cast_path, NULL, store_result, &result);
  hv_test_wait_result (&result, 10000);
  g_assert_false (hv_recording_delete_files_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, cast_path));
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/recording/list", test_list);
  g_test_add_func ("/recording/list-missing-folder", test_list_missing_folder);
  g_test_add_func ("/recording/play", test_play);
  g_test_add_func ("/recording/seek", test_seek);
  g_test_add_func ("/recording/update-from", test_update_from);
  g_test_add_func ("/recording/delete-files", test_delete_files);

  return g_test_run ();
}
