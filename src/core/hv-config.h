// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The effective configuration: config.toml, ssh.toml and policy.toml from the config folder
 * (FORMATS.md), their documented defaults, and the standard environment variables on top.
 *
 * Controllers read settings by key ("containerd.address", "defaults.ram") and observe them
 * with the detailed "changed" signal ("changed::containerd.address"); they never read the
 * files themselves. A reload that fails keeps the last good configuration. */

#define HV_TYPE_CONFIG (hv_config_get_type ())

G_DECLARE_FINAL_TYPE (HvConfig, hv_config, HV, CONFIG, GObject)

#define HV_CONFIG_ERROR (hv_config_error_quark ())

typedef enum {
  HV_CONFIG_ERROR_INVALID,   /* a file does not parse or a value is wrong; see the diagnostics */
} HvConfigError;

typedef enum {
  HV_CONFIG_SEVERITY_ERROR,
  HV_CONFIG_SEVERITY_WARNING,
} HvConfigSeverity;

/* One problem found while loading, with where it is. */
typedef struct {
  HvConfigSeverity severity;
  char *file;        /* the path as given, e.g. ~/.config/hydravisor/policy.toml */
  guint line;        /* 1-based; 0 when the problem concerns the whole file */
  guint column;
  char *message;     /* "expected '=' after key \"can_create\"" */
} HvConfigDiagnostic;

void                hv_config_diagnostic_free     (HvConfigDiagnostic *diagnostic);
char               *hv_config_diagnostic_format   (const HvConfigDiagnostic *diagnostic);

/* Per-host SSH settings from ssh.toml ([hosts.NAME]). */
typedef struct {
  char *name;
  char *address;
  guint16 port;
  char *username;
  char *identity;          /* "keyring" or an expanded path */
  gboolean host_key_check;
  gboolean forward_agent;
  guint connect_timeout;   /* seconds */
  guint session_timeout;   /* seconds */
  char **forwards;         /* "L:8080:127.0.0.1:80", validated */
} HvSshHostConfig;

/* What a role may do (policy.toml [roles]); an override sets only the flags in its mask. */
typedef enum {
  HV_POLICY_CAN_CREATE          = 1 << 0,
  HV_POLICY_CAN_ATTACH_TERMINAL = 1 << 1,
  HV_POLICY_CAN_READ_TERMINAL   = 1 << 2,
  HV_POLICY_AUDITED             = 1 << 3,
  HV_POLICY_NEEDS_APPROVAL      = 1 << 4,
} HvPolicyFlags;

typedef struct {
  char *name;
  HvPolicyFlags flags;
} HvPolicyRole;

typedef struct {
  char *id;                /* "agent::b312a9f8", "model:ollama:llama3.2" */
  char *role;              /* an existing role */
  HvPolicyFlags override_mask;
  HvPolicyFlags override_values;
} HvPolicyPermission;

GQuark              hv_config_error_quark         (void);

HvConfig           *hv_config_new                 (const char   *dir);
const char         *hv_config_get_dir             (HvConfig     *self);
char               *hv_config_get_file            (HvConfig     *self,
                                                   const char   *basename);

gboolean            hv_config_load                (HvConfig     *self,
                                                   GError      **error);
GPtrArray          *hv_config_get_diagnostics     (HvConfig     *self);

void                hv_config_watch               (HvConfig     *self);
void                hv_config_unwatch             (HvConfig     *self);

gboolean            hv_config_has_key             (HvConfig     *self,
                                                   const char   *key);
const char         *hv_config_get_string          (HvConfig     *self,
                                                   const char   *key);
gint64              hv_config_get_int             (HvConfig     *self,
                                                   const char   *key);
gboolean            hv_config_get_boolean         (HvConfig     *self,
                                                   const char   *key);
guint64             hv_config_get_size            (HvConfig     *self,
                                                   const char   *key);
const char * const *hv_config_get_strv            (HvConfig     *self,
                                                   const char   *key);
const char         *hv_config_get_source          (HvConfig     *self,
                                                   const char   *key);

GPtrArray          *hv_config_get_ssh_hosts       (HvConfig     *self);
const HvSshHostConfig *hv_config_lookup_ssh_host  (HvConfig     *self,
                                                   const char   *name);
GPtrArray          *hv_config_get_policy_roles    (HvConfig     *self);
GPtrArray          *hv_config_get_policy_permissions (HvConfig  *self);

char               *hv_config_to_toml             (HvConfig     *self);

/* Value parsers shared with the editor and the CLI. */
gboolean            hv_config_parse_size          (const char   *text,
                                                   guint64      *bytes,
                                                   GError      **error);
gboolean            hv_config_parse_duration      (const char   *text,
                                                   guint64      *milliseconds,
                                                   GError      **error);
char               *hv_config_format_size         (guint64       bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvConfigDiagnostic, hv_config_diagnostic_free)

G_END_DECLS
