// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-vm.h"

struct _HvVm
{
  GObject    parent_instance;

  char      *name;
  char      *uuid;
  char      *backend_name;
  char      *connection;
  HvVmState  state;
  char      *state_reason;
  guint      vcpus;
  guint64    memory;
  char     **disks;
  char      *network;
  gint64     started_at;
  double     cpu_percent;
  guint64    memory_used;
  GWeakRef   backend;
};

G_DEFINE_FINAL_TYPE (HvVm, hv_vm, G_TYPE_OBJECT)
G_DEFINE_QUARK (hv-vm-error-quark, hv_vm_error)

enum {
  PROP_0,
  PROP_NAME,
  PROP_UUID,
  PROP_BACKEND_NAME,
  PROP_CONNECTION,
  PROP_STATE,
  PROP_STATE_REASON,
  PROP_VCPUS,
  PROP_MEMORY,
  PROP_DISKS,
  PROP_NETWORK,
  PROP_STARTED_AT,
  PROP_CPU_PERCENT,
  PROP_MEMORY_USED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
hv_vm_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { HV_VM_STATE_UNKNOWN, "HV_VM_STATE_UNKNOWN", "unknown" },
    { HV_VM_STATE_SHUTOFF, "HV_VM_STATE_SHUTOFF", "shutoff" },
    { HV_VM_STATE_STARTING, "HV_VM_STATE_STARTING", "starting" },
    { HV_VM_STATE_RUNNING, "HV_VM_STATE_RUNNING", "running" },
    { HV_VM_STATE_PAUSED, "HV_VM_STATE_PAUSED", "paused" },
    { HV_VM_STATE_SHUTTING_DOWN, "HV_VM_STATE_SHUTTING_DOWN", "shutting-down" },
    { HV_VM_STATE_CRASHED, "HV_VM_STATE_CRASHED", "crashed" },
    { HV_VM_STATE_SUSPENDED, "HV_VM_STATE_SUSPENDED", "suspended" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static (g_intern_static_string ("HvVmState"), values));
  return type;
}

const char *
hv_vm_state_to_string (HvVmState state)
{
  switch (state)
    {
    case HV_VM_STATE_SHUTOFF: return "shut off";
    case HV_VM_STATE_STARTING: return "starting";
    case HV_VM_STATE_RUNNING: return "running";
    case HV_VM_STATE_PAUSED: return "paused";
    case HV_VM_STATE_SHUTTING_DOWN: return "shutting down";
    case HV_VM_STATE_CRASHED: return "crashed";
    case HV_VM_STATE_SUSPENDED: return "suspended";
    case HV_VM_STATE_UNKNOWN:
    default: return "unknown";
    }
}

const char *
hv_vm_state_to_label (HvVmState state)
{
  switch (state)
    {
    case HV_VM_STATE_SHUTOFF: return _("Shut Off");
    case HV_VM_STATE_STARTING: return _("Starting");
    case HV_VM_STATE_RUNNING: return _("Running");
    case HV_VM_STATE_PAUSED: return _("Paused");
    case HV_VM_STATE_SHUTTING_DOWN: return _("Shutting Down");
    case HV_VM_STATE_CRASHED: return _("Crashed");
    case HV_VM_STATE_SUSPENDED: return _("Suspended");
    case HV_VM_STATE_UNKNOWN:
    default: return _("Unknown");
    }
}

gboolean
hv_vm_state_is_active (HvVmState state)
{
  return state == HV_VM_STATE_RUNNING || state == HV_VM_STATE_PAUSED ||
         state == HV_VM_STATE_STARTING || state == HV_VM_STATE_SHUTTING_DOWN ||
         state == HV_VM_STATE_SUSPENDED;
}

gboolean
hv_vm_name_validate (const char  *name,
                     GError     **error)
{
  gsize len;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME,
                           _("The name is empty; use letters, digits, “.”, “_” and “-”"));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME,
                           _("The name is not valid UTF-8; use letters, digits, “.”, “_” and “-”"));
      return FALSE;
    }
  len = strlen (name);
  if (len > 64)
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME,
                   _("The name is %zu characters long; at most 64 are allowed"), len);
      return FALSE;
    }
  if (!g_ascii_isalnum (name[0]))
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME,
                   _("The name must start with a letter or a digit, not “%c”"), name[0]);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 && (g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-'))
        continue;
      if (c == ' ')
        g_set_error_literal (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME,
                             _("The name contains a space; use letters, digits, “.”, “_” and “-”"));
      else
        {
          char buf[8] = { 0 };

          g_unichar_to_utf8 (c, buf);
          g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_INVALID_NAME,
                       _("The name contains “%s”; use letters, digits, “.”, “_” and “-”"), buf);
        }
      return FALSE;
    }
  return TRUE;
}

