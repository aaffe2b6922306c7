// SPDX-License-Identifier: GPL-3.0-or-later
/* Unit tests for the TOML parser: the behaviour the configuration code relies on (positions,
 * error messages, limits, key order). Conformance to the TOML 1.0 grammar is covered by the
 * toml-test suite (run-toml-test.py). */

#include <math.h>
#include <string.h>

#include "hv-toml.h"

static HvTomlNode *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  HvTomlNode *root = hv_toml_parse (text, -1, "test.toml", &error);

  g_assert_no_error (error);
  g_assert_nonnull (root);
  return root;
}

static void
assert_parse_error (const char *text,
                    gssize      length,
                    gint        code,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HvTomlNode) root = hv_toml_parse (text, length, "config.toml", &error);

  g_assert_null (root);
  g_assert_error (error, HV_TOML_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

/* Positions ---------------------------------------------------------------------------------- */

static void
test_positions (void)
{
  g_autoptr(HvTomlNode) root = parse_ok (
    "# comment\n"                          /* line 1 */
    "title = \"x\"\n"                      /* line 2 */
    "\n"                                   /* line 3 */
    "[interface]\n"                        /* line 4 */
    "  refresh_interval_ms = 1000\n"       /* line 5 */
    "\tcpu\t=\t2\r\n"                      /* line 6: tab counts as one column, CRLF */
    "\"héllo wörld\" = \"ünïcode\" \n"     /* line 7: columns count characters, not bytes */
    "list = [\n"                           /* line 8 */
    "  1,\n"                               /* line 9 */
    "  \"two\", # comment\n"               /* line 10 */
    "]\n"                                  /* line 11 */
    "ml = \"\"\"\n"                        /* line 12 */
    "a\n"                                  /* line 13 */
    "b\"\"\"\n"                            /* line 14 */
    "after = true\n"                       /* line 15 */
    "[[vm]]\n"                             /* line 16 */
    "name = 'a'\n"                         /* line 17 */
    "[[vm]]\n"                             /* line 18 */
    "  name = 'b'\n"                       /* line 19 */
    "[providers.ollama]\n"                 /* line 20 */
    "host.name = { x = 1,  y = 2 }\n"      /* line 21 */
  );
  HvTomlNode *node, *table, *array;

  node = hv_toml_table_get (root, "title");
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 2);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 9);
  g_assert_cmpuint (hv_toml_table_get_key_line (root, "title"), ==, 2);
  g_assert_cmpuint (hv_toml_table_get_key_column (root, "title"), ==, 1);

  table = hv_toml_table_get (root, "interface");
  g_assert_cmpuint (hv_toml_node_get_line (table), ==, 4);
  g_assert_cmpuint (hv_toml_node_get_column (table), ==, 1);
  g_assert_cmpuint (hv_toml_table_get_key_line (root, "interface"), ==, 4);
  g_assert_cmpuint (hv_toml_table_get_key_column (root, "interface"), ==, 2);

  node = hv_toml_table_get (table, "refresh_interval_ms");
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 5);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 25);
  g_assert_cmpuint (hv_toml_table_get_key_line (table, "refresh_interval_ms"), ==, 5);
  g_assert_cmpuint (hv_toml_table_get_key_column (table, "refresh_interval_ms"), ==, 3);

  node = hv_toml_table_get (table, "cpu");
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 6);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 8);
  g_assert_cmpuint (hv_toml_table_get_key_column (table, "cpu"), ==, 2);

  node = hv_toml_table_get (table, "héllo wörld");
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 7);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 17);
  g_assert_cmpuint (hv_toml_table_get_key_column (table, "héllo wörld"), ==, 1);

  array = hv_toml_table_get (table, "list");
  g_assert_cmpuint (hv_toml_node_get_line (array), ==, 8);
  g_assert_cmpuint (hv_toml_node_get_column (array), ==, 8);
  node = hv_toml_array_get_element (array, 0);
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 9);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 3);
  node = hv_toml_array_get_element (array, 1);
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 10);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 3);

  node = hv_toml_table_get (table, "ml");
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 12);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 6);
  g_assert_cmpstr (hv_toml_node_get_string (node), ==, "a\nb");
  node = hv_toml_table_get (table, "after");
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 15);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 9);

  array = hv_toml_table_get (root, "vm");
  g_assert_cmpuint (hv_toml_array_get_length (array), ==, 2);
  node = hv_toml_array_get_element (array, 1);
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 18);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 1);
  g_assert_cmpuint (hv_toml_table_get_key_line (node, "name"), ==, 19);
  g_assert_cmpuint (hv_toml_table_get_key_column (node, "name"), ==, 3);
  node = hv_toml_table_get (node, "name");
  g_assert_cmpuint (hv_toml_node_get_line (node), ==, 19);
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 10);

  /* [providers.ollama]: "providers" is created implicitly by the header, at its key. */
  table = hv_toml_table_get (root, "providers");
  g_assert_cmpuint (hv_toml_node_get_line (table), ==, 20);
  g_assert_cmpuint (hv_toml_node_get_column (table), ==, 2);
  table = hv_toml_table_get (table, "ollama");
  g_assert_cmpuint (hv_toml_node_get_line (table), ==, 20);
  g_assert_cmpuint (hv_toml_node_get_column (table), ==, 1);
  g_assert_cmpuint (hv_toml_table_get_key_column (hv_toml_lookup (root, "providers"), "ollama"),
                    ==, 12);

  /* host.name = { x = 1,  y = 2 } */
  g_assert_cmpuint (hv_toml_table_get_key_column (table, "host"), ==, 1);
  table = hv_toml_table_get (table, "host");
  g_assert_cmpuint (hv_toml_table_get_key_column (table, "name"), ==, 6);
  table = hv_toml_table_get (table, "name");
  g_assert_cmpuint (hv_toml_node_get_line (table), ==, 21);
  g_assert_cmpuint (hv_toml_node_get_column (table), ==, 13);
  g_assert_cmpuint (hv_toml_table_get_key_column (table, "x"), ==, 15);
  g_assert_cmpuint (hv_toml_table_get_key_column (table, "y"), ==, 23);
  node = hv_toml_table_get (table, "y");
  g_assert_cmpuint (hv_toml_node_get_column (node), ==, 27);

  g_assert_false (hv_toml_table_get_key_position (table, "missing", NULL, NULL));
  g_assert_cmpuint (hv_toml_table_get_key_line (table, "missing"), ==, 0);
}

