// SPDX-License-Identifier: GPL-3.0-or-later
/* HvConfigEditor: settings changed from the preferences window are written back into the
 * user's config.toml in place. These tests pin down that everything but the changed values
 * stays byte for byte, where new keys and sections go, and that files the editor cannot
 * change without rewriting them are refused and left alone. Expected texts are literals. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv-config-editor.h"
#include "hv-test-fixture.h"
#include "hv-toml.h"

/* $XDG_CONFIG_HOME/hydravisor/config.toml, not created. */
static char *
config_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "hydravisor", "config.toml", NULL);
}

/* Writes text to config.toml and returns its path. */
static char *
write_config (const char *text)
{
  g_autofree char *path = config_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static char *
read_config (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static HvConfigEditor *
editor_for (const char *path)
{
  g_autoptr(GError) error = NULL;
  HvConfigEditor *editor = hv_config_editor_new (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (editor);
  return editor;
}

static void
save (HvConfigEditor *editor)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hv_config_editor_save (editor, &error));
  g_assert_no_error (error);
}

/* Loads text, sets a string, saves, and checks the file is expected. */
static void
check_set_string (const char *text,
                  const char *key,
                  const char *value,
                  const char *expected)
{
  g_autofree char *path = write_config (text);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  g_assert_true (hv_config_editor_set_string (editor, key, value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hv_config_editor_get_text (editor), ==, expected);
  save (editor);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, expected);
  g_assert_finalize_object (editor);
}

static void
check_set_boolean (const char *text,
                   const char *key,
                   gboolean    value,
                   const char *expected)
{
  g_autofree char *path = write_config (text);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  g_assert_true (hv_config_editor_set_boolean (editor, key, value, &error));
  g_assert_no_error (error);
  save (editor);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, expected);
  g_assert_finalize_object (editor);
}

/* A realistic, commented file: every value set goes where it was, new keys after the last key
 * of their section, a new section at the end; comments, blank lines, order, the spacing
 * around values and the layout of a multi-line list stay. */
