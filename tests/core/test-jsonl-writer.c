// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv-jsonl-writer.h"
#include "hv-test-fixture.h"

static JsonNode *
make_record (int         n,
             const char *content)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "n");
  json_builder_add_int_value (builder, n);
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
jsonl_path (void)
{
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  return g_build_filename (g_get_user_data_dir (), "t.jsonl", NULL);
}

/* One record per line, even when the content has newlines; each readable as written. */
static void
test_record_per_line (void)
{
  g_autofree char *path = jsonl_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HvJsonlWriter) writer = hv_jsonl_writer_new (path, &error);
  g_autoptr(JsonNode) r1 = make_record (1, "hello");
  g_autoptr(JsonNode) r2 = make_record (2, "two\nlines and a \"quote\"");
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) records = NULL;
  GStatBuf st;
  guint skipped = 99;

  g_assert_no_error (error);
  g_assert_true (hv_jsonl_writer_append (writer, r1, &error));
  g_assert_true (hv_jsonl_writer_append (writer, r2, &error));
  g_assert_no_error (error);

  /* On disk as soon as append returns, without closing. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "{\"n\":1,\"content\":\"hello\"}\n"
                   "{\"n\":2,\"content\":\"two\\nlines and a \\\"quote\\\"\"}\n");

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  records = hv_jsonl_read_file (path, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpuint (skipped, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (g_ptr_array_index (records, 1)), "content"),
                   ==, "two\nlines and a \"quote\"");

  g_assert_true (hv_jsonl_writer_close (writer, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&writer));
}

/* Reopening appends: earlier records stay. */
static void
test_append_across_opens (void)
{
  g_autofree char *path = jsonl_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  for (int i = 1; i <= 3; i++)
    {
      g_autoptr(HvJsonlWriter) writer = hv_jsonl_writer_new (path, &error);
      g_autoptr(JsonNode) record = make_record (i, "x");

      g_assert_no_error (error);
      g_assert_true (hv_jsonl_writer_append (writer, record, &error));
    }

  records = hv_jsonl_read_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (records, 2)), "n"), ==, 3);
}

/* The process that crashes half-way through a record. */
static void
crash_mid_write (const char *path)
{
  g_autoptr(HvJsonlWriter) writer = hv_jsonl_writer_new (path, NULL);
  g_autoptr(JsonNode) r1 = make_record (1, "before the crash");
  g_autoptr(JsonNode) r2 = make_record (2, "also before");
  const char *torn = "{\"n\":3,\"content\":\"cut sho";
  int fd;

  hv_jsonl_writer_append (writer, r1, NULL);
  hv_jsonl_writer_append (writer, r2, NULL);
  fd = open (path, O_WRONLY | O_APPEND);
  if (write (fd, torn, strlen (torn)) < 0)
    g_error ("write failed");
  abort ();
}

/* A crash mid-write loses only the record being written; the next writer starts a new
 * line, so records written later are intact and nothing earlier is lost. */
static void
test_survives_crash (void)
{
  g_autofree char *path = jsonl_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonNode) r4 = make_record (4, "after the crash");
  g_autofree char *contents = NULL;
  guint skipped = 0;

  if (g_test_subprocess ())
    {
      crash_mid_write (g_getenv ("HV_TEST_JSONL_PATH"));
      return;
    }

  g_setenv ("HV_TEST_JSONL_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();

  {
    g_autoptr(HvJsonlWriter) writer = NULL;

    g_test_expect_message ("Hydravisor-Core", G_LOG_LEVEL_WARNING, "*incomplete record*");
    writer = hv_jsonl_writer_new (path, &error);
    g_test_assert_expected_messages ();
    g_assert_no_error (error);
    g_assert_true (hv_jsonl_writer_append (writer, r4, &error));
    g_assert_no_error (error);
  }

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "{\"n\":1,\"content\":\"before the crash\"}\n"
                   "{\"n\":2,\"content\":\"also before\"}\n"
                   "{\"n\":3,\"content\":\"cut sho\n"
                   "{\"n\":4,\"content\":\"after the crash\"}\n");

  records = hv_jsonl_read_file (path, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpuint (skipped, ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (records, 2)), "n"), ==, 4);
}

/* Without sync, each record still reaches the file with its append (a reader sees it at
 * once, a crash of the writing process loses nothing); close flushes it to the disk. */
static void
test_without_sync (void)
{
  g_autofree char *path = jsonl_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HvJsonlWriter) writer = hv_jsonl_writer_new (path, &error);
  g_autoptr(JsonNode) r1 = make_record (1, "fast");
  g_autofree char *contents = NULL;

  g_assert_no_error (error);
  g_assert_true (hv_jsonl_writer_get_sync (writer));
  hv_jsonl_writer_set_sync (writer, FALSE);
  g_assert_false (hv_jsonl_writer_get_sync (writer));

  g_assert_true (hv_jsonl_writer_append (writer, r1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "{\"n\":1,\"content\":\"fast\"}\n");

  g_assert_true (hv_jsonl_writer_close (writer, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&writer));
}

static gpointer
append_many (gpointer data)
{
  HvJsonlWriter *writer = data;

  for (int i = 0; i < 200; i++)
    {
      g_autoptr(JsonNode) record = make_record (i, "a record long enough that two threads writing at once would interleave bytes if writes were not whole");

      g_assert_true (hv_jsonl_writer_append (writer, record, NULL));
    }
  return NULL;
}

/* Two threads appending never tear each other's records. */
static void
test_threads (void)
{
  g_autofree char *path = jsonl_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HvJsonlWriter) writer = hv_jsonl_writer_new (path, &error);
  g_autoptr(GPtrArray) records = NULL;
  GThread *a, *b;
  guint skipped = 0;

  g_assert_no_error (error);
  a = g_thread_new ("a", append_many, writer);
  b = g_thread_new ("b", append_many, writer);
  g_thread_join (a);
  g_thread_join (b);

  records = hv_jsonl_read_file (path, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 400);
  g_assert_cmpuint (skipped, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/jsonl-writer/record-per-line", test_record_per_line);
  g_test_add_func ("/jsonl-writer/append-across-opens", test_append_across_opens);
  g_test_add_func ("/jsonl-writer/survives-crash", test_survives_crash);
  g_test_add_func ("/jsonl-writer/threads", test_threads);
  g_test_add_func ("/jsonl-writer/without-sync", test_without_sync);

  return g_test_run ();
}