static void
test_bom_positions (void)
{
  g_autoptr(HvTomlNode) root = parse_ok ("\xEF\xBB\xBF" "a = 1\n");

  g_assert_cmpuint (hv_toml_table_get_key_column (root, "a"), ==, 1);
  g_assert_cmpuint (hv_toml_node_get_column (hv_toml_table_get (root, "a")), ==, 5);
}

/* Errors ------------------------------------------------------------------------------------ */

static void
test_error_missing_equals (void)
{
  assert_parse_error ("[roles]\ntrusted = { can_create true }\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:2:24: expected '=' after key \"can_create\", found 't'");
  assert_parse_error ("cpu\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:4: expected '=' after key \"cpu\", found end of line");
  assert_parse_error ("a.b 1", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:5: expected '=' after key \"a.b\", found '1'");
}

static void
test_error_duplicate_key (void)
{
  assert_parse_error ("[defaults]\ncpu = 2\n  cpu = 4\n", -1, HV_TOML_ERROR_REDEFINITION,
                      "config.toml:3:3: key \"cpu\" is already defined at 2:1");
  assert_parse_error ("[a]\nx = 1\n[a]\n", -1, HV_TOML_ERROR_REDEFINITION,
                      "config.toml:3:1: table [a] is already defined at 1:1");
  assert_parse_error ("a = {b = 1}\na.c = 2\n", -1, HV_TOML_ERROR_REDEFINITION,
                      "config.toml:2:1: cannot add keys to \"a\": it is an inline table "
                      "(defined at 1:1), and inline tables cannot be extended");
  assert_parse_error ("a = [1]\n[[a]]\n", -1, HV_TOML_ERROR_REDEFINITION,
                      "config.toml:2:1: cannot append to \"a\" with [[a]]: it is a static array "
                      "defined at 1:1");
  assert_parse_error ("[x]\na.b = 1\n[x.a]\n", -1, HV_TOML_ERROR_REDEFINITION,
                      "config.toml:3:1: table [x.a] is already defined with dotted keys at 2:1");
}

static void
test_error_unterminated_string (void)
{
  assert_parse_error ("a = 1\nname = \"abc\nb = 2\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:2:12: unterminated string: expected '\"' before the end of "
                      "the line (the string starts at 2:8; use \"\"\" for a multi-line string)");
  assert_parse_error ("s = '''\nabc\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:3:1: unterminated multi-line string: expected ''' before "
                      "the end of the file (the string starts at 1:5)");
}

