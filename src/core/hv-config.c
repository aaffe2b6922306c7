// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "hv-config.h"
#include "hv-paths.h"
#include "hv-toml.h"

/* ---------------------------------------------------------------------------------------
 * The keys of config.toml and of policy.toml's plain sections, their types, defaults and
 * checks. One table drives loading, validation, defaults, environment and `config show`.
 * ------------------------------------------------------------------------------------- */

typedef enum {
  KEY_STRING,
  KEY_INT,
  KEY_BOOL,
  KEY_SIZE,
  KEY_STRV,
} KeyType;

typedef struct {
  KeyType type;
  char *s;
  gint64 i;
  gboolean b;
  guint64 size;
  char **strv;
  char *source;     /* "default", "config.toml:3:7", "environment (OLLAMA_HOST)" */
} Value;

typedef gboolean (*CheckFunc) (const Value *value, char **expected);

typedef struct {
  const char *file;       /* "config.toml" or "policy.toml" */
  const char *key;        /* full key; for policy.toml keys without the "policy." prefix */
  KeyType type;
  const char *def;        /* default, as text; STRV: comma-separated */
  gint64 min, max;        /* INT range */
  const char *choices;    /* STRING: allowed values, '|' separated; STRV: allowed elements */
  CheckFunc check;
} KeySpec;

static gboolean check_model (const Value *value, char **expected);
static gboolean check_uris (const Value *value, char **expected);
static gboolean check_namespace (const Value *value, char **expected);
static gboolean check_ollama_host (const Value *value, char **expected);
static gboolean check_not_empty (const Value *value, char **expected);
static gboolean check_session_prefix (const Value *value, char **expected);
static gboolean check_socket_name (const Value *value, char **expected);
static gboolean check_regexes (const Value *value, char **expected);
static gboolean check_ram (const Value *value, char **expected);

static const KeySpec key_specs[] = {
  { "config.toml", "interface.refresh_interval_ms", KEY_INT, "1000", 100, 60000 },
  { "config.toml", "defaults.vm_backend", KEY_STRING, "qemu", .choices = "qemu|libvirt" },
  { "config.toml", "defaults.vm_image", KEY_STRING, "" },
  { "config.toml", "defaults.cpu", KEY_INT, "2", 1, 1024 },
  { "config.toml", "defaults.ram", KEY_SIZE, "4GB", .check = check_ram },
  { "config.toml", "defaults.disk", KEY_SIZE, "20GB", .check = check_ram },
  { "config.toml", "defaults.model", KEY_STRING, "ollama:llama3.2", .check = check_model },
  { "config.toml", "libvirt.uris", KEY_STRV, "qemu:///session", .check = check_uris },
  { "config.toml", "containerd.address", KEY_STRING, "/run/containerd/containerd.sock", .check = check_not_empty },
  { "config.toml", "containerd.namespace", KEY_STRING, "hydravisor", .check = check_namespace },
  { "config.toml", "providers.ollama.enabled", KEY_BOOL, "true" },
  { "config.toml", "providers.ollama.host", KEY_STRING, "http://127.0.0.1:11434", .check = check_ollama_host },
  { "config.toml", "providers.ollama.system_prompt", KEY_STRING, "" },
  { "config.toml", "providers.bedrock.enabled", KEY_BOOL, "true" },
  { "config.toml", "providers.bedrock.region", KEY_STRING, "us-east-1", .check = check_not_empty },
  { "config.toml", "providers.bedrock.profile", KEY_STRING, "default", .check = check_not_empty },
  { "config.toml", "tmux.session_prefix", KEY_STRING, "hydravisor-", .check = check_session_prefix },
  { "config.toml", "tmux.socket_name", KEY_STRING, "", .check = check_socket_name },
  { "config.toml", "tmux.record_all_sessions", KEY_BOOL, "true" },
  { "config.toml", "tmux.record_formats", KEY_STRV, "cast,jsonl", .choices = "cast|jsonl" },
  { "config.toml", "logging.level", KEY_STRING, "info", .choices = "error|warning|info|debug" },
  { "config.toml", "logging.retain_days", KEY_INT, "14", 0, 36500 },

  { "policy.toml", "audit.log_denied", KEY_BOOL, "true" },
  { "policy.toml", "audit.log_approved_for_roles", KEY_STRV, "" },
  { "policy.toml", "audit.log_path", KEY_STRING, "hydravisor/audit/audit.jsonl", .check = check_not_empty },
  { "policy.toml", "defaults.vm.cpu_limit", KEY_INT, "2", 1, 1024 },
  { "policy.toml", "defaults.vm.ram_limit", KEY_SIZE, "4GB", .check = check_ram },
  { "policy.toml", "defaults.vm.disk_limit", KEY_SIZE, "16GB", .check = check_ram },
  { "policy.toml", "defaults.vm.networking", KEY_BOOL, "false" },
  { "policy.toml", "recording.record_for_roles", KEY_STRV, "" },
  { "policy.toml", "recording.include_model_dialog", KEY_BOOL, "true" },
  { "policy.toml", "recording.log_dir", KEY_STRING, "hydravisor/sessions", .check = check_not_empty },
  { "policy.toml", "recording.redact_patterns", KEY_STRV, "", .check = check_regexes },
};

/* Environment variables that override a key (ARCHITECTURE.md, "standard environment"). */
static const struct {
  const char *key;
  const char *vars[3];
} env_overrides[] = {
  { "providers.ollama.host", { "OLLAMA_HOST" } },
  { "containerd.address", { "CONTAINERD_ADDRESS" } },
  { "containerd.namespace", { "CONTAINERD_NAMESPACE" } },
  { "providers.bedrock.profile", { "AWS_PROFILE" } },
  { "providers.bedrock.region", { "AWS_REGION", "AWS_DEFAULT_REGION" } },
};

static const struct {
  const char *name;
  HvPolicyFlags flag;
} policy_flag_names[] = {
  { "can_create", HV_POLICY_CAN_CREATE },
  { "can_attach_terminal", HV_POLICY_CAN_ATTACH_TERMINAL },
  { "can_read_terminal", HV_POLICY_CAN_READ_TERMINAL },
  { "audited", HV_POLICY_AUDITED },
  { "needs_approval", HV_POLICY_NEEDS_APPROVAL },
};

static const char *config_files[] = { "config.toml", "ssh.toml", "policy.toml" };

/* Everything one load produces; swapped in whole only when it has no errors. */
typedef struct {
  GHashTable *values;        /* full key → Value* ; policy keys prefixed "policy." */
  GPtrArray *ssh_hosts;      /* HvSshHostConfig* */
  GPtrArray *roles;          /* HvPolicyRole* */
  GPtrArray *permissions;    /* HvPolicyPermission* */
  GPtrArray *diagnostics;    /* HvConfigDiagnostic* */
  guint n_errors;
} State;

struct _HvConfig
{
  GObject parent_instance;

  char *dir;
  State *state;
  GPtrArray *last_diagnostics;
  GFileMonitor *monitor;
  guint reload_source;
};

G_DEFINE_FINAL_TYPE (HvConfig, hv_config, G_TYPE_OBJECT)
G_DEFINE_QUARK (hv-config-error-quark, hv_config_error)

enum {
  PROP_0,
  PROP_DIR,
  N_PROPS
};