/**
 * hv_vm_compare_by_name:
 *
 * A GCompareDataFunc for lists of VMs: by name, the way people sort ("vm2" before "vm10").
 */
int
hv_vm_compare_by_name (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  g_autofree char *ka = g_utf8_collate_key_for_filename (hv_vm_get_name ((HvVm *) a), -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (hv_vm_get_name ((HvVm *) b), -1);

  return strcmp (ka, kb);
}

HvVm *
hv_vm_new (const char *name,
           const char *backend_name,
           const char *connection)
{
  return g_object_new (HV_TYPE_VM,
                       "name", name,
                       "backend-name", backend_name,
                       "connection", connection,
                       NULL);
}

#define GETTER(type, prop, field) \
  type hv_vm_get_##prop (HvVm *self) { g_return_val_if_fail (HV_IS_VM (self), (type) 0); return self->field; }

GETTER (const char *, name, name)
GETTER (const char *, uuid, uuid)
GETTER (const char *, backend_name, backend_name)
GETTER (const char *, connection, connection)
GETTER (HvVmState, state, state)
GETTER (const char *, state_reason, state_reason)
GETTER (guint, vcpus, vcpus)
GETTER (guint64, memory, memory)
GETTER (const char *, network, network)
GETTER (gint64, started_at, started_at)
GETTER (double, cpu_percent, cpu_percent)
GETTER (guint64, memory_used, memory_used)

#undef GETTER

const char * const *
hv_vm_get_disks (HvVm *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (HV_IS_VM (self), none);
  return self->disks != NULL ? (const char * const *) self->disks : none;
}

gint64
hv_vm_get_uptime (HvVm *self)
{
  g_return_val_if_fail (HV_IS_VM (self), 0);

  if (self->started_at == 0 || !hv_vm_state_is_active (self->state))
    return 0;
  return MAX (0, (g_get_real_time () - self->started_at) / G_USEC_PER_SEC);
}

gpointer
hv_vm_get_backend (HvVm *self)
{
  GObject *backend;

  g_return_val_if_fail (HV_IS_VM (self), NULL);

  /* The backend owns its VMs, so it outlives every caller's use of the VM. */
  backend = g_weak_ref_get (&self->backend);
  if (backend != NULL)
    g_object_unref (backend);
  return backend;
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
hv_vm_set_uuid (HvVm       *self,
                const char *uuid)
{
  g_return_if_fail (HV_IS_VM (self));
  if (set_string (&self->uuid, uuid))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UUID]);
}

void
hv_vm_set_state (HvVm       *self,
                 HvVmState   state,
                 const char *reason)
{
  gboolean reason_changed;

  g_return_if_fail (HV_IS_VM (self));

  g_object_freeze_notify (G_OBJECT (self));
  reason_changed = set_string (&self->state_reason, reason);
  if (self->state != state)
    {
      gboolean was_active = hv_vm_state_is_active (self->state);

      self->state = state;
      if (!hv_vm_state_is_active (state))
        {
          hv_vm_set_started_at (self, 0);
          hv_vm_set_stats (self, -1, 0);
        }
      else if (!was_active && self->started_at == 0)
        hv_vm_set_started_at (self, g_get_real_time ());
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (reason_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_REASON]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
hv_vm_set_vcpus (HvVm  *self,
                 guint  vcpus)
{
  g_return_if_fail (HV_IS_VM (self));
  if (self->vcpus == vcpus)
    return;
  self->vcpus = vcpus;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VCPUS]);
}

void
hv_vm_set_memory (HvVm    *self,
                  guint64  bytes)
{
  g_return_if_fail (HV_IS_VM (self));
  if (self->memory == bytes)
    return;
  self->memory = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY]);
}

void
hv_vm_set_disks (HvVm               *self,
                 const char * const *disks)
{
  g_return_if_fail (HV_IS_VM (self));

  if (self->disks != NULL && disks != NULL && g_strv_equal ((const char * const *) self->disks, disks))
    return;
  if (self->disks == NULL && (disks == NULL || disks[0] == NULL))
    return;
  g_strfreev (self->disks);
  self->disks = disks != NULL && disks[0] != NULL ? g_strdupv ((char **) disks) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISKS]);
}