static void
test_error_encoding (void)
{
  /* "é" is two characters before the bad byte on line 2: column counts characters. */
  assert_parse_error ("a = 1\nb = \"é\xFF\"\n", -1, HV_TOML_ERROR_ENCODING,
                      "config.toml:2:7: invalid UTF-8 (byte 0xFF); TOML files must be encoded "
                      "in UTF-8");
  /* An encoded surrogate is not UTF-8. */
  assert_parse_error ("a = \"\xED\xA0\x80\"", -1, HV_TOML_ERROR_ENCODING,
                      "config.toml:1:6: invalid UTF-8 (byte 0xED); TOML files must be encoded "
                      "in UTF-8");
  assert_parse_error ("a = 1\rb = 2\n", -1, HV_TOML_ERROR_ENCODING,
                      "config.toml:1:6: carriage return (U+000D) is not followed by a line "
                      "feed; save the file with LF or CRLF line endings");
  assert_parse_error ("a = \"x\ry\"\n", -1, HV_TOML_ERROR_ENCODING,
                      "config.toml:1:7: carriage return (U+000D) in a string is not followed "
                      "by a line feed; write it as \\r");
  assert_parse_error ("a = 1 # x\x7F\n", -1, HV_TOML_ERROR_ENCODING,
                      "config.toml:1:10: control character U+007F is not allowed in a comment");
  assert_parse_error ("a = \"\x01\"\n", -1, HV_TOML_ERROR_ENCODING,
                      "config.toml:1:6: control character U+0001 is not allowed in a string; "
                      "write it as \\u0001");
  assert_parse_error ("a = 1\n\0", 7, HV_TOML_ERROR_ENCODING,
                      "config.toml:2:1: NUL character (U+0000) is not allowed in a TOML file "
                      "(write \\u0000 in a string)");
}

static void
test_error_escapes (void)
{
  assert_parse_error ("a = \"\\x41\"\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:6: invalid escape sequence: '\\' followed by 'x'; the "
                      "escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX "
                      "(write \\\\ for a backslash)");
  assert_parse_error ("a = \"\\uD800\"\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:6: escape \\uD800 is not a Unicode scalar value "
                      "(surrogates and values above 10FFFF are not allowed)");
  assert_parse_error ("a = \"\\U00110000\"\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:6: escape \\U00110000 is not a Unicode scalar value "
                      "(surrogates and values above 10FFFF are not allowed)");
}

static void
test_error_values (void)
{
  assert_parse_error ("vm_backend = qemu\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:14: invalid value \"qemu\": strings must be quoted; "
                      "booleans are true and false (lower case)");
  assert_parse_error ("a = 1 2\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:7: expected the end of the line, found '2' (put each "
                      "key = value pair and [table] header on its own line)");
  assert_parse_error ("d = 2023-02-29\n", -1, HV_TOML_ERROR_OUT_OF_RANGE,
                      "config.toml:1:5: invalid date/time \"2023-02-29\": that day does not "
                      "exist in that month");
  assert_parse_error ("t = { a = 1, }\n", -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:12: a trailing comma is not allowed in an inline table "
                      "(TOML 1.0)");
  assert_parse_error ("x = 1e999\n", -1, HV_TOML_ERROR_OUT_OF_RANGE,
                      "config.toml:1:5: float 1e999 is too large for a 64-bit float");
}

static void
test_integer_range (void)
{
  g_autoptr(HvTomlNode) root = parse_ok ("max = 9223372036854775807\n"
                                         "min = -9223372036854775808\n"
                                         "hex = 0x7FFF_FFFF_FFFF_FFFF\n"
                                         "bin = 0b1111_0000\n"
                                         "oct = 0o777\n"
                                         "und = 1_000_000\n");

  g_assert_cmpint (hv_toml_node_get_int (hv_toml_table_get (root, "max")), ==, G_MAXINT64);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_table_get (root, "min")), ==, G_MININT64);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_table_get (root, "hex")), ==, G_MAXINT64);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_table_get (root, "bin")), ==, 240);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_table_get (root, "oct")), ==, 511);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_table_get (root, "und")), ==, 1000000);

  assert_parse_error ("n = 9223372036854775808\n", -1, HV_TOML_ERROR_OUT_OF_RANGE,
                      "config.toml:1:5: integer 9223372036854775808 does not fit in 64 bits "
                      "(the range is -9223372036854775808 to 9223372036854775807)");
  assert_parse_error ("n = -9223372036854775809\n", -1, HV_TOML_ERROR_OUT_OF_RANGE,
                      "config.toml:1:5: integer -9223372036854775809 does not fit in 64 bits "
                      "(the range is -9223372036854775808 to 9223372036854775807)");
  assert_parse_error ("n = 0x8000000000000000\n", -1, HV_TOML_ERROR_OUT_OF_RANGE,
                      "config.toml:1:5: integer 0x8000000000000000 does not fit in 64 bits "
                      "(the largest is 9223372036854775807)");
  assert_parse_error ("n = 99999999999999999999999999\n", -1, HV_TOML_ERROR_OUT_OF_RANGE,
                      "config.toml:1:5: integer 99999999999999999999999999 does not fit in 64 "
                      "bits (the range is -9223372036854775808 to 9223372036854775807)");
}

/* Limits ------------------------------------------------------------------------------------ */