enum {
  CHANGED,
  RELOADED,
  RELOAD_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
value_free (Value *value)
{
  g_free (value->s);
  g_strfreev (value->strv);
  g_free (value->source);
  g_free (value);
}

static gboolean
value_equal (const Value *a,
             const Value *b)
{
  if (a->type != b->type)
    return FALSE;
  switch (a->type)
    {
    case KEY_STRING: return g_strcmp0 (a->s, b->s) == 0;
    case KEY_INT: return a->i == b->i;
    case KEY_BOOL: return a->b == b->b;
    case KEY_SIZE: return a->size == b->size;
    case KEY_STRV: return g_strv_equal ((const char * const *) a->strv, (const char * const *) b->strv);
    default: g_assert_not_reached ();
    }
}

static void
ssh_host_free (HvSshHostConfig *host)
{
  g_free (host->name);
  g_free (host->address);
  g_free (host->username);
  g_free (host->identity);
  g_strfreev (host->forwards);
  g_free (host);
}

static void
role_free (HvPolicyRole *role)
{
  g_free (role->name);
  g_free (role);
}

static void
permission_free (HvPolicyPermission *permission)
{
  g_free (permission->id);
  g_free (permission->role);
  g_free (permission);
}

void
hv_config_diagnostic_free (HvConfigDiagnostic *diagnostic)
{
  g_free (diagnostic->file);
  g_free (diagnostic->message);
  g_free (diagnostic);
}

/**
 * hv_config_diagnostic_format:
 *
 * Returns: (transfer full): "FILE:LINE:COLUMN: MESSAGE", with "warning: " before the message
 *   of a warning.
 */
char *
hv_config_diagnostic_format (const HvConfigDiagnostic *diagnostic)
{
  const char *prefix = diagnostic->severity == HV_CONFIG_SEVERITY_WARNING ? _("warning: ") : "";

  if (diagnostic->line == 0)
    return g_strdup_printf ("%s: %s%s", diagnostic->file, prefix, diagnostic->message);
  return g_strdup_printf ("%s:%u:%u: %s%s", diagnostic->file, diagnostic->line, diagnostic->column,
                          prefix, diagnostic->message);
}

static void
state_free (State *state)
{
  g_hash_table_unref (state->values);
  g_ptr_array_unref (state->ssh_hosts);
  g_ptr_array_unref (state->roles);
  g_ptr_array_unref (state->permissions);
  g_ptr_array_unref (state->diagnostics);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (State, state_free)

static State *
state_new (void)
{
  State *state = g_new0 (State, 1);

  state->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) value_free);
  state->ssh_hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) ssh_host_free);
  state->roles = g_ptr_array_new_with_free_func ((GDestroyNotify) role_free);
  state->permissions = g_ptr_array_new_with_free_func ((GDestroyNotify) permission_free);
  state->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) hv_config_diagnostic_free);
  return state;
}

/* A role named somewhere in policy.toml, checked against [roles] after reading. */
typedef struct {
  char *role;
  char *where;
  guint line;
  guint column;
} RoleRef;

static RoleRef *
role_ref_new (const char *role,
              const char *where,
              guint       line,
              guint       column)
{
  RoleRef *ref = g_new0 (RoleRef, 1);

  ref->role = g_strdup (role);
  ref->where = g_strdup (where);
  ref->line = line;
  ref->column = column;
  return ref;
}

static void
role_ref_free (RoleRef *ref)
{
  g_free (ref->role);
  g_free (ref->where);
  g_free (ref);
}

typedef struct {
  State *state;
  const char *path;      /* shown in diagnostics */
  const char *basename;
  GPtrArray *role_refs;  /* RoleRef* */
} Loader;

static void G_GNUC_PRINTF (5, 6)
diagnose (Loader           *loader,
          HvConfigSeverity  severity,
          guint             line,
          guint             column,
          const char       *format,
          ...)
{
  HvConfigDiagnostic *diagnostic = g_new0 (HvConfigDiagnostic, 1);
  va_list args;

  diagnostic->severity = severity;
  diagnostic->file = g_strdup (loader->path);
  diagnostic->line = line;
  diagnostic->column = column;
  va_start (args, format);
  diagnostic->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (loader->state->diagnostics, diagnostic);
  if (severity == HV_CONFIG_SEVERITY_ERROR)
    loader->state->n_errors++;
}

/* ---------------------------------------------------------------------------------------
 * Sizes and durations
 * ------------------------------------------------------------------------------------- */

static const struct {
  const char *unit;
  guint64 factor;
} size_units[] = {
  { "B", 1 },
  { "KB", 1000ULL }, { "MB", 1000ULL * 1000 }, { "GB", 1000ULL * 1000 * 1000 },
  { "TB", 1000ULL * 1000 * 1000 * 1000 },
  { "KiB", 1024ULL }, { "MiB", 1024ULL * 1024 }, { "GiB", 1024ULL * 1024 * 1024 },
  { "TiB", 1024ULL * 1024 * 1024 * 1024 },
};

/**
 * hv_config_parse_size:
 * @text: "4GB", "512MiB", "1.5GiB", "20 GB" or a number of bytes
 *
 * KB, MB, GB, TB are powers of 1000; KiB, MiB, GiB, TiB powers of 1024 (units are not case
 * sensitive). The result must be a whole number of bytes.
 */
gboolean
hv_config_parse_size (const char  *text,
                      guint64     *bytes,
                      GError     **error)
{
  const char *p = text;
  const char *unit;
  guint64 whole = 0;
  guint64 frac = 0;
  guint64 frac_scale = 1;
  gboolean digits = FALSE;

  g_return_val_if_fail (text != NULL && bytes != NULL, FALSE);

  while (g_ascii_isspace (*p))
    p++;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (whole > (G_MAXUINT64 - 9) / 10)
        goto too_large;
      whole = whole * 10 + (guint64) (*p - '0');
      digits = TRUE;
    }
  if (*p == '.')
    {
      p++;
      for (; g_ascii_isdigit (*p); p++)
        {
          if (frac_scale >= 1000000000000ULL)
            goto bad;
          frac = frac * 10 + (guint64) (*p - '0');
          frac_scale *= 10;
          digits = TRUE;
        }
    }
  if (!digits)
    goto bad;
  while (g_ascii_isspace (*p))
    p++;
  unit = p;
  {
    g_autofree char *trimmed = g_strchomp (g_strdup (unit));
    guint64 factor = 0;

    if (trimmed[0] == '\0')
      factor = 1;
    for (guint i = 0; factor == 0 && i < G_N_ELEMENTS (size_units); i++)
      if (g_ascii_strcasecmp (trimmed, size_units[i].unit) == 0)
        factor = size_units[i].factor;
    if (factor == 0)
      {
        g_set_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID,
                     _("“%s” is not a size: unknown unit “%s” (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)"),
                     text, trimmed);
        return FALSE;
      }
    if (whole > G_MAXUINT64 / factor)
      goto too_large;
    /* The fraction must come out as whole bytes: 1.5GiB yes, 1.3B no. */
    if ((frac * factor) % frac_scale != 0)
      {
        g_set_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID,
                     _("“%s” is not a whole number of bytes"), text);
        return FALSE;
      }
    if (whole * factor > G_MAXUINT64 - (frac * factor) / frac_scale)
      goto too_large;
    *bytes = whole * factor + (frac * factor) / frac_scale;
    return TRUE;
  }

too_large:
  g_set_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID, _("“%s” is too large a size"), text);
  return FALSE;

bad:
  g_set_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID,
               _("“%s” is not a size: write a number and a unit, like \"4GB\" or \"512MiB\""), text);
  return FALSE;
}

/** hv_config_format_size: Returns: (transfer full): @bytes in the unit that writes it shortest, exactly */
char *
hv_config_format_size (guint64 bytes)
{
  guint best = 0;

  for (guint i = 1; i < G_N_ELEMENTS (size_units); i++)
    {
      if (bytes != 0 && bytes % size_units[i].factor == 0 &&
          bytes / size_units[i].factor < bytes / size_units[best].factor)
        best = i;
    }
  return g_strdup_printf ("%" G_GUINT64_FORMAT "%s", bytes / size_units[best].factor, size_units[best].unit);
}

/**
 * hv_config_parse_duration:
 * @text: "500ms", "10s", "5m", "1h", "2d", or a combination like "1m30s"
 */
