// SPDX-License-Identifier: GPL-3.0-or-later
/* The fake Ollama as a program, for benchmarks and manual runs:
 *   fake-ollama [--unix PATH]
 * prints its URL ("http://127.0.0.1:PORT") on a line of its own once it listens, and serves
 * until its standard input is closed or it gets SIGTERM/SIGINT. */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "hv-fake-ollama.h"

static gboolean
quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_stdin (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  char buffer[256];

  if (read (fd, buffer, sizeof buffer) > 0)
    return G_SOURCE_CONTINUE;
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(HvFakeOllama) fake = NULL;
  g_autoptr(GError) error = NULL;

  fake = hv_fake_ollama_new (&error);
  if (fake == NULL)
    {
      fprintf (stderr, "fake-ollama: %s\n", error->message);
      return 1;
    }
  if (argc == 3 && g_str_equal (argv[1], "--unix") && !hv_fake_ollama_listen_unix (fake, argv[2], &error))
    {
      fprintf (stderr, "fake-ollama: %s\n", error->message);
      return 1;
    }

  /* Alone in its process: stream as fast as the client reads. */
  hv_fake_ollama_set_burst (fake, TRUE);
  printf ("%s\n", hv_fake_ollama_get_url (fake));
  fflush (stdout);

  g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_unix_signal_add (SIGINT, quit, loop);
  g_main_loop_run (loop);
  return 0;
}
