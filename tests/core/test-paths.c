// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "hv-paths.h"
#include "hv-test-fixture.h"

static guint
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_locations (void)
{
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "hydravisor", NULL);
  g_autofree char *data = g_build_filename (g_get_user_data_dir (), "hydravisor", NULL);
  g_autofree char *sessions = g_build_filename (g_get_user_data_dir (), "hydravisor", "sessions", NULL);
  g_autofree char *runtime = g_build_filename (g_get_user_runtime_dir (), "hydravisor", NULL);
  g_autofree char *got_data = hv_paths_get_data_dir ();
  g_autofree char *got_sessions = hv_paths_get_data_subdir ("sessions");
  g_autofree char *got_runtime = hv_paths_get_runtime_dir ();

  /* The isolated test dirs are below a temporary folder, never the real HOME. */
  g_assert_true (g_str_has_prefix (g_get_user_config_dir (), g_get_tmp_dir ()));

  g_assert_cmpstr (hv_paths_get_config_dir (), ==, config);
  g_assert_cmpstr (got_data, ==, data);
  g_assert_cmpstr (got_sessions, ==, sessions);
  g_assert_cmpstr (got_runtime, ==, runtime);
}

/* Every folder Hydravisor creates is private to the user. */
static void
test_created_0700 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = hv_paths_ensure_config_dir (&error);
  g_autofree char *chats = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *top = hv_paths_get_data_dir ();

  g_assert_no_error (error);
  chats = hv_paths_ensure_data_subdir ("chats", &error);
  g_assert_no_error (error);
  runtime = hv_paths_ensure_runtime_dir (&error);
  g_assert_no_error (error);

  g_assert_true (g_file_test (config, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (mode_of (config), ==, 0700);
  g_assert_cmpuint (mode_of (top), ==, 0700);
  g_assert_cmpuint (mode_of (chats), ==, 0700);
  g_assert_cmpuint (mode_of (runtime), ==, 0700);
}

/* A folder left readable by others (an older version, a careless mkdir) is narrowed. */
static void
test_existing_narrowed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *audit = hv_paths_get_data_subdir ("audit");
  g_autofree char *got = NULL;

  g_assert_cmpint (g_mkdir_with_parents (audit, 0755), ==, 0);
  g_assert_cmpint (g_chmod (audit, 0755), ==, 0);
  got = hv_paths_ensure_data_subdir ("audit", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mode_of (got), ==, 0700);
}

static void
test_not_a_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (g_get_user_data_dir (), "plain-file", NULL);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_false (hv_paths_ensure_dir (file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, file));
}

/* `--config DIR` replaces the config folder; relative paths are made absolute. */
static void
test_config_override (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *expected = g_build_filename (cwd, "my conf", NULL);
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "hydravisor", NULL);

  hv_paths_set_config_dir ("my conf");
  g_assert_cmpstr (hv_paths_get_config_dir (), ==, expected);
  hv_paths_set_config_dir (NULL);
  g_assert_cmpstr (hv_paths_get_config_dir (), ==, config);
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/paths/locations", test_locations);
  g_test_add_func ("/paths/created-0700", test_created_0700);
  g_test_add_func ("/paths/existing-narrowed", test_existing_narrowed);
  g_test_add_func ("/paths/not-a-folder", test_not_a_folder);
  g_test_add_func ("/paths/config-override", test_config_override);

  return g_test_run ();
}