gboolean
hv_config_parse_duration (const char  *text,
                          guint64     *milliseconds,
                          GError     **error)
{
  const char *p = text;
  guint64 total = 0;

  g_return_val_if_fail (text != NULL && milliseconds != NULL, FALSE);

  if (*p == '\0')
    goto bad;
  while (*p != '\0')
    {
      guint64 n = 0;
      guint64 unit;
      gboolean digits = FALSE;

      for (; g_ascii_isdigit (*p); p++)
        {
          if (n > G_MAXUINT32)
            goto bad;
          n = n * 10 + (guint64) (*p - '0');
          digits = TRUE;
        }
      if (!digits)
        goto bad;
      if (g_str_has_prefix (p, "ms"))
        unit = 1, p += 2;
      else if (*p == 's')
        unit = 1000, p++;
      else if (*p == 'm')
        unit = 60 * 1000, p++;
      else if (*p == 'h')
        unit = 3600 * 1000, p++;
      else if (*p == 'd')
        unit = 24 * 3600 * 1000, p++;
      else
        goto bad;
      total += n * unit;
    }
  *milliseconds = total;
  return TRUE;

bad:
  g_set_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID,
               _("“%s” is not a duration: write a number of seconds, or a number and a unit (ms, s, m, h, d), like \"30s\" or \"1m30s\""),
               text);
  return FALSE;
}

/* ---------------------------------------------------------------------------------------
 * Checks
 * ------------------------------------------------------------------------------------- */

static gboolean
check_not_empty (const Value *value,
                 char       **expected)
{
  if (value->s[0] != '\0')
    return TRUE;
  *expected = g_strdup (_("a non-empty string"));
  return FALSE;
}

static gboolean
check_model (const Value *value,
             char       **expected)
{
  const char *colon = strchr (value->s, ':');

  if (colon != NULL && colon[1] != '\0' &&
      (g_str_has_prefix (value->s, "ollama:") || g_str_has_prefix (value->s, "bedrock:")))
    return TRUE;
  *expected = g_strdup (_("\"<provider>:<model id>\" with provider ollama or bedrock, like \"ollama:llama3.2\""));
  return FALSE;
}