static char *
repeat (const char *prefix,
        const char *unit,
        guint       times)
{
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static void
test_nesting_limit (void)
{
  g_autofree char *arrays = repeat ("x = ", "[", 100000);
  g_autofree char *tables = repeat ("x = ", "{a=", 100000);
  g_autofree char *headers = repeat ("", "[", 100000);
  g_autoptr(GError) error = NULL;
  g_autoptr(HvTomlNode) root = NULL;
  GString *dotted;

  /* The 257th '[' (column 5 + 256) would be at depth 258 > 256. */
  assert_parse_error (arrays, -1, HV_TOML_ERROR_TOO_DEEP,
                      "config.toml:1:261: tables and arrays are nested more than 256 levels "
                      "deep");
  assert_parse_error (tables, -1, HV_TOML_ERROR_TOO_DEEP,
                      "config.toml:1:773: tables and arrays are nested more than 256 levels "
                      "deep");
  assert_parse_error (headers, -1, HV_TOML_ERROR_SYNTAX,
                      "config.toml:1:3: expected a key, found '[' (bare keys may only contain "
                      "A-Z a-z 0-9 _ -; quote other keys)");

  dotted = g_string_new ("a");
  for (int i = 0; i < 300; i++)
    g_string_append (dotted, ".a");
  g_string_append (dotted, " = 1\n");
  assert_parse_error (dotted->str, -1, HV_TOML_ERROR_TOO_DEEP,
                      "config.toml:1:513: tables and arrays are nested more than 256 levels "
                      "deep");
  g_string_free (dotted, TRUE);

  /* x is at depth 1, so 256 nested arrays reach depth 256: the deepest allowed. */
  {
    g_autofree char *opening = repeat ("x = ", "[", 256);
    g_autofree char *text = repeat (opening, "]", 256);
    root = hv_toml_parse (text, -1, "config.toml", &error);
    g_assert_no_error (error);
    g_assert_nonnull (root);
  }
}

/* The tree ---------------------------------------------------------------------------------- */

static void
test_key_order (void)
{
  g_autoptr(HvTomlNode) root = NULL;
  g_autofree const char **keys = NULL;
  g_autofree const char **big_keys = NULL;
  GString *text = g_string_new ("zeta = 1\nalpha = 2\n[mid]\nx = 1\n[beta]\n"
                                "[mid2.sub]\n[big]\n");
  HvTomlNode *big;
  guint n = 0;
  static const char *const expected_big[] = {
    "k19", "k18", "k17", "k16", "k15", "k14", "k13", "k12", "k11", "k10",
    "k9", "k8", "k7", "k6", "k5", "k4", "k3", "k2", "k1", "k0", NULL,
  };

  /* More keys than the linear-search threshold, so the hash index is exercised too. */
  for (int i = 19; i >= 0; i--)
    g_string_append_printf (text, "k%d = %d\n", i, i);
  g_string_append (text, "[mid2]\n");
  root = parse_ok (text->str);
  g_string_free (text, TRUE);

  keys = hv_toml_table_get_keys (root, &n);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpstr (keys[0], ==, "zeta");
  g_assert_cmpstr (keys[1], ==, "alpha");
  g_assert_cmpstr (keys[2], ==, "mid");
  g_assert_cmpstr (keys[3], ==, "beta");
  g_assert_cmpstr (keys[4], ==, "mid2");
  g_assert_cmpstr (keys[5], ==, "big");
  g_assert_null (keys[6]);

  big = hv_toml_table_get (root, "big");
  big_keys = hv_toml_table_get_keys (big, &n);
  g_assert_cmpuint (n, ==, 20);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (big_keys[i], ==, expected_big[i]);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_table_get (big, "k7")), ==, 7);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_table_get (big, "k19")), ==, 19);
  g_assert_null (hv_toml_table_get (big, "k20"));
  g_assert_cmpuint (hv_toml_table_get_key_line (big, "k0"), ==, 27);

  /* [mid2] made explicit after [mid2.sub] keeps its place. */
  g_assert_cmpuint (hv_toml_node_get_line (hv_toml_table_get (root, "mid2")), ==, 28);
}

