// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "hv-line-buffer.h"

struct _HvLineBuffer
{
  GByteArray *pending;   /* the start of a line whose end has not arrived */
  gsize max_line_length;
};

/**
 * hv_line_buffer_new:
 * @max_line_length: the longest line accepted, in bytes; a longer one is an error rather
 *   than unbounded memory
 */
HvLineBuffer *
hv_line_buffer_new (gsize max_line_length)
{
  HvLineBuffer *self = g_new0 (HvLineBuffer, 1);

  self->pending = g_byte_array_new ();
  self->max_line_length = max_line_length;
  return self;
}

void
hv_line_buffer_free (HvLineBuffer *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->pending);
  g_free (self);
}

gsize
hv_line_buffer_get_pending (HvLineBuffer *self)
{
  return self->pending->len;
}

static gboolean
too_long (HvLineBuffer  *self,
          GError       **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
               _("a line longer than %" G_GSIZE_FORMAT " bytes"), self->max_line_length);
  return FALSE;
}

static gboolean
emit (const char  *line,
      gsize        length,
      HvLineFunc   func,
      gpointer     user_data,
      GError     **error)
{
  if (length > 0 && line[length - 1] == '\r')
    length--;
  return func (line, length, user_data, error);
}

/**
 * hv_line_buffer_feed:
 * @data: the bytes of one read
 *
 * Calls @func for each line that @data completes, in order. Lines that lie entirely in
 * @data are passed without copying.
 *
 * Returns: %FALSE if @func failed or a line is too long
 */
gboolean
hv_line_buffer_feed (HvLineBuffer  *self,
                     const char    *data,
                     gsize          length,
                     HvLineFunc     func,
                     gpointer       user_data,
                     GError       **error)
{
  const char *end = data + length;

  while (data < end)
    {
      const char *newline = memchr (data, '\n', end - data);

      if (newline == NULL)
        {
          if (self->pending->len + (gsize) (end - data) > self->max_line_length)
            return too_long (self, error);
          g_byte_array_append (self->pending, (const guint8 *) data, end - data);
          return TRUE;
        }

      if (self->pending->len > 0)
        {
          gboolean ok;

          if (self->pending->len + (gsize) (newline - data) > self->max_line_length)
            return too_long (self, error);
          g_byte_array_append (self->pending, (const guint8 *) data, newline - data);
          ok = emit ((const char *) self->pending->data, self->pending->len, func, user_data, error);
          g_byte_array_set_size (self->pending, 0);
          if (!ok)
            return FALSE;
        }
      else
        {
          if ((gsize) (newline - data) > self->max_line_length)
            return too_long (self, error);
          if (!emit (data, newline - data, func, user_data, error))
            return FALSE;
        }
      data = newline + 1;
    }
  return TRUE;
}

/**
 * hv_line_buffer_finish:
 *
 * At the end of the stream: passes a last line that had no '\n', if any, to @func.
 */
gboolean
hv_line_buffer_finish (HvLineBuffer  *self,
                       HvLineFunc     func,
                       gpointer       user_data,
                       GError       **error)
{
  gboolean ok = TRUE;

  if (self->pending->len > 0)
    ok = emit ((const char *) self->pending->data, self->pending->len, func, user_data, error);
  g_byte_array_set_size (self->pending, 0);
  return ok;
}