static gboolean
check_uris (const Value *value,
            char       **expected)
{
  for (guint i = 0; value->strv[i] != NULL; i++)
    {
      const char *uri = value->strv[i];
      const char *colon = strchr (uri, ':');

      if (colon == NULL || colon == uri)
        {
          *expected = g_strdup_printf (_("libvirt URIs like \"qemu:///system\"; “%s” is not one"), uri);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_namespace (const Value *value,
                 char       **expected)
{
  /* containerd's own rule: alphanumerics separated by single '.', '_' or '-'. */
  if (g_regex_match_simple ("^[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$", value->s, 0, 0))
    return TRUE;
  *expected = g_strdup (_("a containerd namespace: letters and digits, separated by single '.', '_' or '-'"));
  return FALSE;
}

static gboolean
check_ollama_host (const Value *value,
                   char       **expected)
{
  if (g_str_has_prefix (value->s, "http://") || g_str_has_prefix (value->s, "https://") ||
      (g_str_has_prefix (value->s, "unix:") && value->s[5] != '\0'))
    return TRUE;
  *expected = g_strdup (_("an address like \"http://127.0.0.1:11434\" or \"unix:/path/to/socket\""));
  return FALSE;
}

static gboolean
check_session_prefix (const Value *value,
                      char       **expected)
{
  /* tmux rewrites ':' and '.' in session names, which would break the mapping. */
  if (value->s[0] != '\0' && strpbrk (value->s, ":.") == NULL)
    return TRUE;
  *expected = g_strdup (_("a non-empty prefix without ':' or '.'"));
  return FALSE;
}

static gboolean
check_socket_name (const Value *value,
                   char       **expected)
{
  if (strchr (value->s, '/') == NULL)
    return TRUE;
  *expected = g_strdup (_("a tmux socket name (tmux -L), not a path"));
  return FALSE;
}

static gboolean
check_regexes (const Value *value,
               char       **expected)
{
  for (guint i = 0; value->strv[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GRegex) regex = g_regex_new (value->strv[i], 0, 0, &error);

      if (regex == NULL)
        {
          *expected = g_strdup_printf (_("regular expressions; “%s” is not one: %s"), value->strv[i], error->message);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_ram (const Value *value,
           char       **expected)
{
  if (value->size >= 1024 * 1024)
    return TRUE;
  *expected = g_strdup (_("a size of at least 1MiB"));
  return FALSE;
}

/* ---------------------------------------------------------------------------------------
 * Reading values
 * ------------------------------------------------------------------------------------- */

static const char *
describe_kind (HvTomlNode *node)
{
  switch (hv_toml_node_get_kind (node))
    {
    case HV_TOML_TABLE: return _("a table");
    case HV_TOML_ARRAY: return _("an array");
    case HV_TOML_STRING: return _("a string");
    case HV_TOML_INTEGER: return _("an integer");
    case HV_TOML_FLOAT: return _("a float");
    case HV_TOML_BOOLEAN: return _("a boolean");
    default: return _("a date or time");
    }
}

static char *
position_source (Loader     *loader,
                 HvTomlNode *node)
{
  return g_strdup_printf ("%s:%u:%u", loader->basename, hv_toml_node_get_line (node), hv_toml_node_get_column (node));
}

static const char *
type_expectation (const KeySpec *spec,
                  char         **owned)
{
  switch (spec->type)
    {
    case KEY_STRING:
      if (spec->choices != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (spec->choices, "|", -1);
          g_autofree char *joined = g_strjoinv ("\", \"", parts);

          return *owned = g_strdup_printf (_("one of \"%s\""), joined);
        }
      return _("a string");
    case KEY_INT:
      return *owned = g_strdup_printf (_("an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT), spec->min, spec->max);
    case KEY_BOOL:
      return _("true or false");
    case KEY_SIZE:
      return _("a size: a number of bytes or a string like \"4GB\" or \"512MiB\"");
    case KEY_STRV:
      if (spec->choices != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (spec->choices, "|", -1);
          g_autofree char *joined = g_strjoinv ("\", \"", parts);

          return *owned = g_strdup_printf (_("an array of strings from \"%s\""), joined);
        }
      return _("an array of strings");
    default:
      g_assert_not_reached ();
    }
}

static Value *
read_value (Loader        *loader,
            const KeySpec *spec,
            const char    *key,
            HvTomlNode    *node)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owned = NULL;
  g_autofree char *expected = NULL;
  Value *value = g_new0 (Value, 1);
  HvTomlType kind = hv_toml_node_get_kind (node);
  gboolean ok = FALSE;

  value->type = spec->type;
  value->source = position_source (loader, node);

  switch (spec->type)
    {
    case KEY_STRING:
      if (kind == HV_TOML_STRING)
        {
          value->s = g_strdup (hv_toml_node_get_string (node));
          ok = TRUE;
          if (spec->choices != NULL)
            {
              g_auto(GStrv) choices = g_strsplit (spec->choices, "|", -1);

              ok = g_strv_contains ((const char * const *) choices, value->s);
            }
        }
      break;
    case KEY_INT:
      if (kind == HV_TOML_INTEGER)
        {
          value->i = hv_toml_node_get_int (node);
          ok = value->i >= spec->min && value->i <= spec->max;
        }
      break;
    case KEY_BOOL:
      if (kind == HV_TOML_BOOLEAN)
        {
          value->b = hv_toml_node_get_boolean (node);
          ok = TRUE;
        }
      break;
    case KEY_SIZE:
      if (kind == HV_TOML_INTEGER && hv_toml_node_get_int (node) >= 0)
        {
          value->size = (guint64) hv_toml_node_get_int (node);
          ok = TRUE;
        }
      else if (kind == HV_TOML_STRING)
        {
          if (!hv_config_parse_size (hv_toml_node_get_string (node), &value->size, &error))
            {
              diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (node), hv_toml_node_get_column (node),
                        _("%s: %s"), key, error->message);
              value_free (value);
              return NULL;
            }
          ok = TRUE;
        }
      break;
    case KEY_STRV:
      if (kind == HV_TOML_ARRAY)
        {
          guint n = hv_toml_array_get_length (node);
          g_auto(GStrv) choices = spec->choices ? g_strsplit (spec->choices, "|", -1) : NULL;

          value->strv = g_new0 (char *, n + 1);
          ok = TRUE;
          for (guint i = 0; i < n; i++)
            {
              HvTomlNode *element = hv_toml_array_get_element (node, i);

              if (hv_toml_node_get_kind (element) != HV_TOML_STRING ||
                  (choices != NULL && !g_strv_contains ((const char * const *) choices, hv_toml_node_get_string (element))))
                {
                  g_autofree char *owned2 = NULL;

                  diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (element), hv_toml_node_get_column (element),
                            _("%s: expected %s, found %s"), key, type_expectation (spec, &owned2),
                            hv_toml_node_get_kind (element) == HV_TOML_STRING ? hv_toml_node_get_string (element)
                                                                              : describe_kind (element));
                  value_free (value);
                  return NULL;
                }
              value->strv[i] = g_strdup (hv_toml_node_get_string (element));
            }
        }
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      g_autofree char *found = NULL;

      if (kind == HV_TOML_STRING)
        found = g_strdup_printf ("\"%s\"", hv_toml_node_get_string (node));
      else if (kind == HV_TOML_INTEGER)
        found = g_strdup_printf ("%" G_GINT64_FORMAT, hv_toml_node_get_int (node));
      else
        found = g_strdup (describe_kind (node));
      diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (node), hv_toml_node_get_column (node),
                _("%s: expected %s, found %s"), key, type_expectation (spec, &owned), found);
      value_free (value);
      return NULL;
    }

  if (spec->check != NULL && !spec->check (value, &expected))
    {
      diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (node), hv_toml_node_get_column (node),
                _("%s: expected %s"), key, expected);
      value_free (value);
      return NULL;
    }

  return value;
}

static Value *
default_value (const KeySpec *spec)
{
  Value *value = g_new0 (Value, 1);

  value->type = spec->type;
  value->source = g_strdup ("default");
  switch (spec->type)
    {
    case KEY_STRING: value->s = g_strdup (spec->def); break;
    case KEY_INT: value->i = g_ascii_strtoll (spec->def, NULL, 10); break;
    case KEY_BOOL: value->b = g_str_equal (spec->def, "true"); break;
    case KEY_SIZE:
      if (!hv_config_parse_size (spec->def, &value->size, NULL))
        g_assert_not_reached ();
      break;
    case KEY_STRV:
      value->strv = spec->def[0] ? g_strsplit (spec->def, ",", -1) : g_new0 (char *, 1);
      break;
    default: g_assert_not_reached ();
    }
  return value;
}

static char *
full_key (const KeySpec *spec)
{
  if (g_str_equal (spec->file, "policy.toml"))
    return g_strconcat ("policy.", spec->key, NULL);
  return g_strdup (spec->key);
}

static const KeySpec *
find_spec (const char *file,
           const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (g_str_equal (key_specs[i].file, file) && g_str_equal (key_specs[i].key, key))
      return &key_specs[i];
  return NULL;
}

/* Is @path the name of a section that holds known keys ("providers", "providers.ollama")? */
static gboolean
is_known_section (const char *file,
                  const char *path)
{
  gsize len = strlen (path);

  for (guint i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (g_str_equal (key_specs[i].file, file) && strncmp (key_specs[i].key, path, len) == 0 &&
        key_specs[i].key[len] == '.')
      return TRUE;
  return FALSE;
}

/* "prefix.key", the key quoted when it is not a bare key. */
static char *
key_path (const char *prefix,
          const char *key)
{
  gboolean bare = key[0] != '\0' &&
                  strspn (key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == strlen (key);

  if (prefix == NULL)
    return bare ? g_strdup (key) : g_strdup_printf ("\"%s\"", key);
  return bare ? g_strdup_printf ("%s.%s", prefix, key) : g_strdup_printf ("%s.\"%s\"", prefix, key);
}

static void
warn_unknown (Loader     *loader,
              HvTomlNode *table,
              const char *key,
              const char *path)
{
  guint line = 0, column = 0;

  hv_toml_table_get_key_position (table, key, &line, &column);
  diagnose (loader, HV_CONFIG_SEVERITY_WARNING, line, column,
            _("unknown key “%s”; it is ignored"), path);
}

typedef void (*SectionHook) (Loader *loader, const char *path, HvTomlNode *node, HvTomlNode *parent, const char *key);

/* Walks a table, reading the keys of the spec and warning about the others. */
static void
walk_table (Loader      *loader,
            HvTomlNode  *table,
            const char  *prefix,
            SectionHook  hook)
{
  guint n = hv_toml_table_get_n_keys (table);

  for (guint i = 0; i < n; i++)
    {
      const char *key = hv_toml_table_get_key_at (table, i, NULL);
      HvTomlNode *node = hv_toml_table_get_value_at (table, i);
      g_autofree char *path = prefix ? g_strconcat (prefix, ".", key, NULL) : g_strdup (key);
      const KeySpec *spec = find_spec (loader->basename, path);

      if (spec != NULL)
        {
          Value *value = read_value (loader, spec, path, node);

          if (value != NULL)
            g_hash_table_replace (loader->state->values, full_key (spec), value);
        }
      else if (hook != NULL && prefix == NULL && g_strv_contains ((const char * const[]) { "roles", "permissions", "hosts", NULL }, key))
        {
          hook (loader, path, node, table, key);
        }
      else if (is_known_section (loader->basename, path))
        {
          if (hv_toml_node_get_kind (node) != HV_TOML_TABLE)
            diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (node), hv_toml_node_get_column (node),
                      _("%s: expected a table, found %s"), path, describe_kind (node));
          else
            walk_table (loader, node, path, hook);
        }
      else
        warn_unknown (loader, table, key, path);
    }
}

/* ---------------------------------------------------------------------------------------
 * ssh.toml and policy.toml's tables of named entries
 * ------------------------------------------------------------------------------------- */

static gboolean
get_typed (Loader      *loader,
           HvTomlNode  *table,
           const char  *where,
           const char  *key,
           HvTomlType   kind,
           HvTomlNode **out)
{
  HvTomlNode *node = hv_toml_table_get (table, key);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (hv_toml_node_get_kind (node) != kind)
    {
      diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (node), hv_toml_node_get_column (node),
                _("%s.%s: expected %s, found %s"), where, key,
                kind == HV_TOML_STRING ? _("a string") : kind == HV_TOML_BOOLEAN ? _("true or false")
                : kind == HV_TOML_TABLE ? _("a table") : kind == HV_TOML_ARRAY ? _("an array of strings") : _("an integer"),
                describe_kind (node));
      return FALSE;
    }
  *out = node;
  return TRUE;
}

static gboolean
parse_forward (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);
  guint n = g_strv_length (parts);
  gint64 port;

  /* L:LOCALPORT:HOST:PORT or R:REMOTEPORT:HOST:PORT, optionally with a bind address first. */
  if ((n != 4 && n != 5) || !(g_str_equal (parts[0], "L") || g_str_equal (parts[0], "R")))
    return FALSE;
  for (guint i = n - 3; i < n; i += 2)
    {
      if (!g_ascii_string_to_signed (parts[i], 10, 1, 65535, &port, NULL))
        return FALSE;
    }
  return parts[n - 2][0] != '\0';
}

static char *
expand_home (const char *path)
{
  if (g_str_equal (path, "~") || g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 1, NULL);
  if (g_str_equal (path, "$HOME") || g_str_has_prefix (path, "$HOME/"))
    return g_build_filename (g_get_home_dir (), path + 5, NULL);
  return g_strdup (path);
}

static gboolean
read_timeout (Loader      *loader,
              HvTomlNode  *host_table,
              const char  *where,
              const char  *key,
              guint        fallback,
              guint       *out)
{
  HvTomlNode *node = hv_toml_table_get (host_table, key);
  g_autoptr(GError) error = NULL;
  guint64 ms;

  *out = fallback;
  if (node == NULL)
    return TRUE;
  if (hv_toml_node_get_kind (node) == HV_TOML_INTEGER && hv_toml_node_get_int (node) >= 0 &&
      hv_toml_node_get_int (node) <= 86400)
    {
      *out = (guint) hv_toml_node_get_int (node);
      return TRUE;
    }
  if (hv_toml_node_get_kind (node) == HV_TOML_STRING &&
      hv_config_parse_duration (hv_toml_node_get_string (node), &ms, &error) && ms <= 86400 * 1000ULL)
    {
      *out = (guint) ((ms + 999) / 1000);
      return TRUE;
    }
  diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (node), hv_toml_node_get_column (node),
            _("%s.%s: expected a number of seconds up to a day, or a duration like \"30s\"%s%s"), where, key,
            error ? ": " : "", error ? error->message : "");
  return FALSE;
}

static void
read_ssh_host (Loader     *loader,
               const char *name,
               HvTomlNode *table,
               guint       line,
               guint       column)
{
  static const char *known[] = { "address", "port", "username", "identity", "host_key_check", "forward_agent",
                                 "connect_timeout", "session_timeout", "forwards", NULL };
  g_autofree char *where = key_path ("hosts", name);
  g_autoptr(GPtrArray) forwards = g_ptr_array_new_with_free_func (g_free);
  HvSshHostConfig *host;
  HvTomlNode *address, *username, *identity, *port, *check, *agent, *fwd;
  guint errors = loader->state->n_errors;
  guint connect_timeout, session_timeout;

  for (guint i = 0; i < hv_toml_table_get_n_keys (table); i++)
    {
      const char *key = hv_toml_table_get_key_at (table, i, NULL);

      if (!g_strv_contains (known, key))
        {
          g_autofree char *path = g_strdup_printf ("%s.%s", where, key);
          warn_unknown (loader, table, key, path);
        }
    }

  get_typed (loader, table, where, "address", HV_TOML_STRING, &address);
  get_typed (loader, table, where, "username", HV_TOML_STRING, &username);
  get_typed (loader, table, where, "identity", HV_TOML_STRING, &identity);
  get_typed (loader, table, where, "port", HV_TOML_INTEGER, &port);
  get_typed (loader, table, where, "host_key_check", HV_TOML_BOOLEAN, &check);
  get_typed (loader, table, where, "forward_agent", HV_TOML_BOOLEAN, &agent);
  get_typed (loader, table, where, "forwards", HV_TOML_ARRAY, &fwd);
  read_timeout (loader, table, where, "connect_timeout", 10, &connect_timeout);
  read_timeout (loader, table, where, "session_timeout", 120, &session_timeout);

  if (address == NULL && hv_toml_table_get (table, "address") == NULL)
    diagnose (loader, HV_CONFIG_SEVERITY_ERROR, line, column, _("%s: “address” is required"), where);
  else if (address != NULL && hv_toml_node_get_string (address)[0] == '\0')
    diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (address), hv_toml_node_get_column (address),
              _("%s.address: expected a host name or IP address, found an empty string"), where);
  if (username == NULL && hv_toml_table_get (table, "username") == NULL)
    diagnose (loader, HV_CONFIG_SEVERITY_ERROR, line, column, _("%s: “username” is required"), where);
  if (port != NULL && (hv_toml_node_get_int (port) < 1 || hv_toml_node_get_int (port) > 65535))
    diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (port), hv_toml_node_get_column (port),
              _("%s.port: expected a port from 1 to 65535, found %" G_GINT64_FORMAT), where, hv_toml_node_get_int (port));
  for (guint i = 0; fwd != NULL && i < hv_toml_array_get_length (fwd); i++)
    {
      HvTomlNode *element = hv_toml_array_get_element (fwd, i);

      if (hv_toml_node_get_kind (element) != HV_TOML_STRING || !parse_forward (hv_toml_node_get_string (element)))
        diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (element), hv_toml_node_get_column (element),
                  _("%s.forwards: expected forwards like \"L:8080:127.0.0.1:80\" or \"R:9000:localhost:9000\""), where);
      else
        g_ptr_array_add (forwards, g_strdup (hv_toml_node_get_string (element)));
    }

  if (loader->state->n_errors != errors)
    return;

  host = g_new0 (HvSshHostConfig, 1);
  host->name = g_strdup (name);
  host->address = g_strdup (hv_toml_node_get_string (address));
  host->username = g_strdup (hv_toml_node_get_string (username));
  host->port = port ? (guint16) hv_toml_node_get_int (port) : 22;
  host->identity = identity && !g_str_equal (hv_toml_node_get_string (identity), "keyring")
                   ? expand_home (hv_toml_node_get_string (identity)) : g_strdup ("keyring");
  host->host_key_check = check ? hv_toml_node_get_boolean (check) : TRUE;
  host->forward_agent = agent ? hv_toml_node_get_boolean (agent) : FALSE;
  host->connect_timeout = connect_timeout;
  host->session_timeout = session_timeout;
  g_ptr_array_add (forwards, NULL);
  host->forwards = (char **) g_ptr_array_free (g_steal_pointer (&forwards), FALSE);
  g_ptr_array_add (loader->state->ssh_hosts, host);
}

