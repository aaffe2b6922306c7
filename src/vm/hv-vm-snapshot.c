// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-vm-snapshot.h"

struct _HvVmSnapshot
{
  GObject   parent_instance;
  char     *name;
  char     *description;
  gint64    created;
  gboolean  with_memory;
  gboolean  is_current;
};

G_DEFINE_FINAL_TYPE (HvVmSnapshot, hv_vm_snapshot, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_DESCRIPTION, PROP_CREATED, PROP_WITH_MEMORY, PROP_IS_CURRENT, N_PROPS };
static GParamSpec *properties[N_PROPS];

HvVmSnapshot *
hv_vm_snapshot_new (const char *name,
                    const char *description,
                    gint64      created,
                    gboolean    with_memory,
                    gboolean    is_current)
{
  HvVmSnapshot *self = g_object_new (HV_TYPE_VM_SNAPSHOT, NULL);

  self->name = g_strdup (name);
  self->description = g_strdup (description);
  self->created = created;
  self->with_memory = with_memory;
  self->is_current = is_current;
  return self;
}

const char *hv_vm_snapshot_get_name (HvVmSnapshot *self) { g_return_val_if_fail (HV_IS_VM_SNAPSHOT (self), NULL); return self->name; }
const char *hv_vm_snapshot_get_description (HvVmSnapshot *self) { g_return_val_if_fail (HV_IS_VM_SNAPSHOT (self), NULL); return self->description; }
gint64 hv_vm_snapshot_get_created (HvVmSnapshot *self) { g_return_val_if_fail (HV_IS_VM_SNAPSHOT (self), 0); return self->created; }
gboolean hv_vm_snapshot_get_with_memory (HvVmSnapshot *self) { g_return_val_if_fail (HV_IS_VM_SNAPSHOT (self), FALSE); return self->with_memory; }
gboolean hv_vm_snapshot_get_is_current (HvVmSnapshot *self) { g_return_val_if_fail (HV_IS_VM_SNAPSHOT (self), FALSE); return self->is_current; }

static void
hv_vm_snapshot_finalize (GObject *object)
{
  HvVmSnapshot *self = HV_VM_SNAPSHOT (object);

  g_free (self->name);
  g_free (self->description);
  G_OBJECT_CLASS (hv_vm_snapshot_parent_class)->finalize (object);
}

static void
hv_vm_snapshot_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HvVmSnapshot *self = HV_VM_SNAPSHOT (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_CREATED: g_value_set_int64 (value, self->created); break;
    case PROP_WITH_MEMORY: g_value_set_boolean (value, self->with_memory); break;
    case PROP_IS_CURRENT: g_value_set_boolean (value, self->is_current); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_vm_snapshot_class_init (HvVmSnapshotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hv_vm_snapshot_finalize;
  object_class->get_property = hv_vm_snapshot_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  properties[PROP_CREATED] = g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_WITH_MEMORY] = g_param_spec_boolean ("with-memory", NULL, NULL, FALSE, ro);
  properties[PROP_IS_CURRENT] = g_param_spec_boolean ("is-current", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hv_vm_snapshot_init (HvVmSnapshot *self)
{
}
