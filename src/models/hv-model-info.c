// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-model-info.h"

enum {
  PROP_0,
  /* strings first: they live in self->strings[prop_id - FIRST_STRING] */
  PROP_PROVIDER,
  PROP_NAME,
  PROP_FAMILY,
  PROP_FORMAT,
  PROP_PARAMETER_SIZE,
  PROP_QUANTIZATION,
  PROP_DIGEST,
  PROP_PARAMETERS,
  PROP_TEMPLATE,
  PROP_LICENSE,
  PROP_SIZE,
  PROP_SIZE_VRAM,
  PROP_CONTEXT_LENGTH,
  PROP_MODIFIED,
  PROP_EXPIRES,
  PROP_CAPABILITIES,
  N_PROPS
};

#define FIRST_STRING PROP_PROVIDER
#define N_STRINGS (PROP_LICENSE - PROP_PROVIDER + 1)

struct _HvModelInfo
{
  GObject parent_instance;
  char *strings[N_STRINGS];
  guint64 size;
  guint64 size_vram;
  guint64 context_length;
  GDateTime *modified;
  GDateTime *expires;
  char **capabilities;
};

G_DEFINE_FINAL_TYPE (HvModelInfo, hv_model_info, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
hv_model_info_finalize (GObject *object)
{
  HvModelInfo *self = HV_MODEL_INFO (object);

  for (guint i = 0; i < N_STRINGS; i++)
    g_free (self->strings[i]);
  g_clear_pointer (&self->modified, g_date_time_unref);
  g_clear_pointer (&self->expires, g_date_time_unref);
  g_strfreev (self->capabilities);

  G_OBJECT_CLASS (hv_model_info_parent_class)->finalize (object);
}

static void
hv_model_info_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HvModelInfo *self = HV_MODEL_INFO (object);

  if (prop_id >= FIRST_STRING && prop_id < FIRST_STRING + N_STRINGS)
    {
      g_value_set_string (value, self->strings[prop_id - FIRST_STRING]);
      return;
    }

  switch (prop_id)
    {
    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case PROP_SIZE_VRAM:
      g_value_set_uint64 (value, self->size_vram);
      break;
    case PROP_CONTEXT_LENGTH:
      g_value_set_uint64 (value, self->context_length);
      break;
    case PROP_MODIFIED:
      g_value_set_boxed (value, self->modified);
      break;
    case PROP_EXPIRES:
      g_value_set_boxed (value, self->expires);
      break;
    case PROP_CAPABILITIES:
      g_value_set_boxed (value, self->capabilities);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
set_date (HvModelInfo  *self,
          GDateTime   **field,
          GDateTime    *value,
          guint         prop_id)
{
  if (*field == value || (*field != NULL && value != NULL && g_date_time_equal (*field, value)))
    return;
  g_clear_pointer (field, g_date_time_unref);
  *field = value ? g_date_time_ref (value) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint64 (HvModelInfo *self,
            guint64     *field,
            guint64      value,
            guint        prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
hv_model_info_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HvModelInfo *self = HV_MODEL_INFO (object);

  if (prop_id >= FIRST_STRING && prop_id < FIRST_STRING + N_STRINGS)
    {
      if (replace_string (&self->strings[prop_id - FIRST_STRING], g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      return;
    }

  switch (prop_id)
    {
    case PROP_SIZE:
      set_uint64 (self, &self->size, g_value_get_uint64 (value), prop_id);
      break;
    case PROP_SIZE_VRAM:
      set_uint64 (self, &self->size_vram, g_value_get_uint64 (value), prop_id);
      break;
    case PROP_CONTEXT_LENGTH:
      set_uint64 (self, &self->context_length, g_value_get_uint64 (value), prop_id);
      break;
    case PROP_MODIFIED:
      set_date (self, &self->modified, g_value_get_boxed (value), prop_id);
      break;
    case PROP_EXPIRES:
      set_date (self, &self->expires, g_value_get_boxed (value), prop_id);
      break;
    case PROP_CAPABILITIES:
      {
        char **strv = g_value_get_boxed (value);

        if ((strv == NULL && self->capabilities == NULL) ||
            (strv != NULL && self->capabilities != NULL &&
             g_strv_equal ((const char * const *) strv, (const char * const *) self->capabilities)))
          break;
        g_strfreev (self->capabilities);
        self->capabilities = g_strdupv (strv);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_model_info_class_init (HvModelInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hv_model_info_finalize;
  object_class->get_property = hv_model_info_get_property;
  object_class->set_property = hv_model_info_set_property;

  /**
   * HvModelInfo:provider:
   *
   * The id of the provider that offers the model: "ollama" or "bedrock".
   */
  properties[PROP_PROVIDER] = g_param_spec_string ("provider", NULL, NULL, NULL, construct);
  /**
   * HvModelInfo:name:
   *
   * The model id to chat with: "llama3.2:latest", "anthropic.claude-3-haiku-…".
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, construct);
  properties[PROP_FAMILY] = g_param_spec_string ("family", NULL, NULL, NULL, flags);
  properties[PROP_FORMAT] = g_param_spec_string ("format", NULL, NULL, NULL, flags);
  /* As the provider writes it: "8.0B", "13B". */
  properties[PROP_PARAMETER_SIZE] = g_param_spec_string ("parameter-size", NULL, NULL, NULL, flags);
  /* "Q4_0", "Q4_K_M", "F16". */
  properties[PROP_QUANTIZATION] = g_param_spec_string ("quantization", NULL, NULL, NULL, flags);
  properties[PROP_DIGEST] = g_param_spec_string ("digest", NULL, NULL, NULL, flags);
  properties[PROP_PARAMETERS] = g_param_spec_string ("parameters", NULL, NULL, NULL, flags);
  properties[PROP_TEMPLATE] = g_param_spec_string ("template", NULL, NULL, NULL, flags);
  properties[PROP_LICENSE] = g_param_spec_string ("license", NULL, NULL, NULL, flags);
  /* Bytes on disk (installed) or in memory (running). */
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_SIZE_VRAM] = g_param_spec_uint64 ("size-vram", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_CONTEXT_LENGTH] = g_param_spec_uint64 ("context-length", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_MODIFIED] = g_param_spec_boxed ("modified", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /* When a running model will be unloaded. */
  properties[PROP_EXPIRES] = g_param_spec_boxed ("expires", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /* "completion", "vision", "tools", "thinking", … */
  properties[PROP_CAPABILITIES] = g_param_spec_boxed ("capabilities", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_model_info_init (HvModelInfo *self)
{
}

HvModelInfo *
hv_model_info_new (const char *provider,
                   const char *name)
{
  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (HV_TYPE_MODEL_INFO, "provider", provider, "name", name, NULL);
}

#define STRING_GETTER(func, prop) \
  const char * \
  hv_model_info_get_##func (HvModelInfo *self) \
  { \
    g_return_val_if_fail (HV_IS_MODEL_INFO (self), NULL); \
    return self->strings[prop - FIRST_STRING]; \
  }

STRING_GETTER (provider, PROP_PROVIDER)
STRING_GETTER (name, PROP_NAME)
STRING_GETTER (family, PROP_FAMILY)
STRING_GETTER (format, PROP_FORMAT)
STRING_GETTER (parameter_size, PROP_PARAMETER_SIZE)
STRING_GETTER (quantization, PROP_QUANTIZATION)
STRING_GETTER (digest, PROP_DIGEST)
STRING_GETTER (parameters, PROP_PARAMETERS)
STRING_GETTER (template, PROP_TEMPLATE)
STRING_GETTER (license, PROP_LICENSE)

guint64
hv_model_info_get_size (HvModelInfo *self)
{
  g_return_val_if_fail (HV_IS_MODEL_INFO (self), 0);
  return self->size;
}

guint64
hv_model_info_get_size_vram (HvModelInfo *self)
{
  g_return_val_if_fail (HV_IS_MODEL_INFO (self), 0);
  return self->size_vram;
}

guint64
hv_model_info_get_context_length (HvModelInfo *self)
{
  g_return_val_if_fail (HV_IS_MODEL_INFO (self), 0);
  return self->context_length;
}

/**
 * hv_model_info_get_modified:
 *
 * Returns: (transfer none) (nullable): when the model was last changed on the provider
 */
GDateTime *
hv_model_info_get_modified (HvModelInfo *self)
{
  g_return_val_if_fail (HV_IS_MODEL_INFO (self), NULL);
  return self->modified;
}

/**
 * hv_model_info_get_expires:
 *
 * Returns: (transfer none) (nullable): when a running model will be unloaded
 */
GDateTime *
hv_model_info_get_expires (HvModelInfo *self)
{
  g_return_val_if_fail (HV_IS_MODEL_INFO (self), NULL);
  return self->expires;
}

/**
 * hv_model_info_get_capabilities:
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): what the model can do
 */
const char * const *
hv_model_info_get_capabilities (HvModelInfo *self)
{
  g_return_val_if_fail (HV_IS_MODEL_INFO (self), NULL);
  return (const char * const *) self->capabilities;
}