static gboolean
read_flags (Loader        *loader,
            HvTomlNode    *table,
            const char    *where,
            HvPolicyFlags *mask,
            HvPolicyFlags *values,
            const char   **extra_known)
{
  gboolean ok = TRUE;

  *mask = 0;
  *values = 0;
  for (guint i = 0; i < hv_toml_table_get_n_keys (table); i++)
    {
      const char *key = hv_toml_table_get_key_at (table, i, NULL);
      HvTomlNode *node = hv_toml_table_get_value_at (table, i);
      HvPolicyFlags flag = 0;

      for (guint j = 0; j < G_N_ELEMENTS (policy_flag_names); j++)
        if (g_str_equal (policy_flag_names[j].name, key))
          flag = policy_flag_names[j].flag;

      if (flag == 0)
        {
          if (extra_known == NULL || !g_strv_contains (extra_known, key))
            {
              g_autofree char *path = g_strdup_printf ("%s.%s", where, key);
              warn_unknown (loader, table, key, path);
            }
          continue;
        }
      if (hv_toml_node_get_kind (node) != HV_TOML_BOOLEAN)
        {
          diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (node), hv_toml_node_get_column (node),
                    _("%s.%s: expected true or false, found %s"), where, key, describe_kind (node));
          ok = FALSE;
          continue;
        }
      *mask |= flag;
      if (hv_toml_node_get_boolean (node))
        *values |= flag;
    }
  return ok;
}