static void
test_round_trip (void)
{
  const char *original =
    "# Hydravisor configuration\n"
    "# See FORMATS.md for every key.\n"
    "\n"
    "# Look and feel\n"
    "[interface]\n"
    "theme = \"dark\"   # \"light\", \"dark\" or \"system\"\n"
    "  refresh_interval_ms = 1000\n"
    "# shown in the sidebar\n"
    "show_hidden = false\n"
    "\n"
    "[providers.ollama]\n"
    "# local models\n"
    "host = 'http://localhost:11434'\n"
    "models = [\n"
    "    \"llama3.2\",\n"
    "    \"qwen2.5\",\n"
    "]\n"
    "timeout_s = 30 # seconds\n"
    "\n"
    "# Cloud models, off by default\n"
    "[providers.bedrock]\n"
    "region = \"eu-west-1\"\n";
  const char *expected =
    "# Hydravisor configuration\n"
    "# See FORMATS.md for every key.\n"
    "\n"
    "# Look and feel\n"
    "[interface]\n"
    "theme = \"light\"   # \"light\", \"dark\" or \"system\"\n"
    "  refresh_interval_ms = 250\n"
    "# shown in the sidebar\n"
    "show_hidden = true\n"
    "font = \"Monospace 11\"\n"
    "\n"
    "[providers.ollama]\n"
    "# local models\n"
    "host = \"http://gpu-box:11434\"\n"
    "models = [\n"
    "    \"mistral\",\n"
    "    \"phi3\",\n"
    "]\n"
    "timeout_s = 30 # seconds\n"
    "keep_alive_s = 300\n"
    "\n"
    "# Cloud models, off by default\n"
    "[providers.bedrock]\n"
    "region = \"eu-west-1\"\n"
    "models = []\n"
    "\n"
    "[terminal]\n"
    "bell = false\n";
  const char *models[] = { "mistral", "phi3", NULL };
  const char *none[] = { NULL };
  g_autofree char *path = write_config (original);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  g_assert_cmpstr (hv_config_editor_get_text (editor), ==, original);
  g_assert_cmpstr (hv_config_editor_get_path (editor), ==, path);
  g_assert_false (hv_config_editor_get_modified (editor));

  g_assert_true (hv_config_editor_set_string (editor, "interface.theme", "light", &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_int (editor, "interface.refresh_interval_ms", 250, &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_boolean (editor, "interface.show_hidden", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_string (editor, "interface.font", "Monospace 11", &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_string (editor, "providers.ollama.host",
                                              "http://gpu-box:11434", &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_strv (editor, "providers.ollama.models", models, &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_int (editor, "providers.ollama.keep_alive_s", 300, &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_strv (editor, "providers.bedrock.models", none, &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_boolean (editor, "terminal.bell", FALSE, &error));
  g_assert_no_error (error);
  /* Setting a value a key already has changes nothing. */
  g_assert_true (hv_config_editor_set_string (editor, "providers.bedrock.region", "eu-west-1",
                                              &error));
  g_assert_no_error (error);

  g_assert_true (hv_config_editor_get_modified (editor));
  g_assert_cmpstr (hv_config_editor_get_text (editor), ==, expected);

  /* Nothing is written before save(). */
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, original);
  g_clear_pointer (&saved, g_free);

  save (editor);
  g_assert_false (hv_config_editor_get_modified (editor));
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, expected);
  g_assert_finalize_object (editor);
}

/* A CRLF file gets CRLF in the lines the editor adds. */
static void
test_crlf (void)
{
  const char *original =
    "# comment\r\n"
    "[interface]\r\n"
    "theme = \"dark\"\r\n"
    "\r\n"
    "[providers.ollama]\r\n"
    "models = [\r\n"
    "  \"a\",\r\n"
    "]\r\n";
  const char *expected =
    "# comment\r\n"
    "[interface]\r\n"
    "theme = \"light\"\r\n"
    "font = \"Sans\"\r\n"
    "\r\n"
    "[providers.ollama]\r\n"
    "models = [\r\n"
    "  \"b\",\r\n"
    "  \"c\",\r\n"
    "]\r\n"
    "\r\n"
    "[terminal]\r\n"
    "bell = true\r\n";
  const char *models[] = { "b", "c", NULL };
  g_autofree char *path = write_config (original);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  g_assert_true (hv_config_editor_set_string (editor, "interface.theme", "light", &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_string (editor, "interface.font", "Sans", &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_strv (editor, "providers.ollama.models", models, &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_boolean (editor, "terminal.bell", TRUE, &error));
  g_assert_no_error (error);
  save (editor);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, expected);
  g_assert_finalize_object (editor);
}

/* Where a missing key goes in an existing section. */
static void
test_insert_into_section (void)
{
  /* After the last key line, before the comments and blank lines leading to the next one. */
  check_set_string ("[a]\n"
                    "x = 1 # one\n"
                    "\n"
                    "# about b\n"
                    "[b]\n"
                    "y = 2\n",
                    "a.name", "n",
                    "[a]\n"
                    "x = 1 # one\n"
                    "name = \"n\"\n"
                    "\n"
                    "# about b\n"
                    "[b]\n"
                    "y = 2\n");
  /* The last line has no newline. */
  check_set_string ("[a]\nx = 1", "a.name", "n", "[a]\nx = 1\nname = \"n\"\n");
  check_set_string ("[a]\nx = 1 # one", "a.name", "n", "[a]\nx = 1 # one\nname = \"n\"\n");
  /* A section without keys: right after its header. */
  check_set_string ("[a]\n# nothing yet\n\n[b]\n", "a.name", "n",
                    "[a]\nname = \"n\"\n# nothing yet\n\n[b]\n");
  check_set_string ("[a]", "a.name", "n", "[a]\nname = \"n\"\n");
  /* The indentation of the section's last key; a multi-line value ends the body where it
   * ends; a sub-table's header does not belong to its parent's body. */
  check_set_string ("[a]\n"
                    "\tx = [\n"
                    "\t  1,\n"
                    "\t]\n"
                    "[a.b]\n"
                    "y = 2\n",
                    "a.name", "n",
                    "[a]\n"
                    "\tx = [\n"
                    "\t  1,\n"
                    "\t]\n"
                    "\tname = \"n\"\n"
                    "[a.b]\n"
                    "y = 2\n");
  /* Top-level keys go after the last top-level key. */
  check_set_string ("# top\ntitle = \"x\"\n\n[a]\nk = 1\n", "version", "2",
                    "# top\ntitle = \"x\"\nversion = \"2\"\n\n[a]\nk = 1\n");
  /* Keys of a [section] written with dotted keys count as its lines. */
  check_set_boolean ("[a]\nb.c = 1\n\n[d]\n", "a.e", TRUE, "[a]\nb.c = 1\ne = true\n\n[d]\n");
}

/* A key whose section does not exist gets a new section at the end. */
static void
test_new_section (void)
{
  check_set_string ("[a]\nx = 1\n", "b.c", "v", "[a]\nx = 1\n\n[b]\nc = \"v\"\n");
  check_set_string ("[a]\nx = 1", "b.c", "v", "[a]\nx = 1\n\n[b]\nc = \"v\"\n");
  check_set_string ("[a]\nx = 1\n\n", "b.c", "v", "[a]\nx = 1\n\n[b]\nc = \"v\"\n");
  check_set_string ("# only a comment\n", "b.c", "v", "# only a comment\n\n[b]\nc = \"v\"\n");
  check_set_string ("", "b.c", "v", "[b]\nc = \"v\"\n");
  check_set_string ("", "top", "v", "top = \"v\"\n");
  /* Deeper tables are created by the one header. */
  check_set_string ("[a]\nx = 1\n", "a.b.c", "v", "[a]\nx = 1\n\n[a.b]\nc = \"v\"\n");
  /* A table that so far is only the parent of other sections can get its own header. */
  check_set_string ("[providers.bedrock]\nregion = \"x\"\n", "providers.default", "ollama",
                    "[providers.bedrock]\nregion = \"x\"\n\n[providers]\ndefault = \"ollama\"\n");
}

/* A missing file is an empty one; saving creates it, private to the user, and its folder. */
static void
test_missing_file (void)
{
  g_autofree char *path = config_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  GStatBuf st;

  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (hv_config_editor_get_text (editor), ==, "");
  g_assert_false (hv_config_editor_get_modified (editor));

  /* Nothing to save: no file, no folder. */
  save (editor);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  g_assert_true (hv_config_editor_set_int (editor, "interface.refresh_interval_ms", 500, &error));
  g_assert_no_error (error);
  save (editor);

  saved = read_config (path);
  g_assert_cmpstr (saved, ==, "[interface]\nrefresh_interval_ms = 500\n");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0700);
  g_assert_finalize_object (editor);
}

/* An existing file keeps its mode; an unchanged one is not rewritten. */
static void
test_save_keeps_mode (void)
{
  g_autofree char *path = write_config ("[a]\nport = 11_434\nname = 'x'\n");
  HvConfigEditor *editor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  GStatBuf before, after;

  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_assert_cmpint (g_stat (path, &before), ==, 0);
  editor = editor_for (path);

  /* The values it already has: the text stays as written, and save() writes nothing (an
   * atomic write would replace the file by a new one). */
  g_assert_true (hv_config_editor_set_int (editor, "a.port", 11434, &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_string (editor, "a.name", "x", &error));
  g_assert_no_error (error);
  g_assert_false (hv_config_editor_get_modified (editor));
  save (editor);
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpuint (after.st_ino, ==, before.st_ino);

  g_assert_true (hv_config_editor_set_int (editor, "a.port", 8080, &error));
  g_assert_no_error (error);
  save (editor);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, "[a]\nport = 8080\nname = 'x'\n");
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpuint (after.st_mode & 07777, ==, 0640);
  g_assert_finalize_object (editor);
}

/* A config.toml that is a symbolic link (dotfiles) stays one: its target is written. */
static void
test_save_through_symlink (void)
{
  g_autofree char *path = config_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *target = g_build_filename (g_get_user_data_dir (), "dotfiles.toml", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  HvConfigEditor *editor;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_file_set_contents (target, "[a]\nb = 1\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink (target, path), ==, 0);

  editor = editor_for (path);
  g_assert_true (hv_config_editor_set_int (editor, "a.b", 2, &error));
  g_assert_no_error (error);
  save (editor);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
  saved = read_config (target);
  g_assert_cmpstr (saved, ==, "[a]\nb = 2\n");
  g_assert_finalize_object (editor);
}

/* A file edited by hand while the editor was open is not overwritten. */
static void
test_changed_on_disk (void)
{
  g_autofree char *path = write_config ("[a]\nb = 1\n");
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *message = NULL;

  g_assert_true (hv_config_editor_set_int (editor, "a.b", 2, &error));
  g_assert_no_error (error);
  g_file_set_contents (path, "[a]\nb = 1\n# edited by hand\n", -1, &error);
  g_assert_no_error (error);

  g_assert_false (hv_config_editor_save (editor, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG);
  message = g_strdup_printf ("%s was changed by another program since Hydravisor read it; "
                             "your changes were not saved so as not to overwrite it. Make "
                             "them again", path);
  g_assert_cmpstr (error->message, ==, message);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, "[a]\nb = 1\n# edited by hand\n");
  g_assert_finalize_object (editor);
}

/* Asserts that setting fails with NOT_SUPPORTED and message, and that neither the text nor
 * the file changed. */
static void
check_refused (HvConfigEditor *editor,
               const char     *path,
               const char     *original,
               GError         *error,
               gboolean        result,
               const char     *message_after_path)
{
  g_autofree char *message = g_strconcat (path, message_after_path, NULL);
  g_autofree char *saved = NULL;
  g_autoptr(GError) save_error = NULL;

  g_assert_false (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpstr (hv_config_editor_get_text (editor), ==, original);
  g_assert_false (hv_config_editor_get_modified (editor));
  g_assert_true (hv_config_editor_save (editor, &save_error));
  g_assert_no_error (save_error);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, original);
}

/* Keys inside an inline table can be changed, not added. */
static void
test_refuse_inline_table (void)
{
  const char *original = "providers = { ollama = { host = \"x\" } }\n";
  g_autofree char *path = write_config (original);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  gboolean ok;

  ok = hv_config_editor_set_string (editor, "providers.ollama.model", "m", &error);
  check_refused (editor, path, original, error, ok,
                 ":1:24: providers.ollama is an inline table; Hydravisor cannot add “model” to "
                 "it without rewriting your formatting. Edit the file by hand or turn it into a "
                 "[providers.ollama] section.");
  g_clear_error (&error);

  ok = hv_config_editor_set_string (editor, "providers.bedrock.region", "r", &error);
  check_refused (editor, path, original, error, ok,
                 ":1:13: providers is an inline table; Hydravisor cannot add “bedrock.region” "
                 "to it without rewriting your formatting. Edit the file by hand or turn it into "
                 "a [providers] section.");
  g_clear_error (&error);

  g_assert_true (hv_config_editor_set_string (editor, "providers.ollama.host", "y", &error));
  g_assert_no_error (error);
  save (editor);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, "providers = { ollama = { host = \"y\" } }\n");
  g_assert_finalize_object (editor);
}

/* The same for a table made by dotted keys. */
static void
test_refuse_dotted_table (void)
{
  const char *original = "[providers]\nollama.host = \"x\" # mine\n";
  g_autofree char *path = write_config (original);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  gboolean ok;

  ok = hv_config_editor_set_int (editor, "providers.ollama.port", 1, &error);
  check_refused (editor, path, original, error, ok,
                 ":2:1: providers.ollama is defined with dotted keys; Hydravisor cannot add "
                 "“port” to it without rewriting your formatting. Edit the file by hand or turn "
                 "it into a [providers.ollama] section.");
  g_clear_error (&error);

  g_assert_true (hv_config_editor_set_string (editor, "providers.ollama.host", "y", &error));
  g_assert_no_error (error);
  save (editor);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, "[providers]\nollama.host = \"y\" # mine\n");
  g_assert_finalize_object (editor);
}

/* A value of another type than the setting's is the user's to fix. */
static void
test_refuse_wrong_type (void)
{
  const char *original =
    "[interface]\n"
    "refresh_interval_ms = \"fast\"\n"
    "models = [1, 2]\n"
    "[[vm]]\n"
    "name = \"a\"\n";
  const char *strv[] = { "a", NULL };
  g_autofree char *path = write_config (original);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = hv_config_editor_set_int (editor, "interface.refresh_interval_ms", 5, &error);
  check_refused (editor, path, original, error, ok,
                 ":2:23: interface.refresh_interval_ms is a string, not an integer; Hydravisor "
                 "does not change the type of a setting you wrote. Edit the file by hand.");
  g_clear_error (&error);

  ok = hv_config_editor_set_strv (editor, "interface.models", strv, &error);
  check_refused (editor, path, original, error, ok,
                 ":3:10: interface.models is a list of other values than strings, not a list "
                 "of strings; Hydravisor does not change the type of a setting you wrote. Edit "
                 "the file by hand.");
  g_clear_error (&error);

  ok = hv_config_editor_set_boolean (editor, "interface", TRUE, &error);
  check_refused (editor, path, original, error, ok,
                 ":1:1: interface is a table, not a boolean; Hydravisor does not change the "
                 "type of a setting you wrote. Edit the file by hand.");
  g_clear_error (&error);

  ok = hv_config_editor_set_string (editor, "interface.refresh_interval_ms.x", "y", &error);
  check_refused (editor, path, original, error, ok,
                 ":2:23: interface.refresh_interval_ms is a string, not a table; Hydravisor "
                 "cannot set “x” in it. Edit the file by hand.");
  g_clear_error (&error);

  ok = hv_config_editor_set_string (editor, "vm.name", "b", &error);
  check_refused (editor, path, original, error, ok,
                 ":4:1: vm is an array of tables, not a table; Hydravisor cannot set “name” in "
                 "it. Edit the file by hand.");
  g_clear_error (&error);

  g_assert_finalize_object (editor);
}

/* Replacing a list would drop the comments between its items. */
static void
test_refuse_list_with_comments (void)
{
  const char *original = "models = [\n  \"a\", # the best\n  \"b\",\n]\n";
  const char *strv[] = { "c", NULL };
  g_autofree char *path = write_config (original);
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = hv_config_editor_set_strv (editor, "models", strv, &error);
  check_refused (editor, path, original, error, ok,
                 ":1:10: models has comments inside its list; Hydravisor cannot replace the list "
                 "without losing them. Edit the file by hand or move the comments out of the "
                 "list.");
  g_assert_finalize_object (editor);
}

/* A file that is not TOML is never edited. */
static void
test_refuse_broken_file (void)
{
  const char *original = "[interface\ntheme = 1\n";
  g_autofree char *path = write_config (original);
  g_autoptr(GError) error = NULL;
  g_autoptr(HvConfigEditor) editor = NULL;
  g_autofree char *message = NULL;
  g_autofree char *saved = NULL;

  editor = hv_config_editor_new (path, &error);
  g_assert_null (editor);
  g_assert_error (error, HV_TOML_ERROR, HV_TOML_ERROR_SYNTAX);
  message = g_strconcat (path, ":1:11: expected ']' to close the table header, found end of "
                         "line; fix the file before changing settings here", NULL);
  g_assert_cmpstr (error->message, ==, message);
  saved = read_config (path);
  g_assert_cmpstr (saved, ==, original);
}

/* A file that cannot be read is named in the error. */
static void
test_unreadable (void)
{
  g_autofree char *path = config_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HvConfigEditor) editor = NULL;

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);   /* a folder, not a file */
  editor = hv_config_editor_new (path, &error);
  g_assert_null (editor);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_str_has_suffix (error->message,
                                   "; Hydravisor cannot change settings in a file it cannot read"));
}

/* Quotes, backslashes and control characters are escaped, and read back as they were. */
static void
test_special_characters (void)
{
  const char *value = "quote\" back\\slash\nnewline\ttab\x01" "ctl \xc3\xa9";
  g_autofree char *path = write_config ("[a]\ns = '''old'''\n");
  HvConfigEditor *editor = editor_for (path);
  const char *strv[] = { "x\"y", "\\", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(HvTomlNode) root = NULL;
  g_autofree char *saved = NULL;
  HvTomlNode *node;

  g_assert_true (hv_config_editor_set_string (editor, "a.s", value, &error));
  g_assert_no_error (error);
  g_assert_true (hv_config_editor_set_strv (editor, "a.list", strv, &error));
  g_assert_no_error (error);
  save (editor);

  saved = read_config (path);
  g_assert_cmpstr (saved, ==,
                   "[a]\n"
                   "s = \"quote\\\" back\\\\slash\\nnewline\\ttab\\u0001ctl \xc3\xa9\"\n"
                   "list = [\"x\\\"y\", \"\\\\\"]\n");

  root = hv_toml_parse (saved, -1, path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hv_toml_node_get_string (hv_toml_lookup (root, "a.s")), ==,
                   "quote\" back\\slash\nnewline\ttab\x01" "ctl \xc3\xa9");
  node = hv_toml_lookup (root, "a.list");
  g_assert_cmpuint (hv_toml_array_get_length (node), ==, 2);
  g_assert_cmpstr (hv_toml_node_get_string (hv_toml_array_get_element (node, 0)), ==, "x\"y");
  g_assert_cmpstr (hv_toml_node_get_string (hv_toml_array_get_element (node, 1)), ==, "\\");
  g_assert_finalize_object (editor);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    data)
{
  (*(guint *) data)++;
}

/* "modified" is notified when it changes, for a Save button to follow it. */
static void
test_modified_notify (void)
{
  g_autofree char *path = write_config ("[a]\nb = 1\n");
  HvConfigEditor *editor = editor_for (path);
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_signal_connect (editor, "notify::modified", G_CALLBACK (on_notify), &count);
  g_assert_true (hv_config_editor_set_int (editor, "a.b", 2, &error));
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (hv_config_editor_set_int (editor, "a.b", 3, &error));
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (hv_config_editor_set_int (editor, "a.b", 1, &error));
  g_assert_cmpuint (count, ==, 2);
  g_assert_false (hv_config_editor_get_modified (editor));
  g_assert_true (hv_config_editor_set_int (editor, "a.b", 4, &error));
  save (editor);
  g_assert_cmpuint (count, ==, 4);
  g_assert_no_error (error);
  g_assert_finalize_object (editor);
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/config-editor/round-trip", test_round_trip);
  g_test_add_func ("/config-editor/crlf", test_crlf);
  g_test_add_func ("/config-editor/insert-into-section", test_insert_into_section);
  g_test_add_func ("/config-editor/new-section", test_new_section);
  g_test_add_func ("/config-editor/missing-file", test_missing_file);
  g_test_add_func ("/config-editor/save/keeps-mode", test_save_keeps_mode);
  g_test_add_func ("/config-editor/save/symlink", test_save_through_symlink);
  g_test_add_func ("/config-editor/save/changed-on-disk", test_changed_on_disk);
  g_test_add_func ("/config-editor/refuse/inline-table", test_refuse_inline_table);
  g_test_add_func ("/config-editor/refuse/dotted-table", test_refuse_dotted_table);
  g_test_add_func ("/config-editor/refuse/wrong-type", test_refuse_wrong_type);
  g_test_add_func ("/config-editor/refuse/list-with-comments", test_refuse_list_with_comments);
  g_test_add_func ("/config-editor/refuse/broken-file", test_refuse_broken_file);
  g_test_add_func ("/config-editor/unreadable", test_unreadable);
  g_test_add_func ("/config-editor/special-characters", test_special_characters);
  g_test_add_func ("/config-editor/modified-notify", test_modified_notify);

  return g_test_run ();
}