static void
test_table_rules (void)
{
  g_autoptr(HvTomlNode) spec = parse_ok ("[fruit]\n"
                                         "apple.color = \"red\"\n"
                                         "apple.taste.sweet = true\n"
                                         "[fruit.apple.texture]\n"
                                         "smooth = true\n");
  g_autoptr(HvTomlNode) implicit = parse_ok ("[a.b.c]\n[a]\nb.d = 1\n");
  g_autoptr(HvTomlNode) aot = parse_ok ("[[vm]]\nname = 'a'\n[vm.disk]\nsize = 1\n"
                                        "[[vm]]\nname = 'b'\n");
  HvTomlNode *vms;

  g_assert_true (hv_toml_node_get_boolean (hv_toml_lookup (spec, "fruit.apple.texture.smooth")));
  g_assert_true (hv_toml_node_get_boolean (hv_toml_lookup (spec, "fruit.apple.taste.sweet")));
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_lookup (implicit, "a.b.d")), ==, 1);

  vms = hv_toml_table_get (aot, "vm");
  g_assert_cmpuint (hv_toml_array_get_length (vms), ==, 2);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_lookup (hv_toml_array_get_element (vms, 0),
                                                         "disk.size")), ==, 1);
  g_assert_null (hv_toml_table_get (hv_toml_array_get_element (vms, 1), "disk"));

  assert_parse_error ("[fruit]\napple.color = 'red'\n[fruit.apple]\n", -1,
                      HV_TOML_ERROR_REDEFINITION,
                      "config.toml:3:1: table [fruit.apple] is already defined with dotted keys "
                      "at 2:1");
  assert_parse_error ("a = [1]\n[a.b]\n", -1, HV_TOML_ERROR_REDEFINITION,
                      "config.toml:2:2: cannot add a table to \"a\": it is an array defined at "
                      "1:1, not an array of tables ([[a]])");
  assert_parse_error ("[[a]]\n[a]\n", -1, HV_TOML_ERROR_REDEFINITION,
                      "config.toml:2:1: table [a] conflicts with the array of tables [[a]] "
                      "defined at 1:3");
  assert_parse_error ("[a.b]\n[a]\nb.c = 1\n", -1, HV_TOML_ERROR_REDEFINITION,
                      "config.toml:3:1: cannot add keys to table \"b\" with a dotted key: it is "
                      "defined by a [header] at 1:1; add the keys under that header");
}

static void
test_types (void)
{
  g_autoptr(HvTomlNode) root = parse_ok (
    "s = \"tab\\there \\u00e9 \\U0001F600\"\n"
    "lit = 'C:\\path'\n"
    "nul = \"a\\u0000b\"\n"
    "i = -42\n"
    "f = 6.25e-1\n"
    "inf = -inf\n"
    "b = false\n"
    "odt = 1979-05-27 07:32:00.5-07:30\n"
    "ldt = 1979-05-27t07:32:00\n"
    "ld = 2024-02-29\n"
    "lt = 23:59:60.123456789123\n"
    "arr = [1, 'two', [3.0], {four = 4}]\n");
  HvTomlNode *node;
  HvTomlDatetime dt;

  node = hv_toml_table_get (root, "s");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_STRING);
  g_assert_cmpstr (hv_toml_node_get_string (node), ==, "tab\there \xC3\xA9 \xF0\x9F\x98\x80");
  g_assert_cmpstr (hv_toml_node_get_string (hv_toml_table_get (root, "lit")), ==, "C:\\path");
  node = hv_toml_table_get (root, "nul");
  g_assert_cmpuint (hv_toml_node_get_string_length (node), ==, 3);
  g_assert_cmpmem (hv_toml_node_get_string (node), 3, "a\0b", 3);

  node = hv_toml_table_get (root, "i");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_INTEGER);
  g_assert_cmpint (hv_toml_node_get_int (node), ==, -42);
  g_assert_cmpfloat (hv_toml_node_get_double (node), ==, -42.0);
  node = hv_toml_table_get (root, "f");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_FLOAT);
  g_assert_cmpfloat (hv_toml_node_get_double (node), ==, 0.625);
  g_assert_true (isinf (hv_toml_node_get_double (hv_toml_table_get (root, "inf"))));
  node = hv_toml_table_get (root, "b");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_BOOLEAN);
  g_assert_false (hv_toml_node_get_boolean (node));

  node = hv_toml_table_get (root, "odt");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_DATETIME);
  g_assert_cmpstr (hv_toml_node_get_datetime_string (node), ==, "1979-05-27T07:32:00.5-07:30");
  hv_toml_node_get_datetime (node, &dt);
  g_assert_cmpint (dt.year, ==, 1979);
  g_assert_cmpint (dt.month, ==, 5);
  g_assert_cmpint (dt.day, ==, 27);
  g_assert_cmpint (dt.hour, ==, 7);
  g_assert_cmpint (dt.minute, ==, 32);
  g_assert_cmpint (dt.second, ==, 0);
  g_assert_cmpint (dt.nanosecond, ==, 500000000);
  g_assert_true (dt.has_offset);
  g_assert_cmpint (dt.offset_minutes, ==, -450);

  node = hv_toml_table_get (root, "ldt");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_DATETIME_LOCAL);
  g_assert_cmpstr (hv_toml_node_get_datetime_string (node), ==, "1979-05-27T07:32:00");
  node = hv_toml_table_get (root, "ld");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_DATE_LOCAL);
  g_assert_cmpstr (hv_toml_node_get_datetime_string (node), ==, "2024-02-29");
  node = hv_toml_table_get (root, "lt");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_TIME_LOCAL);
  hv_toml_node_get_datetime (node, &dt);
  g_assert_cmpint (dt.year, ==, 0);
  g_assert_cmpint (dt.hour, ==, 23);
  g_assert_cmpint (dt.second, ==, 60);
  g_assert_cmpint (dt.nanosecond, ==, 123456789);
  g_assert_false (dt.has_offset);

  node = hv_toml_table_get (root, "arr");
  g_assert_cmpint (hv_toml_node_get_kind (node), ==, HV_TOML_ARRAY);
  g_assert_cmpuint (hv_toml_array_get_length (node), ==, 4);
  g_assert_cmpint (hv_toml_node_get_kind (hv_toml_array_get_element (node, 2)), ==, HV_TOML_ARRAY);
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_lookup (hv_toml_array_get_element (node, 3),
                                                         "four")), ==, 4);

  g_assert_cmpstr (hv_toml_type_to_string (HV_TOML_DATETIME_LOCAL), ==, "datetime-local");
  g_assert_cmpstr (hv_toml_type_to_string (HV_TOML_BOOLEAN), ==, "bool");
}

