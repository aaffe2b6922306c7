// SPDX-License-Identifier: GPL-3.0-or-later
/* HvLineBuffer: NDJSON lines come out whole however the reads cut the stream. */
#include "config.h"

#include <gio/gio.h>

#include "hv-line-buffer.h"
#include "hv-test-fixture.h"

/* Three lines as Ollama sends them, with 2-, 3- and 4-byte UTF-8 characters. */
static const char stream[] =
  "{\"message\":{\"content\":\"café\"},\"done\":false}\n"
  "{\"message\":{\"content\":\"日本\"},\"done\":false}\n"
  "{\"message\":{\"content\":\"🦙\"},\"done\":true}\n";

static gboolean
collect (const char  *line,
         gsize        length,
         gpointer     user_data,
         GError     **error)
{
  g_ptr_array_add (user_data, g_strndup (line, length));
  return TRUE;
}

static void
assert_three_lines (GPtrArray *lines)
{
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "{\"message\":{\"content\":\"café\"},\"done\":false}");
  g_assert_cmpstr (g_ptr_array_index (lines, 1), ==, "{\"message\":{\"content\":\"日本\"},\"done\":false}");
  g_assert_cmpstr (g_ptr_array_index (lines, 2), ==, "{\"message\":{\"content\":\"🦙\"},\"done\":true}");
}

static void
test_one_read (void)
{
  g_autoptr(HvLineBuffer) buffer = hv_line_buffer_new (1024);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_assert_true (hv_line_buffer_feed (buffer, stream, strlen (stream), collect, lines, &error));
  g_assert_no_error (error);
  assert_three_lines (lines);
  g_assert_cmpuint (hv_line_buffer_get_pending (buffer), ==, 0);
}

/* Two reads, cut at each offset in turn: inside every character and at every boundary. */
static void
test_every_cut (void)
{
  gsize total = strlen (stream);

  for (gsize cut = 1; cut < total; cut++)
    {
      g_autoptr(HvLineBuffer) buffer = hv_line_buffer_new (1024);
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

      g_assert_true (hv_line_buffer_feed (buffer, stream, cut, collect, lines, NULL));
      g_assert_true (hv_line_buffer_feed (buffer, stream + cut, total - cut, collect, lines, NULL));
      g_assert_true (hv_line_buffer_finish (buffer, collect, lines, NULL));
      assert_three_lines (lines);
    }
}

static void
test_byte_by_byte (void)
{
  g_autoptr(HvLineBuffer) buffer = hv_line_buffer_new (1024);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  guint newlines = 0;

  for (gsize i = 0; stream[i] != '\0'; i++)
    {
      g_assert_true (hv_line_buffer_feed (buffer, stream + i, 1, collect, lines, NULL));
      /* A line is passed on exactly when its newline arrives. */
      if (stream[i] == '\n')
        newlines++;
      g_assert_cmpuint (lines->len, ==, newlines);
    }
  assert_three_lines (lines);
}

static void
test_crlf_and_unterminated_last_line (void)
{
  g_autoptr(HvLineBuffer) buffer = hv_line_buffer_new (1024);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const char *text = "{\"a\":1}\r\n\n{\"b\":2}";

  g_assert_true (hv_line_buffer_feed (buffer, text, strlen (text), collect, lines, NULL));
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "{\"a\":1}");
  g_assert_cmpstr (g_ptr_array_index (lines, 1), ==, "");
  g_assert_cmpuint (hv_line_buffer_get_pending (buffer), ==, 7);

  g_assert_true (hv_line_buffer_finish (buffer, collect, lines, NULL));
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (lines, 2), ==, "{\"b\":2}");
}

static void
test_too_long (void)
{
  g_autoptr(HvLineBuffer) buffer = hv_line_buffer_new (8);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_assert_true (hv_line_buffer_feed (buffer, "12345678\n", 9, collect, lines, NULL));
  g_assert_true (hv_line_buffer_feed (buffer, "12345", 5, collect, lines, NULL));
  g_assert_false (hv_line_buffer_feed (buffer, "6789", 4, collect, lines, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "a line longer than 8 bytes");
  g_assert_cmpuint (lines->len, ==, 1);
}

static gboolean
fail_on_second (const char  *line,
                gsize        length,
                gpointer     user_data,
                GError     **error)
{
  guint *calls = user_data;

  if (++*calls == 2)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad line");
      return FALSE;
    }
  return TRUE;
}

static void
test_handler_error_stops (void)
{
  g_autoptr(HvLineBuffer) buffer = hv_line_buffer_new (1024);
  g_autoptr(GError) error = NULL;
  guint calls = 0;

  g_assert_false (hv_line_buffer_feed (buffer, stream, strlen (stream), fail_on_second, &calls, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpuint (calls, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/models/line-buffer/one-read", test_one_read);
  g_test_add_func ("/models/line-buffer/every-cut", test_every_cut);
  g_test_add_func ("/models/line-buffer/byte-by-byte", test_byte_by_byte);
  g_test_add_func ("/models/line-buffer/crlf-and-unterminated", test_crlf_and_unterminated_last_line);
  g_test_add_func ("/models/line-buffer/too-long", test_too_long);
  g_test_add_func ("/models/line-buffer/handler-error-stops", test_handler_error_stops);

  return g_test_run ();
}
