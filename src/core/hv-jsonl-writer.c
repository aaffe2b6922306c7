// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "hv-jsonl-writer.h"

struct _HvJsonlWriter
{
  GObject parent_instance;
  char *path;
  int fd;
  gboolean sync;
  gboolean unsynced;   /* written without fdatasync since the last flush to disk */
  GMutex lock;
};

G_DEFINE_FINAL_TYPE (HvJsonlWriter, hv_jsonl_writer, G_TYPE_OBJECT)

static void
hv_jsonl_writer_finalize (GObject *object)
{
  HvJsonlWriter *self = HV_JSONL_WRITER (object);

  if (self->fd >= 0)
    close (self->fd);
  g_mutex_clear (&self->lock);
  g_free (self->path);

  G_OBJECT_CLASS (hv_jsonl_writer_parent_class)->finalize (object);
}

static void
hv_jsonl_writer_class_init (HvJsonlWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hv_jsonl_writer_finalize;
}

static void
hv_jsonl_writer_init (HvJsonlWriter *self)
{
  self->fd = -1;
  self->sync = TRUE;
  g_mutex_init (&self->lock);
}

static gboolean G_GNUC_PRINTF (3, 4)
set_errno_error (GError     **error,
                 int          saved,
                 const char  *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), message);
  return FALSE;
}