static void
test_lookup (void)
{
  g_autoptr(HvTomlNode) root = parse_ok ("[providers.ollama]\nhost = \"h\"\n"
                                         "[defaults]\nvm.cpu = 2\n");

  g_assert_cmpstr (hv_toml_node_get_string (hv_toml_lookup (root, "providers.ollama.host")),
                   ==, "h");
  g_assert_cmpint (hv_toml_node_get_int (hv_toml_lookup (root, "defaults.vm.cpu")), ==, 2);
  g_assert_null (hv_toml_lookup (root, "providers.bedrock.host"));
  g_assert_null (hv_toml_lookup (root, "providers.ollama.host.deeper"));
  g_assert_null (hv_toml_lookup (root, "providers."));
  g_assert_true (hv_toml_lookup (root, "defaults") == hv_toml_table_get (root, "defaults"));
}

/* Also the regression case of a leak the fuzzer found (every JSON object was referenced twice);
 * under ASan (-Db_sanitize=address) LeakSanitizer fails this test if it comes back. */
static void
test_tagged_json (void)
{
  g_autoptr(HvTomlNode) root = parse_ok ("b = [1, 2.5, true]\n"
                                         "[t]\n"
                                         "d = 1979-05-27 07:32:00Z\n"
                                         "s = \"q\\\"\"\n");
  g_autoptr(JsonNode) json = hv_toml_node_to_tagged_json (root);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *direct = NULL;
  static const char expected[] =
    "{\"b\":[{\"type\":\"integer\",\"value\":\"1\"},{\"type\":\"float\",\"value\":\"2.5\"},"
    "{\"type\":\"bool\",\"value\":\"true\"}],\"t\":{\"d\":{\"type\":\"datetime\","
    "\"value\":\"1979-05-27T07:32:00Z\"},\"s\":{\"type\":\"string\",\"value\":\"q\\\"\"}}}";

  json_generator_set_root (gen, json);
  text = json_generator_to_data (gen, NULL);
  g_assert_cmpstr (text, ==, expected);

  direct = hv_toml_node_to_tagged_json_text (root, NULL);
  g_assert_cmpstr (direct, ==, expected);
}

static void
test_refcount (void)
{
  HvTomlNode *root = parse_ok ("[a]\nb = \"kept\"\n");
  HvTomlNode *b = hv_toml_node_ref (hv_toml_lookup (root, "a.b"));

  hv_toml_node_unref (root);
  /* The document lives as long as any of its nodes is referenced. */
  g_assert_cmpstr (hv_toml_node_get_string (b), ==, "kept");
  g_assert_cmpuint (hv_toml_node_get_line (b), ==, 2);
  hv_toml_node_unref (b);

  g_assert_true (G_TYPE_IS_BOXED (HV_TYPE_TOML_NODE));
}

static void
test_empty_and_null_filename (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HvTomlNode) empty = hv_toml_parse ("", 0, NULL, &error);
  g_autoptr(HvTomlNode) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (hv_toml_table_get_n_keys (empty), ==, 0);

  bad = hv_toml_parse ("=", -1, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, HV_TOML_ERROR, HV_TOML_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==,
                   "<input>:1:1: expected a key, found '=' (bare keys may only contain "
                   "A-Z a-z 0-9 _ -; quote other keys)");
}

/* Spans and table origins ------------------------------------------------------------------- */

static void
assert_span (HvTomlNode *node,
             gsize       expected_start,
             gsize       expected_end)
{
  gsize start = 1, end = 1;

  g_assert_nonnull (node);
  g_assert_true (hv_toml_node_get_span (node, &start, &end));
  g_assert_cmpuint (start, ==, expected_start);
  g_assert_cmpuint (end, ==, expected_end);
}

static void
assert_no_span (HvTomlNode *node)
{
  gsize start = 1, end = 1;

  g_assert_nonnull (node);
  g_assert_false (hv_toml_node_get_span (node, &start, &end));
  g_assert_cmpuint (start, ==, 0);
  g_assert_cmpuint (end, ==, 0);
}

static void
assert_body_end (HvTomlNode *table,
                 gsize       expected)
{
  gsize offset = 1;

  g_assert_nonnull (table);
  g_assert_true (hv_toml_table_get_body_end (table, &offset));
  g_assert_cmpuint (offset, ==, expected);
}