/* Entries of [hosts], [roles] and [permissions]: each a table named by its key. */
static void
read_named_tables (Loader     *loader,
                   const char *path,
                   HvTomlNode *node,
                   HvTomlNode *parent,
                   const char *key)
{
  guint n;

  if (hv_toml_node_get_kind (node) != HV_TOML_TABLE)
    {
      diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (node), hv_toml_node_get_column (node),
                _("%s: expected a table, found %s"), path, describe_kind (node));
      return;
    }

  n = hv_toml_table_get_n_keys (node);
  for (guint i = 0; i < n; i++)
    {
      const char *name = hv_toml_table_get_key_at (node, i, NULL);
      HvTomlNode *entry = hv_toml_table_get_value_at (node, i);
      g_autofree char *where = key_path (path, name);
      guint line = 0, column = 0;

      hv_toml_table_get_key_position (node, name, &line, &column);
      if (hv_toml_node_get_kind (entry) != HV_TOML_TABLE)
        {
          diagnose (loader, HV_CONFIG_SEVERITY_ERROR, hv_toml_node_get_line (entry), hv_toml_node_get_column (entry),
                    _("%s: expected a table, found %s"), where, describe_kind (entry));
          continue;
        }

      if (g_str_equal (path, "hosts") && g_str_equal (loader->basename, "ssh.toml"))
        read_ssh_host (loader, name, entry, line, column);
      else if (g_str_equal (path, "roles"))
        {
          HvPolicyFlags mask, values;

          if (read_flags (loader, entry, where, &mask, &values, NULL))
            {
              HvPolicyRole *role = g_new0 (HvPolicyRole, 1);

              role->name = g_strdup (name);
              role->flags = values;
              g_ptr_array_add (loader->state->roles, role);
            }
        }
      else if (g_str_equal (path, "permissions"))
        {
          static const char *known[] = { "role", NULL };
          HvTomlNode *role = NULL;
          HvTomlNode *override = NULL;
          HvPolicyPermission *permission;
          HvPolicyFlags mask = 0, values = 0;

          for (guint j = 0; j < hv_toml_table_get_n_keys (entry); j++)
            {
              const char *k = hv_toml_table_get_key_at (entry, j, NULL);

              if (!g_str_equal (k, "role") && !g_str_equal (k, "override"))
                {
                  g_autofree char *kpath = g_strdup_printf ("%s.%s", where, k);
                  warn_unknown (loader, entry, k, kpath);
                }
            }
          if (!get_typed (loader, entry, where, "role", HV_TOML_STRING, &role) ||
              !get_typed (loader, entry, where, "override", HV_TOML_TABLE, &override))
            continue;
          if (role == NULL)
            {
              diagnose (loader, HV_CONFIG_SEVERITY_ERROR, line, column, _("%s: “role” is required"), where);
              continue;
            }
          if (override != NULL)
            {
              g_autofree char *owhere = g_strdup_printf ("%s.override", where);

              if (!read_flags (loader, override, owhere, &mask, &values, known))
                continue;
            }
          permission = g_new0 (HvPolicyPermission, 1);
          permission->id = g_strdup (name);
          permission->role = g_strdup (hv_toml_node_get_string (role));
          permission->override_mask = mask;
          permission->override_values = values;
          g_ptr_array_add (loader->state->permissions, permission);
          /* Whether the role exists is checked once all roles are read. */
          g_ptr_array_add (loader->role_refs, role_ref_new (hv_toml_node_get_string (role), where,
                                                            hv_toml_node_get_line (role),
                                                            hv_toml_node_get_column (role)));
        }
      else
        warn_unknown (loader, parent, key, path);
    }
}

/* ---------------------------------------------------------------------------------------
 * Loading
 * ------------------------------------------------------------------------------------- */

static void
load_file (HvConfig   *self,
           State      *state,
           const char *basename)
{
  g_autofree char *path = hv_config_get_file (self, basename);
  g_autoptr(GError) error = NULL;
  g_autoptr(HvTomlNode) root = NULL;
  g_autoptr(GPtrArray) role_refs = g_ptr_array_new_with_free_func ((GDestroyNotify) role_ref_free);
  g_autofree char *contents = NULL;
  gsize length = 0;
  Loader loader = { state, path, basename, role_refs };

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      /* A missing file means defaults. */
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        diagnose (&loader, HV_CONFIG_SEVERITY_ERROR, 0, 0, "%s", error->message);
      return;
    }

  root = hv_toml_parse (contents, (gssize) length, path, &error);
  if (root == NULL)
    {
      HvConfigDiagnostic *diagnostic = g_new0 (HvConfigDiagnostic, 1);
      const char *rest = error->message;

      /* The parser's message is "FILE:LINE:COLUMN: what"; keep the parts apart. */
      diagnostic->severity = HV_CONFIG_SEVERITY_ERROR;
      diagnostic->file = g_strdup (path);
      if (g_str_has_prefix (rest, path) && rest[strlen (path)] == ':')
        {
          char *end;

          rest += strlen (path) + 1;
          diagnostic->line = (guint) g_ascii_strtoull (rest, &end, 10);
          if (*end == ':')
            {
              diagnostic->column = (guint) g_ascii_strtoull (end + 1, &end, 10);
              rest = end;
            }
          while (*rest == ':' || *rest == ' ')
            rest++;
        }
      diagnostic->message = g_strdup (rest);
      g_ptr_array_add (state->diagnostics, diagnostic);
      state->n_errors++;
      return;
    }

  if (g_str_equal (basename, "ssh.toml"))
    {
      for (guint i = 0; i < hv_toml_table_get_n_keys (root); i++)
        {
          const char *key = hv_toml_table_get_key_at (root, i, NULL);

          if (g_str_equal (key, "hosts"))
            read_named_tables (&loader, "hosts", hv_toml_table_get_value_at (root, i), root, key);
          else
            warn_unknown (&loader, root, key, key);
        }
      return;
    }

  walk_table (&loader, root, NULL,
              g_str_equal (basename, "policy.toml") ? read_named_tables : NULL);

  if (g_str_equal (basename, "policy.toml"))
    {
      const char *lists[] = { "policy.audit.log_approved_for_roles", "policy.recording.record_for_roles" };

      for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
        {
          Value *value = g_hash_table_lookup (state->values, lists[i]);
          guint line = 0, column = 0;

          if (value == NULL)
            continue;
          sscanf (value->source, "policy.toml:%u:%u", &line, &column);
          for (guint j = 0; value->strv[j] != NULL; j++)
            g_ptr_array_add (role_refs, role_ref_new (value->strv[j], lists[i] + strlen ("policy."), line, column));
        }

      for (guint i = 0; i < role_refs->len; i++)
        {
          RoleRef *ref = g_ptr_array_index (role_refs, i);
          gboolean found = FALSE;

          for (guint j = 0; j < state->roles->len && !found; j++)
            found = g_str_equal (((HvPolicyRole *) g_ptr_array_index (state->roles, j))->name, ref->role);
          if (!found)
            diagnose (&loader, HV_CONFIG_SEVERITY_ERROR, ref->line, ref->column,
                      _("%s: no role “%s” is defined in [roles]"), ref->where, ref->role);
        }
    }
}

static void
apply_defaults_and_environment (State *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_specs); i++)
    {
      g_autofree char *key = full_key (&key_specs[i]);

      if (!g_hash_table_contains (state->values, key))
        g_hash_table_insert (state->values, g_steal_pointer (&key), default_value (&key_specs[i]));
    }

  for (guint i = 0; i < G_N_ELEMENTS (env_overrides); i++)
    {
      for (guint j = 0; env_overrides[i].vars[j] != NULL; j++)
        {
          const char *var = env_overrides[i].vars[j];
          const char *text = g_getenv (var);
          Value *value;

          if (text == NULL || text[0] == '\0')
            continue;
          value = g_hash_table_lookup (state->values, env_overrides[i].key);
          g_free (value->s);
          g_free (value->source);
          value->source = g_strdup_printf ("environment (%s)", var);
          if (g_str_equal (var, "OLLAMA_HOST") && strstr (text, "://") == NULL && !g_str_has_prefix (text, "unix:"))
            value->s = g_strconcat ("http://", text, NULL);   /* Ollama accepts "host:port" */
          else if (g_str_equal (var, "CONTAINERD_ADDRESS") && g_str_has_prefix (text, "unix://"))
            value->s = g_strdup (text + strlen ("unix://"));
          else
            value->s = g_strdup (text);
          break;
        }
    }

  /* LIBVIRT_DEFAULT_URI adds a connection rather than replacing the list. */
  {
    const char *uri = g_getenv ("LIBVIRT_DEFAULT_URI");
    Value *uris = g_hash_table_lookup (state->values, "libvirt.uris");

    if (uri != NULL && uri[0] != '\0' && !g_strv_contains ((const char * const *) uris->strv, uri))
      {
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

        g_strv_builder_addv (builder, (const char **) uris->strv);
        g_strv_builder_add (builder, uri);
        g_strfreev (uris->strv);
        uris->strv = g_strv_builder_end (builder);
        g_free (uris->source);
        uris->source = g_strdup ("environment (LIBVIRT_DEFAULT_URI)");
      }
  }
}

/**
 * hv_config_load:
 *
 * Reads the three files. When any has an error the configuration in effect stays as it was
 * (the defaults on the first load) and @error says what is wrong and where; all problems,
 * warnings included, are in hv_config_get_diagnostics(). Emits "changed::KEY" for each key
 * whose value changed and "reloaded" after a successful load.
 */