void
hv_vm_set_network (HvVm       *self,
                   const char *network)
{
  g_return_if_fail (HV_IS_VM (self));
  if (set_string (&self->network, network))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK]);
}

void
hv_vm_set_started_at (HvVm   *self,
                      gint64  real_time_us)
{
  g_return_if_fail (HV_IS_VM (self));
  if (self->started_at == real_time_us)
    return;
  self->started_at = real_time_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED_AT]);
}

void
hv_vm_set_stats (HvVm    *self,
                 double   cpu_percent,
                 guint64  memory_used)
{
  g_return_if_fail (HV_IS_VM (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->cpu_percent != cpu_percent)
    {
      self->cpu_percent = cpu_percent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CPU_PERCENT]);
    }
  if (self->memory_used != memory_used)
    {
      self->memory_used = memory_used;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_USED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
hv_vm_set_backend (HvVm     *self,
                   gpointer  backend)
{
  g_return_if_fail (HV_IS_VM (self));
  g_weak_ref_set (&self->backend, backend);
}

static void
hv_vm_finalize (GObject *object)
{
  HvVm *self = HV_VM (object);

  g_free (self->name);
  g_free (self->uuid);
  g_free (self->backend_name);
  g_free (self->connection);
  g_free (self->state_reason);
  g_strfreev (self->disks);
  g_free (self->network);
  g_weak_ref_clear (&self->backend);

  G_OBJECT_CLASS (hv_vm_parent_class)->finalize (object);
}

static void
hv_vm_get_property (GObject    *object,
                    guint       prop_id,
                    GValue     *value,
                    GParamSpec *pspec)
{
  HvVm *self = HV_VM (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_UUID: g_value_set_string (value, self->uuid); break;
    case PROP_BACKEND_NAME: g_value_set_string (value, self->backend_name); break;
    case PROP_CONNECTION: g_value_set_string (value, self->connection); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_STATE_REASON: g_value_set_string (value, self->state_reason); break;
    case PROP_VCPUS: g_value_set_uint (value, self->vcpus); break;
    case PROP_MEMORY: g_value_set_uint64 (value, self->memory); break;
    case PROP_DISKS: g_value_set_boxed (value, self->disks); break;
    case PROP_NETWORK: g_value_set_string (value, self->network); break;
    case PROP_STARTED_AT: g_value_set_int64 (value, self->started_at); break;
    case PROP_CPU_PERCENT: g_value_set_double (value, self->cpu_percent); break;
    case PROP_MEMORY_USED: g_value_set_uint64 (value, self->memory_used); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_vm_set_property (GObject      *object,
                    guint         prop_id,
                    const GValue *value,
                    GParamSpec   *pspec)
{
  HvVm *self = HV_VM (object);

  switch (prop_id)
    {
    case PROP_NAME: self->name = g_value_dup_string (value); break;
    case PROP_BACKEND_NAME: self->backend_name = g_value_dup_string (value); break;
    case PROP_CONNECTION: self->connection = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_vm_class_init (HvVmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hv_vm_finalize;
  object_class->get_property = hv_vm_get_property;
  object_class->set_property = hv_vm_set_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, construct);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_BACKEND_NAME] = g_param_spec_string ("backend-name", NULL, NULL, NULL, construct);
  properties[PROP_CONNECTION] = g_param_spec_string ("connection", NULL, NULL, NULL, construct);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HV_TYPE_VM_STATE,
                                              HV_VM_STATE_UNKNOWN, ro);
  properties[PROP_STATE_REASON] = g_param_spec_string ("state-reason", NULL, NULL, NULL, ro);
  properties[PROP_VCPUS] = g_param_spec_uint ("vcpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MEMORY] = g_param_spec_uint64 ("memory", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_DISKS] = g_param_spec_boxed ("disks", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_NETWORK] = g_param_spec_string ("network", NULL, NULL, NULL, ro);
  properties[PROP_STARTED_AT] = g_param_spec_int64 ("started-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_CPU_PERCENT] = g_param_spec_double ("cpu-percent", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  properties[PROP_MEMORY_USED] = g_param_spec_uint64 ("memory-used", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_vm_init (HvVm *self)
{
  self->cpu_percent = -1;
  g_weak_ref_init (&self->backend, NULL);
}
