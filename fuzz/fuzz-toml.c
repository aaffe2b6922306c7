// SPDX-License-Identifier: GPL-3.0-or-later
/* libFuzzer harness for the TOML parser: parses the input and, when it parses, walks the whole
 * tree through the public accessors and converts it to tagged JSON both ways. Critical warnings
 * (a broken precondition inside the parser or the accessors) abort like a crash. */

#include <stdint.h>
#include <string.h>

#include "hv-toml.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
walk (HvTomlNode *node)
{
  HvTomlType kind = hv_toml_node_get_kind (node);

  g_assert (hv_toml_node_get_line (node) >= 1);
  g_assert (hv_toml_node_get_column (node) >= 1);

  switch (kind)
    {
    case HV_TOML_TABLE:
      {
        guint n = 0;
        g_autofree const char **keys = hv_toml_table_get_keys (node, &n);
        g_assert (n == hv_toml_table_get_n_keys (node));
        for (guint i = 0; i < n; i++)
          {
            gsize len = 0;
            const char *key = hv_toml_table_get_key_at (node, i, &len);
            HvTomlNode *value = hv_toml_table_get_value_at (node, i);
            guint line = 0, column = 0;

            g_assert (key == keys[i]);
            /* Keys without U+0000 can be looked up by name and find this entry. */
            if (strlen (key) == len)
              {
                g_assert (hv_toml_table_get (node, key) == value);
                g_assert (hv_toml_table_get_key_position (node, key, &line, &column));
                g_assert (line >= 1 && column >= 1);
              }
            walk (value);
          }
        g_assert (keys[n] == NULL);
        break;
      }
    case HV_TOML_ARRAY:
      for (guint i = 0; i < hv_toml_array_get_length (node); i++)
        walk (hv_toml_array_get_element (node, i));
      break;
    case HV_TOML_STRING:
      g_assert (hv_toml_node_get_string (node)[hv_toml_node_get_string_length (node)] == '\0');
      g_assert (g_utf8_validate_len (hv_toml_node_get_string (node),
                                     strlen (hv_toml_node_get_string (node)), NULL));
      break;
    case HV_TOML_INTEGER:
      (void) hv_toml_node_get_int (node);
      break;
    case HV_TOML_FLOAT:
      (void) hv_toml_node_get_double (node);
      break;
    case HV_TOML_BOOLEAN:
      (void) hv_toml_node_get_boolean (node);
      break;
    case HV_TOML_DATETIME:
    case HV_TOML_DATETIME_LOCAL:
    case HV_TOML_DATE_LOCAL:
    case HV_TOML_TIME_LOCAL:
      {
        HvTomlDatetime dt;
        hv_toml_node_get_datetime (node, &dt);
        g_assert (dt.has_offset == (kind == HV_TOML_DATETIME));
        g_assert (hv_toml_node_get_datetime_string (node) != NULL);
        break;
      }
    default:
      g_assert_not_reached ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HvTomlNode) root = NULL;

  root = hv_toml_parse ((const char *) data, size, "fuzz.toml", &error);
  if (root == NULL)
    {
      /* Every error names the file and a position. */
      g_assert (error != NULL && error->domain == HV_TOML_ERROR);
      g_assert (g_str_has_prefix (error->message, "fuzz.toml:"));
      return 0;
    }
  g_assert (error == NULL);

  walk (root);

  {
    g_autoptr(JsonNode) json = hv_toml_node_to_tagged_json (root);
    gsize len = 0;
    g_autofree char *text = hv_toml_node_to_tagged_json_text (root, &len);

    g_assert (json != NULL && JSON_NODE_HOLDS_OBJECT (json));
    g_assert (len == strlen (text));
    g_assert (g_utf8_validate_len (text, len, NULL));
  }
  return 0;
}
