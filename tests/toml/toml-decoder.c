// SPDX-License-Identifier: GPL-3.0-or-later
/* A decoder for the toml-test conformance suite (https://github.com/toml-lang/toml-test):
 * reads TOML on stdin and prints toml-test's tagged JSON on stdout (exit 0), or prints the
 * error on stderr (exit 1). */

#include <stdio.h>
#include <unistd.h>

#include "hv-toml.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HvTomlNode) root = NULL;
  g_autofree char *json = NULL;
  gsize json_len = 0;
  guint8 buf[65536];

  for (;;)
    {
      ssize_t n = read (STDIN_FILENO, buf, sizeof buf);
      if (n < 0)
        {
          perror ("toml-decoder: reading stdin");
          return 2;
        }
      if (n == 0)
        break;
      g_byte_array_append (input, buf, n);
    }

  root = hv_toml_parse ((const char *) input->data, input->len, "<stdin>", &error);
  if (root == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  json = hv_toml_node_to_tagged_json_text (root, &json_len);
  fwrite (json, 1, json_len, stdout);
  fputc ('\n', stdout);
  return fflush (stdout) == 0 ? 0 : 2;
}