static void
assert_no_body (HvTomlNode *table)
{
  gsize offset = 1;

  g_assert_nonnull (table);
  g_assert_false (hv_toml_table_get_body_end (table, &offset));
  g_assert_cmpuint (offset, ==, 0);
}

/* A value's span is the bytes it is written as: what an editor replaces to change it. */
static void
test_value_spans (void)
{
  const char *text =
    "# head\n"                             /*   0 */
    "s = \"a\\\"b\" # trailing\n"          /*   7: the string is at 11..17 */
    "lit = 'C:\\path'\n"                   /*  29: 35..44 */
    "ml = \"\"\"\nline\n\"\"\"\n"          /*  45: 50..62 */
    "ml2 = '''x'''\n"                      /*  63: 69..76 */
    "\"\xc3\xa9\" = \"\xc3\xbc\"\n"        /*  77: two-byte characters, 84..88 */
    "i = -1_000\n"                         /*  89: 93..99 */
    "f = 6.5e-1\n"                         /* 100: 104..110 */
    "b = false\n"                          /* 111: 115..120 */
    "dt = 1979-05-27 07:32:00Z\n"          /* 121: 126..146 */
    "arr = [\n  1, # one\n  [2, 3],\n]\n"  /* 147: 153..177 */
    "it = { x = 1, y = \"z\" }\n";         /* 178: 183..201 */
  g_autoptr(HvTomlNode) root = parse_ok (text);
  HvTomlNode *arr;

  g_assert_cmpuint (strlen (text), ==, 202);
  assert_span (hv_toml_table_get (root, "s"), 11, 17);
  assert_span (hv_toml_table_get (root, "lit"), 35, 44);
  assert_span (hv_toml_table_get (root, "ml"), 50, 62);
  assert_span (hv_toml_table_get (root, "ml2"), 69, 76);
  assert_span (hv_toml_table_get (root, "\xc3\xa9"), 84, 88);
  assert_span (hv_toml_table_get (root, "i"), 93, 99);
  assert_span (hv_toml_table_get (root, "f"), 104, 110);
  assert_span (hv_toml_table_get (root, "b"), 115, 120);
  assert_span (hv_toml_table_get (root, "dt"), 126, 146);

  arr = hv_toml_table_get (root, "arr");
  assert_span (arr, 153, 177);
  assert_span (hv_toml_array_get_element (arr, 0), 157, 158);
  assert_span (hv_toml_array_get_element (arr, 1), 168, 174);
  assert_span (hv_toml_array_get_element (hv_toml_array_get_element (arr, 1), 1), 172, 173);

  assert_span (hv_toml_table_get (root, "it"), 183, 201);
  assert_span (hv_toml_lookup (root, "it.y"), 196, 199);
  g_assert_cmpint (hv_toml_table_get_origin (hv_toml_table_get (root, "it")), ==,
                   HV_TOML_TABLE_ORIGIN_INLINE);
  assert_no_body (hv_toml_table_get (root, "it"));

  /* Offsets count from the start of the input, byte order mark included. */
  {
    g_autoptr(HvTomlNode) bom = parse_ok ("\xEF\xBB\xBFk = 'v'\n");
    assert_span (hv_toml_table_get (bom, "k"), 7, 10);
    assert_body_end (bom, 11);
  }
}