gboolean
hv_config_load (HvConfig  *self,
                GError   **error)
{
  g_autoptr(State) state = state_new ();
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  State *old;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (HV_IS_CONFIG (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (config_files); i++)
    load_file (self, state, config_files[i]);

  g_clear_pointer (&self->last_diagnostics, g_ptr_array_unref);
  self->last_diagnostics = g_ptr_array_ref (state->diagnostics);

  for (guint i = 0; i < state->diagnostics->len; i++)
    {
      HvConfigDiagnostic *diagnostic = g_ptr_array_index (state->diagnostics, i);

      if (diagnostic->severity == HV_CONFIG_SEVERITY_WARNING)
        {
          g_autofree char *text = hv_config_diagnostic_format (diagnostic);
          g_debug ("%s", text);
        }
    }

  if (state->n_errors > 0)
    {
      for (guint i = 0; i < state->diagnostics->len; i++)
        {
          HvConfigDiagnostic *diagnostic = g_ptr_array_index (state->diagnostics, i);

          if (diagnostic->severity == HV_CONFIG_SEVERITY_ERROR)
            {
              g_autofree char *text = hv_config_diagnostic_format (diagnostic);

              if (state->n_errors == 1)
                g_set_error_literal (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID, text);
              else
                g_set_error (error, HV_CONFIG_ERROR, HV_CONFIG_ERROR_INVALID,
                             ngettext ("%s (and %u more error)", "%s (and %u more errors)", state->n_errors - 1),
                             text, state->n_errors - 1);
              break;
            }
        }
      return FALSE;
    }

  apply_defaults_and_environment (state);

  old = self->state;
  g_hash_table_iter_init (&iter, state->values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Value *previous = old ? g_hash_table_lookup (old->values, key) : NULL;

      if (previous == NULL || !value_equal (previous, value))
        g_ptr_array_add (changed, g_strdup (key));
    }

  self->state = g_steal_pointer (&state);
  g_clear_pointer (&old, state_free);

  for (guint i = 0; i < changed->len; i++)
    {
      const char *name = g_ptr_array_index (changed, i);

      g_signal_emit (self, signals[CHANGED], g_quark_from_string (name), name);
    }
  g_signal_emit (self, signals[RELOADED], 0);
  return TRUE;
}

/**
 * hv_config_get_diagnostics:
 *
 * Returns: (transfer none) (element-type HvConfigDiagnostic): the errors and warnings of
 *   the last load, in file order.
 */
GPtrArray *
hv_config_get_diagnostics (HvConfig *self)
{
  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  return self->last_diagnostics;
}

/* ---------------------------------------------------------------------------------------
 * Watching the files
 * ------------------------------------------------------------------------------------- */

static gboolean
reload_cb (gpointer data)
{
  HvConfig *self = data;
  g_autoptr(GError) error = NULL;

  self->reload_source = 0;
  if (!hv_config_load (self, &error))
    g_signal_emit (self, signals[RELOAD_FAILED], 0, error);
  return G_SOURCE_REMOVE;
}

static void
on_dir_changed (GFileMonitor      *monitor,
                GFile             *file,
                GFile             *other,
                GFileMonitorEvent  event,
                HvConfig          *self)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *other_name = other ? g_file_get_basename (other) : NULL;

  if (!g_strv_contains (config_files, name) && (other_name == NULL || !g_strv_contains (config_files, other_name)))
    return;
  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;   /* wait for CHANGES_DONE_HINT: the write may not be complete */

  /* Editors save in bursts (write, rename, chmod): reload once they are done. */
  g_clear_handle_id (&self->reload_source, g_source_remove);
  self->reload_source = g_timeout_add (150, reload_cb, self);
}

/**
 * hv_config_watch:
 *
 * Reloads the configuration whenever one of the three files changes on disk. A reload that
 * fails emits "reload-failed" and keeps the configuration in effect.
 */
void
hv_config_watch (HvConfig *self)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HV_IS_CONFIG (self));

  if (self->monitor != NULL)
    return;

  /* Watching the folder sees files that do not exist yet and editors that save by rename. */
  hv_paths_ensure_dir (self->dir, NULL);
  dir = g_file_new_for_path (self->dir);
  self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->monitor == NULL)
    {
      g_warning ("Cannot watch %s for configuration changes: %s", self->dir, error->message);
      return;
    }
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (on_dir_changed), self, 0);
}

void
hv_config_unwatch (HvConfig *self)
{
  g_return_if_fail (HV_IS_CONFIG (self));

  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
}

/* ---------------------------------------------------------------------------------------
 * Reading settings
 * ------------------------------------------------------------------------------------- */

static Value *
lookup (HvConfig   *self,
        const char *key,
        KeyType     type)
{
  Value *value = g_hash_table_lookup (self->state->values, key);

  if (value == NULL)
    {
      g_critical ("No configuration key “%s”", key);
      return NULL;
    }
  if (value->type != type)
    {
      g_critical ("Configuration key “%s” read as the wrong type", key);
      return NULL;
    }
  return value;
}

gboolean
hv_config_has_key (HvConfig   *self,
                   const char *key)
{
  g_return_val_if_fail (HV_IS_CONFIG (self), FALSE);

  return g_hash_table_contains (self->state->values, key);
}

/** hv_config_get_string: @key: like "containerd.address" or "policy.audit.log_path" */
const char *
hv_config_get_string (HvConfig   *self,
                      const char *key)
{
  Value *value;

  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  value = lookup (self, key, KEY_STRING);
  return value ? value->s : NULL;
}

gint64
hv_config_get_int (HvConfig   *self,
                   const char *key)
{
  Value *value;

  g_return_val_if_fail (HV_IS_CONFIG (self), 0);

  value = lookup (self, key, KEY_INT);
  return value ? value->i : 0;
}

gboolean
hv_config_get_boolean (HvConfig   *self,
                       const char *key)
{
  Value *value;

  g_return_val_if_fail (HV_IS_CONFIG (self), FALSE);

  value = lookup (self, key, KEY_BOOL);
  return value ? value->b : FALSE;
}

/** hv_config_get_size: Returns: the size in bytes */
guint64
hv_config_get_size (HvConfig   *self,
                    const char *key)
{
  Value *value;

  g_return_val_if_fail (HV_IS_CONFIG (self), 0);

  value = lookup (self, key, KEY_SIZE);
  return value ? value->size : 0;
}

const char * const *
hv_config_get_strv (HvConfig   *self,
                    const char *key)
{
  Value *value;

  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  value = lookup (self, key, KEY_STRV);
  return value ? (const char * const *) value->strv : NULL;
}

/**
 * hv_config_get_source:
 *
 * Returns: where the value of @key comes from: "default", "config.toml:LINE:COLUMN" or
 *   "environment (VARIABLE)".
 */
const char *
hv_config_get_source (HvConfig   *self,
                      const char *key)
{
  Value *value;

  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  value = g_hash_table_lookup (self->state->values, key);
  return value ? value->source : NULL;
}

/** hv_config_get_ssh_hosts: Returns: (transfer none) (element-type HvSshHostConfig) */
GPtrArray *
hv_config_get_ssh_hosts (HvConfig *self)
{
  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  return self->state->ssh_hosts;
}

const HvSshHostConfig *
hv_config_lookup_ssh_host (HvConfig   *self,
                           const char *name)
{
  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  for (guint i = 0; i < self->state->ssh_hosts->len; i++)
    {
      HvSshHostConfig *host = g_ptr_array_index (self->state->ssh_hosts, i);

      if (g_str_equal (host->name, name))
        return host;
    }
  return NULL;
}

/** hv_config_get_policy_roles: Returns: (transfer none) (element-type HvPolicyRole) */
GPtrArray *
hv_config_get_policy_roles (HvConfig *self)
{
  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  return self->state->roles;
}

/** hv_config_get_policy_permissions: Returns: (transfer none) (element-type HvPolicyPermission) */
GPtrArray *
hv_config_get_policy_permissions (HvConfig *self)
{
  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  return self->state->permissions;
}

/* ---------------------------------------------------------------------------------------
 * `config show`
 * ------------------------------------------------------------------------------------- */

