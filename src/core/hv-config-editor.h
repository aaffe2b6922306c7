// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Edits values of a TOML file in place: the text of a value is replaced where it stands, a
 * missing key is added at the end of its [section] (or in a new section at the end), and
 * everything else, comments, blank lines, order and formatting, stays byte for byte.
 * A file whose shape the editor cannot preserve (the key set inside an inline table, say)
 * is refused with an error that says so, never rewritten. */

#define HV_TYPE_CONFIG_EDITOR (hv_config_editor_get_type ())

G_DECLARE_FINAL_TYPE (HvConfigEditor, hv_config_editor, HV, CONFIG_EDITOR, GObject)

HvConfigEditor *hv_config_editor_new          (const char      *path,
                                               GError         **error);
const char     *hv_config_editor_get_path     (HvConfigEditor  *self);
const char     *hv_config_editor_get_text     (HvConfigEditor  *self);
gboolean        hv_config_editor_get_modified (HvConfigEditor  *self);
gboolean        hv_config_editor_set_string   (HvConfigEditor  *self,
                                               const char      *key,
                                               const char      *value,
                                               GError         **error);
gboolean        hv_config_editor_set_int      (HvConfigEditor  *self,
                                               const char      *key,
                                               gint64           value,
                                               GError         **error);
gboolean        hv_config_editor_set_boolean  (HvConfigEditor  *self,
                                               const char      *key,
                                               gboolean         value,
                                               GError         **error);
gboolean        hv_config_editor_set_strv     (HvConfigEditor  *self,
                                               const char      *key,
                                               const char * const *value,
                                               GError         **error);
gboolean        hv_config_editor_save         (HvConfigEditor  *self,
                                               GError         **error);

G_END_DECLS
