// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HV_TYPE_MODEL_INFO (hv_model_info_get_type ())

G_DECLARE_FINAL_TYPE (HvModelInfo, hv_model_info, HV, MODEL_INFO, GObject)

/* One model a provider offers: an installed model (list), a loaded one (running: size-vram
 * and expires are set) or the details of one (show: context-length, capabilities,
 * parameters, template, license are set). Providers fill it in with g_object_set(); a
 * property the provider does not know stays NULL/0. */

HvModelInfo        *hv_model_info_new                (const char  *provider,
                                                      const char  *name);
const char         *hv_model_info_get_provider       (HvModelInfo *self);
const char         *hv_model_info_get_name           (HvModelInfo *self);
const char         *hv_model_info_get_family         (HvModelInfo *self);
const char         *hv_model_info_get_format         (HvModelInfo *self);
const char         *hv_model_info_get_parameter_size (HvModelInfo *self);
const char         *hv_model_info_get_quantization   (HvModelInfo *self);
guint64             hv_model_info_get_size           (HvModelInfo *self);
GDateTime          *hv_model_info_get_modified       (HvModelInfo *self);
const char         *hv_model_info_get_digest         (HvModelInfo *self);
guint64             hv_model_info_get_size_vram      (HvModelInfo *self);
GDateTime          *hv_model_info_get_expires        (HvModelInfo *self);
guint64             hv_model_info_get_context_length (HvModelInfo *self);
const char * const *hv_model_info_get_capabilities   (HvModelInfo *self);
const char         *hv_model_info_get_parameters     (HvModelInfo *self);
const char         *hv_model_info_get_template       (HvModelInfo *self);
const char         *hv_model_info_get_license        (HvModelInfo *self);

G_END_DECLS