static void
append_toml_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_toml_key (GString    *out,
                 const char *key)
{
  if (key[0] != '\0' && strspn (key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == strlen (key))
    g_string_append (out, key);
  else
    append_toml_string (out, key);
}

static void
append_strv (GString            *out,
             const char * const *strv)
{
  g_string_append_c (out, '[');
  for (guint i = 0; strv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_toml_string (out, strv[i]);
    }
  g_string_append_c (out, ']');
}

static void
append_flags (GString       *out,
              HvPolicyFlags  mask,
              HvPolicyFlags  values)
{
  gboolean first = TRUE;

  g_string_append (out, "{ ");
  for (guint i = 0; i < G_N_ELEMENTS (policy_flag_names); i++)
    {
      if (!(mask & policy_flag_names[i].flag))
        continue;
      g_string_append_printf (out, "%s%s = %s", first ? "" : ", ", policy_flag_names[i].name,
                              values & policy_flag_names[i].flag ? "true" : "false");
      first = FALSE;
    }
  g_string_append (out, first ? "}" : " }");
}

static void
append_spec_values (HvConfig   *self,
                    GString    *out,
                    const char *file)
{
  g_autofree char *section = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (key_specs); i++)
    {
      const KeySpec *spec = &key_specs[i];
      g_autofree char *key = NULL;
      const char *dot;
      Value *value;

      if (!g_str_equal (spec->file, file))
        continue;
      key = full_key (spec);
      value = g_hash_table_lookup (self->state->values, key);
      dot = strrchr (spec->key, '.');
      if (section == NULL || strncmp (section, spec->key, (gsize) (dot - spec->key)) != 0 ||
          section[dot - spec->key] != '\0')
        {
          g_free (section);
          section = g_strndup (spec->key, (gsize) (dot - spec->key));
          g_string_append_printf (out, "\n[%s]\n", section);
        }
      g_string_append_printf (out, "%s = ", dot + 1);
      switch (value->type)
        {
        case KEY_STRING: append_toml_string (out, value->s); break;
        case KEY_INT: g_string_append_printf (out, "%" G_GINT64_FORMAT, value->i); break;
        case KEY_BOOL: g_string_append (out, value->b ? "true" : "false"); break;
        case KEY_SIZE:
          {
            g_autofree char *size = hv_config_format_size (value->size);
            append_toml_string (out, size);
          }
          break;
        case KEY_STRV: append_strv (out, (const char * const *) value->strv); break;
        default: g_assert_not_reached ();
        }
      if (!g_str_equal (value->source, "default"))
        g_string_append_printf (out, "  # %s", value->source);
      g_string_append_c (out, '\n');
    }
}

/**
 * hv_config_to_toml:
 *
 * Returns: (transfer full): the effective configuration of the three files, as TOML, each
 *   file's part under a comment naming it; values that do not come from their default are
 *   followed by a comment saying where they come from.
 */
char *
hv_config_to_toml (HvConfig *self)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  g_string_append_printf (out, "# config.toml (%s)\n", self->dir);
  append_spec_values (self, out, "config.toml");

  g_string_append (out, "\n# ssh.toml\n");
  for (guint i = 0; i < self->state->ssh_hosts->len; i++)
    {
      HvSshHostConfig *host = g_ptr_array_index (self->state->ssh_hosts, i);

      g_string_append (out, "[hosts.");
      append_toml_key (out, host->name);
      g_string_append (out, "]\naddress = ");
      append_toml_string (out, host->address);
      g_string_append_printf (out, "\nport = %u\nusername = ", host->port);
      append_toml_string (out, host->username);
      g_string_append (out, "\nidentity = ");
      append_toml_string (out, host->identity);
      g_string_append_printf (out, "\nhost_key_check = %s\nforward_agent = %s\nconnect_timeout = %u\nsession_timeout = %u\nforwards = ",
                              host->host_key_check ? "true" : "false", host->forward_agent ? "true" : "false",
                              host->connect_timeout, host->session_timeout);
      append_strv (out, (const char * const *) host->forwards);
      g_string_append (out, "\n\n");
    }

  g_string_append (out, "\n# policy.toml\n[roles]\n");
  for (guint i = 0; i < self->state->roles->len; i++)
    {
      HvPolicyRole *role = g_ptr_array_index (self->state->roles, i);

      append_toml_key (out, role->name);
      g_string_append (out, " = ");
      append_flags (out, HV_POLICY_CAN_CREATE | HV_POLICY_CAN_ATTACH_TERMINAL | HV_POLICY_CAN_READ_TERMINAL |
                    HV_POLICY_AUDITED | HV_POLICY_NEEDS_APPROVAL, role->flags);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "\n[permissions]\n");
  for (guint i = 0; i < self->state->permissions->len; i++)
    {
      HvPolicyPermission *permission = g_ptr_array_index (self->state->permissions, i);

      append_toml_string (out, permission->id);
      g_string_append (out, " = { role = ");
      append_toml_string (out, permission->role);
      if (permission->override_mask != 0)
        {
          g_string_append (out, ", override = ");
          append_flags (out, permission->override_mask, permission->override_values);
        }
      g_string_append (out, " }\n");
    }
  g_string_append_c (out, '\n');
  append_spec_values (self, out, "policy.toml");

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---------------------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------------------- */

/**
 * hv_config_new:
 * @dir: (nullable): the folder with the three files; %NULL for the default
 *   (hv_paths_get_config_dir(), which `--config DIR` sets)
 *
 * Returns: (transfer full): a configuration holding the defaults; call hv_config_load().
 */
HvConfig *
hv_config_new (const char *dir)
{
  return g_object_new (HV_TYPE_CONFIG, "dir", dir ? dir : hv_paths_get_config_dir (), NULL);
}

const char *
hv_config_get_dir (HvConfig *self)
{
  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  return self->dir;
}

/** hv_config_get_file: Returns: (transfer full): the path of @basename in the config folder */
char *
hv_config_get_file (HvConfig   *self,
                    const char *basename)
{
  g_return_val_if_fail (HV_IS_CONFIG (self), NULL);

  return g_build_filename (self->dir, basename, NULL);
}

static void
hv_config_constructed (GObject *object)
{
  HvConfig *self = HV_CONFIG (object);

  G_OBJECT_CLASS (hv_config_parent_class)->constructed (object);

  /* Until the first load: the documented defaults and the environment. */
  self->state = state_new ();
  apply_defaults_and_environment (self->state);
  self->last_diagnostics = g_ptr_array_ref (self->state->diagnostics);
}

static void
hv_config_dispose (GObject *object)
{
  hv_config_unwatch (HV_CONFIG (object));

  G_OBJECT_CLASS (hv_config_parent_class)->dispose (object);
}

static void
hv_config_finalize (GObject *object)
{
  HvConfig *self = HV_CONFIG (object);

  g_clear_pointer (&self->state, state_free);
  g_clear_pointer (&self->last_diagnostics, g_ptr_array_unref);
  g_free (self->dir);

  G_OBJECT_CLASS (hv_config_parent_class)->finalize (object);
}

static void
hv_config_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HvConfig *self = HV_CONFIG (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_value_set_string (value, self->dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_config_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HvConfig *self = HV_CONFIG (object);

  switch (prop_id)
    {
    case PROP_DIR:
      self->dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_config_class_init (HvConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hv_config_constructed;
  object_class->dispose = hv_config_dispose;
  object_class->finalize = hv_config_finalize;
  object_class->get_property = hv_config_get_property;
  object_class->set_property = hv_config_set_property;

  properties[PROP_DIR] =
    g_param_spec_string ("dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HvConfig::changed:
   * @key: the key whose value changed, like "containerd.address"
   *
   * Emitted with the key as detail ("changed::containerd.address") after a load.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[RELOADED] =
    g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HvConfig::reload-failed:
   * @error: what is wrong, "FILE:LINE:COLUMN: …"
   *
   * A watched file changed and no longer loads; the configuration in effect is kept.
   */
  signals[RELOAD_FAILED] =
    g_signal_new ("reload-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hv_config_init (HvConfig *self)
{
}