/* How each table was defined, and where the body of a [section] ends. */
static void
test_table_origins (void)
{
  const char *text =
    "top = 1 # c\n"                        /*   0: the root's body ends at 12 */
    "\n"
    "# about a\n"
    "[a]\n"
    "x = 1\n"
    "y.z = 2 # dotted\n"                   /*  31: z at 39..40 */
    "m = \"\"\"\nq\n\"\"\"  # ml\n"          /*  48: a's body ends at 70 */
    "\n"
    "# about a.b.c\n"
    "[a.b.c]\n"                            /*  85: no keys, the body ends at 93 */
    "[[arr]]\n"
    "k = \"v\"\n"                          /* 101: ends at 109 */
    "[[arr]]\n"                            /* 109: ends at 117 */
    "[ d ] # d\n"
    "e = { f = 1 }\n"                      /* 127: e at 131..140 */
    "last = true";                         /* 141: no newline at the end, 152 bytes */
  g_autoptr(HvTomlNode) root = parse_ok (text);
  HvTomlNode *arr;

  g_assert_cmpuint (strlen (text), ==, 152);

  g_assert_cmpint (hv_toml_table_get_origin (root), ==, HV_TOML_TABLE_ORIGIN_ROOT);
  assert_body_end (root, 12);
  assert_no_span (root);

  g_assert_cmpint (hv_toml_table_get_origin (hv_toml_lookup (root, "a")), ==,
                   HV_TOML_TABLE_ORIGIN_HEADER);
  assert_body_end (hv_toml_lookup (root, "a"), 70);
  assert_no_span (hv_toml_lookup (root, "a"));

  g_assert_cmpint (hv_toml_table_get_origin (hv_toml_lookup (root, "a.y")), ==,
                   HV_TOML_TABLE_ORIGIN_DOTTED);
  assert_no_body (hv_toml_lookup (root, "a.y"));
  assert_no_span (hv_toml_lookup (root, "a.y"));
  assert_span (hv_toml_lookup (root, "a.y.z"), 39, 40);

  g_assert_cmpint (hv_toml_table_get_origin (hv_toml_lookup (root, "a.b")), ==,
                   HV_TOML_TABLE_ORIGIN_IMPLICIT);
  assert_no_body (hv_toml_lookup (root, "a.b"));
  assert_no_span (hv_toml_lookup (root, "a.b"));

  g_assert_cmpint (hv_toml_table_get_origin (hv_toml_lookup (root, "a.b.c")), ==,
                   HV_TOML_TABLE_ORIGIN_HEADER);
  assert_body_end (hv_toml_lookup (root, "a.b.c"), 93);

  arr = hv_toml_table_get (root, "arr");
  assert_no_span (arr);
  g_assert_cmpint (hv_toml_table_get_origin (hv_toml_array_get_element (arr, 0)), ==,
                   HV_TOML_TABLE_ORIGIN_ARRAY_ELEMENT);
  assert_body_end (hv_toml_array_get_element (arr, 0), 109);
  assert_body_end (hv_toml_array_get_element (arr, 1), 117);

  g_assert_cmpint (hv_toml_table_get_origin (hv_toml_lookup (root, "d")), ==,
                   HV_TOML_TABLE_ORIGIN_HEADER);
  assert_body_end (hv_toml_lookup (root, "d"), 152);
  assert_span (hv_toml_lookup (root, "d.e"), 131, 140);
  g_assert_cmpint (hv_toml_table_get_origin (hv_toml_lookup (root, "d.e")), ==,
                   HV_TOML_TABLE_ORIGIN_INLINE);
}

static void
test_body_end_cases (void)
{
  /* An implicit table defined later by its own header gets that header's body. */
  {
    g_autoptr(HvTomlNode) root = parse_ok ("[a.b]\nx = 1\n[a]\ny = 2\n\n");
    g_assert_cmpint (hv_toml_table_get_origin (hv_toml_lookup (root, "a")), ==,
                     HV_TOML_TABLE_ORIGIN_HEADER);
    assert_body_end (hv_toml_lookup (root, "a"), 22);
    assert_body_end (hv_toml_lookup (root, "a.b"), 12);
  }
  /* CRLF: after the line's \r\n. */
  {
    g_autoptr(HvTomlNode) root = parse_ok ("[t]\r\na = 1\r\n\r\n[u]\r\n");
    assert_body_end (hv_toml_lookup (root, "t"), 12);
    assert_body_end (hv_toml_lookup (root, "u"), 19);
  }
  /* A root without keys: the start of the input. */
  {
    g_autoptr(HvTomlNode) root = parse_ok ("# only a comment\n[t]\n");
    assert_body_end (root, 0);
  }
  {
    g_autoptr(HvTomlNode) root = parse_ok ("");
    assert_body_end (root, 0);
  }
  /* Comment lines after the last key do not belong to the body. */
  {
    g_autoptr(HvTomlNode) root = parse_ok ("[t]\n# one\na = 1\n# two\n");
    assert_body_end (hv_toml_lookup (root, "t"), 16);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/toml/positions", test_positions);
  g_test_add_func ("/toml/positions/bom", test_bom_positions);
  g_test_add_func ("/toml/errors/missing-equals", test_error_missing_equals);
  g_test_add_func ("/toml/errors/duplicate-key", test_error_duplicate_key);
  g_test_add_func ("/toml/errors/unterminated-string", test_error_unterminated_string);
  g_test_add_func ("/toml/errors/encoding", test_error_encoding);
  g_test_add_func ("/toml/errors/escapes", test_error_escapes);
  g_test_add_func ("/toml/errors/values", test_error_values);
  g_test_add_func ("/toml/integer-range", test_integer_range);
  g_test_add_func ("/toml/nesting-limit", test_nesting_limit);
  g_test_add_func ("/toml/key-order", test_key_order);
  g_test_add_func ("/toml/table-rules", test_table_rules);
  g_test_add_func ("/toml/types", test_types);
  g_test_add_func ("/toml/lookup", test_lookup);
  g_test_add_func ("/toml/tagged-json", test_tagged_json);
  g_test_add_func ("/toml/refcount", test_refcount);
  g_test_add_func ("/toml/empty", test_empty_and_null_filename);
  g_test_add_func ("/toml/spans/values", test_value_spans);
  g_test_add_func ("/toml/spans/table-origins", test_table_origins);
  g_test_add_func ("/toml/spans/body-end", test_body_end_cases);

  return g_test_run ();
}