static gboolean
write_all (int          fd,
           const char  *buf,
           gsize        len,
           const char  *path,
           GError     **error)
{
  while (len > 0)
    {
      gssize n = write (fd, buf, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return set_errno_error (error, errno, _("Could not write to %s: %s"), path, g_strerror (errno));
        }
      buf += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* A record torn by a crash leaves the file without a final newline. Start a new line so
 * the next record stands on its own and only the torn one is unreadable. */
static gboolean
terminate_torn_record (HvJsonlWriter  *self,
                       GError        **error)
{
  off_t end = lseek (self->fd, 0, SEEK_END);
  char last;

  if (end <= 0)
    return TRUE;
  if (pread (self->fd, &last, 1, end - 1) != 1)
    return set_errno_error (error, errno, _("Could not read %s: %s"), self->path, g_strerror (errno));
  if (last == '\n')
    return TRUE;

  g_warning ("%s ended in an incomplete record (a crash while writing?); it is kept on a line of its own",
             self->path);
  return write_all (self->fd, "\n", 1, self->path, error);
}

/**
 * hv_jsonl_writer_new:
 * @path: the file; created with mode 0600 if missing, appended to otherwise
 */
HvJsonlWriter *
hv_jsonl_writer_new (const char  *path,
                     GError     **error)
{
  g_autoptr(HvJsonlWriter) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (HV_TYPE_JSONL_WRITER, NULL);
  self->path = g_strdup (path);
  self->fd = g_open (path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (self->fd < 0)
    {
      set_errno_error (error, errno, _("Could not open %s for appending: %s"), path, g_strerror (errno));
      return NULL;
    }

  if (!terminate_torn_record (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
hv_jsonl_writer_get_path (HvJsonlWriter *self)
{
  g_return_val_if_fail (HV_IS_JSONL_WRITER (self), NULL);

  return self->path;
}

/**
 * hv_jsonl_writer_set_sync:
 * @sync: %TRUE (the default) to flush each record to the disk before append() returns;
 *   %FALSE to only hand it to the kernel, and flush to the disk in close()
 */
void
hv_jsonl_writer_set_sync (HvJsonlWriter *self,
                          gboolean       sync)
{
  g_return_if_fail (HV_IS_JSONL_WRITER (self));

  g_mutex_lock (&self->lock);
  self->sync = !!sync;
  g_mutex_unlock (&self->lock);
}

gboolean
hv_jsonl_writer_get_sync (HvJsonlWriter *self)
{
  gboolean sync;

  g_return_val_if_fail (HV_IS_JSONL_WRITER (self), TRUE);

  g_mutex_lock (&self->lock);
  sync = self->sync;
  g_mutex_unlock (&self->lock);
  return sync;
}

static gboolean
flush_to_disk (HvJsonlWriter  *self,
               int             fd,
               GError        **error)
{
  if (fdatasync (fd) != 0 && errno != EINVAL)
    return set_errno_error (error, errno, _("Could not flush %s to disk: %s"), self->path, g_strerror (errno));
  return TRUE;
}

/**
 * hv_jsonl_writer_append_line:
 * @line: one serialized record, without a newline
 *
 * Appends @line and a newline with one write and flushes it to the disk (only to the
 * kernel when sync is off, see hv_jsonl_writer_set_sync()). Safe to call from any thread.
 */
gboolean
hv_jsonl_writer_append_line (HvJsonlWriter  *self,
                             const char     *line,
                             GError        **error)
{
  g_autofree char *buf = NULL;
  gsize len;
  gboolean ok;

  g_return_val_if_fail (HV_IS_JSONL_WRITER (self), FALSE);
  g_return_val_if_fail (line != NULL && strchr (line, '\n') == NULL, FALSE);

  len = strlen (line);
  buf = g_malloc (len + 1);
  memcpy (buf, line, len);
  buf[len] = '\n';

  g_mutex_lock (&self->lock);
  if (self->fd < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("%s is already closed"), self->path);
      ok = FALSE;
    }
  else
    {
      ok = write_all (self->fd, buf, len + 1, self->path, error);
      if (ok && self->sync)
        ok = flush_to_disk (self, self->fd, error);
      else if (ok)
        self->unsynced = TRUE;
    }
  g_mutex_unlock (&self->lock);

  return ok;
}

/**
 * hv_jsonl_writer_append:
 * @record: a JSON value, normally an object
 */
gboolean
hv_jsonl_writer_append (HvJsonlWriter  *self,
                        JsonNode       *record,
                        GError        **error)
{
  g_autofree char *line = NULL;

  g_return_val_if_fail (HV_IS_JSONL_WRITER (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  /* json-glib escapes control characters in strings, so a record never spans lines. */
  line = json_to_string (record, FALSE);
  return hv_jsonl_writer_append_line (self, line, error);
}

gboolean
hv_jsonl_writer_close (HvJsonlWriter  *self,
                       GError        **error)
{
  gboolean unsynced;
  int fd;

  g_return_val_if_fail (HV_IS_JSONL_WRITER (self), FALSE);

  g_mutex_lock (&self->lock);
  fd = self->fd;
  self->fd = -1;
  unsynced = self->unsynced;
  self->unsynced = FALSE;
  g_mutex_unlock (&self->lock);

  /* Records appended without sync reach the disk now. */
  if (fd >= 0 && unsynced && !flush_to_disk (self, fd, error))
    {
      close (fd);
      return FALSE;
    }
  if (fd >= 0 && close (fd) != 0)
    return set_errno_error (error, errno, _("Could not close %s: %s"), self->path, g_strerror (errno));
  return TRUE;
}

/**
 * hv_jsonl_read_file:
 * @out_n_skipped: (out) (optional): lines that were not valid JSON (torn records)
 *
 * Returns: (transfer container) (element-type JsonNode): the records of @path in order,
 *   or %NULL with @error set when the file cannot be read.
 */
GPtrArray *
hv_jsonl_read_file (const char  *path,
                    guint       *out_n_skipped,
                    GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  guint skipped = 0;
  char *line;
  char *next;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  for (line = contents; line != NULL && *line != '\0'; line = next)
    {
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (*line == '\0')
        continue;
      if (json_parser_load_from_data (parser, line, -1, NULL) && json_parser_get_root (parser) != NULL)
        g_ptr_array_add (records, json_node_ref (json_parser_get_root (parser)));
      else
        skipped++;
    }

  if (out_n_skipped != NULL)
    *out_n_skipped = skipped;
  return g_steal_pointer (&records);
}
