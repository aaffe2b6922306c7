// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libvirt-gconfig/libvirt-gconfig.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hv-host-command.h"
#include "hv-libvirt-backend.h"
#include "hv-paths.h"

/* One libvirt connection through libvirt-gobject.
 *
 * Threads: every blocking libvirt call runs in a GTask worker thread. The main (owner)
 * context holds all the state below; workers only read what they were handed.
 *
 * Each domain has an HvLibvirtEntry: its HvVm, its GVirDomain and the signal handlers on
 * it. The handlers are connected in the worker right after the domains are fetched, before
 * their state is read, so an event that arrives while the list is being read is never lost:
 * the entry remembers it and the state read in the worker yields to it.
 *
 * A lost connection (libvirtd restarted or killed) is seen through libvirt's close callback;
 * the backend then reconnects with back-off and matches the fetched domains to the existing
 * HvVm objects by UUID (then name). */

/* libvirt-glib 4.0 declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomain, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainOs, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainDisk, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainDiskDriver, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainSerial, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainChardevSourcePty, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainInterfaceUser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainSnapshot, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirDomainSnapshot, g_object_unref)

#define RECONNECT_FIRST_MS 500
#define RECONNECT_MAX_MS   10000
#define DETAILS_CHUNK      200

typedef struct _HvLibvirtEntry HvLibvirtEntry;

struct _HvLibvirtBackend
{
  GObject              parent_instance;

  char                *uri;
  GListStore          *vms;
  GHashTable          *entries;           /* uuid → HvLibvirtEntry (ref) */

  GVirConnection      *connection;
  virConnectPtr        vconn;             /* a reference of our own, for the close callback */
  HvVmConnectionState  connection_state;
  char                *connection_error;
  guint                shutdown_timeout;

  GCancellable        *cancellable;       /* cancelled on dispose */
  gboolean             connecting;
  GPtrArray           *connect_waiters;   /* GTask */
  guint                reconnect_id;
  guint                reconnect_delay_ms;
  guint                generation;        /* bumped per connection */
  GPtrArray           *early_added;       /* GVirDomain added before the list was applied */
  gboolean             details_loaded;
};

struct _HvLibvirtEntry
{
  /* Set in the worker at creation, then only read. */
  char        *uuid;
  char        *name;
  GVirDomain  *domain;
  GWeakRef     backend;

  /* Main thread only. */
  HvVm        *vm;
  gboolean     live;
  gboolean     got_event;
  HvVmState    event_state;
  char        *event_reason;
  guint64      last_cpu_time;
  gint64       last_sample_us;
};

enum {
  PROP_0,
  PROP_URI,
  PROP_DETAILS_LOADED,
  N_PROPS,
  PROP_CONNECTION_STATE = N_PROPS,
  PROP_CONNECTION_ERROR,
  PROP_SHUTDOWN_TIMEOUT,
};

static GParamSpec *properties[N_PROPS];
static GParamSpec *connection_state_pspec;
static GParamSpec *connection_error_pspec;

static void hv_libvirt_backend_iface_init (HvVmBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HvLibvirtBackend, hv_libvirt_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HV_TYPE_VM_BACKEND, hv_libvirt_backend_iface_init))

static void schedule_reconnect (HvLibvirtBackend *self);
static void start_connect (HvLibvirtBackend *self);
static void load_details (HvLibvirtBackend *self);
static void entry_connect_signals (HvLibvirtEntry *entry);
static void refresh_entry (HvLibvirtBackend *self, HvLibvirtEntry *entry);
static HvLibvirtEntry *adopt_domain (HvLibvirtBackend *self, GVirDomain *domain);

/* ───────────────────────── entries ───────────────────────── */

static HvLibvirtEntry *
entry_new (HvLibvirtBackend *self,
           GVirDomain       *domain)
{
  HvLibvirtEntry *entry = g_atomic_rc_box_new0 (HvLibvirtEntry);

  entry->uuid = g_strdup (gvir_domain_get_uuid (domain));
  entry->name = g_strdup (gvir_domain_get_name (domain));
  entry->domain = g_object_ref (domain);
  g_weak_ref_init (&entry->backend, self);
  return entry;
}

static void
entry_clear (HvLibvirtEntry *entry)
{
  g_free (entry->uuid);
  g_free (entry->name);
  g_clear_object (&entry->domain);
  g_weak_ref_clear (&entry->backend);
  g_clear_object (&entry->vm);
  g_free (entry->event_reason);
}

static HvLibvirtEntry *
entry_ref (HvLibvirtEntry *entry)
{
  return g_atomic_rc_box_acquire (entry);
}

static void
entry_unref (HvLibvirtEntry *entry)
{
  g_atomic_rc_box_release_full (entry, (GDestroyNotify) entry_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HvLibvirtEntry, entry_unref)

static void
entry_disconnect (HvLibvirtEntry *entry)
{
  entry->live = FALSE;
  if (entry->domain != NULL)
    g_signal_handlers_disconnect_matched (entry->domain, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, entry);
}

static HvLibvirtEntry *
find_entry_for_vm (HvLibvirtBackend *self,
                   HvVm             *vm)
{
  HvLibvirtEntry *entry = NULL;
  const char *uuid = hv_vm_get_uuid (vm);

  if (uuid != NULL)
    entry = g_hash_table_lookup (self->entries, uuid);
  if (entry == NULL || entry->vm != vm)
    return NULL;
  return entry;
}

static HvLibvirtEntry *
find_entry_by_name (HvLibvirtBackend *self,
                    const char       *name)
{
  GHashTableIter iter;
  HvLibvirtEntry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (g_strcmp0 (entry->name, name) == 0)
      return entry;
  return NULL;
}

static gboolean
store_find (GListStore *store,
            gpointer    item,
            guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (other == item)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
remove_entry (HvLibvirtBackend *self,
              HvLibvirtEntry   *entry)
{
  g_autoptr(HvLibvirtEntry) keep = entry_ref (entry);
  guint position;

  entry_disconnect (entry);
  g_hash_table_remove (self->entries, entry->uuid);
  if (entry->vm != NULL && store_find (self->vms, entry->vm, &position))
    g_list_store_remove (self->vms, position);
}

/* ───────────────────────── states ───────────────────────── */

static HvVmState
state_from_libvirt (int          state,
                    int          reason,
                    const char **out_reason)
{
  *out_reason = NULL;
  switch (state)
    {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return HV_VM_STATE_RUNNING;
    case VIR_DOMAIN_PAUSED:
      switch (reason)
        {
        case VIR_DOMAIN_PAUSED_IOERROR: *out_reason = N_("paused after a disk I/O error"); break;
        case VIR_DOMAIN_PAUSED_WATCHDOG: *out_reason = N_("paused by the watchdog"); break;
        case VIR_DOMAIN_PAUSED_MIGRATION: *out_reason = N_("paused for migration"); break;
        case VIR_DOMAIN_PAUSED_SAVE: *out_reason = N_("paused while saving"); break;
        case VIR_DOMAIN_PAUSED_SNAPSHOT: *out_reason = N_("paused for a snapshot"); break;
        case VIR_DOMAIN_PAUSED_STARTING_UP: return HV_VM_STATE_STARTING;
        case VIR_DOMAIN_PAUSED_CRASHED: *out_reason = N_("the guest crashed"); return HV_VM_STATE_CRASHED;
        default: break;
        }
      return HV_VM_STATE_PAUSED;
    case VIR_DOMAIN_SHUTDOWN:
      return HV_VM_STATE_SHUTTING_DOWN;
    case VIR_DOMAIN_SHUTOFF:
      switch (reason)
        {
        case VIR_DOMAIN_SHUTOFF_SHUTDOWN: *out_reason = N_("shut down by the guest"); break;
        case VIR_DOMAIN_SHUTOFF_DESTROYED: *out_reason = N_("forced off"); break;
        case VIR_DOMAIN_SHUTOFF_CRASHED: *out_reason = N_("the guest crashed"); return HV_VM_STATE_CRASHED;
        case VIR_DOMAIN_SHUTOFF_MIGRATED: *out_reason = N_("migrated to another host"); break;
        case VIR_DOMAIN_SHUTOFF_SAVED: *out_reason = N_("saved to a file"); break;
        case VIR_DOMAIN_SHUTOFF_FAILED: *out_reason = N_("failed to start"); break;
        case VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT: *out_reason = N_("reverted to a snapshot"); break;
        case VIR_DOMAIN_SHUTOFF_DAEMON: *out_reason = N_("stopped by libvirt"); break;
        default: break;
        }
      return HV_VM_STATE_SHUTOFF;
    case VIR_DOMAIN_CRASHED:
      *out_reason = N_("the guest crashed");
      return HV_VM_STATE_CRASHED;
    case VIR_DOMAIN_PMSUSPENDED:
      return HV_VM_STATE_SUSPENDED;
    default:
      return HV_VM_STATE_UNKNOWN;
    }
}

/* The state a libvirt-gobject lifecycle signal (with its detail) means. */
static HvVmState
state_from_signal (const char  *signal,
                   const char  *detail,
                   const char **out_reason)
{
  *out_reason = NULL;
  if (g_str_equal (signal, "started") || g_str_equal (signal, "resumed"))
    return HV_VM_STATE_RUNNING;
  if (g_str_equal (signal, "pmsuspended"))
    return HV_VM_STATE_SUSPENDED;
  if (g_str_equal (signal, "suspended"))
    {
      if (g_strcmp0 (detail, "ioerror") == 0)
        *out_reason = N_("paused after a disk I/O error");
      else if (g_strcmp0 (detail, "watchdog") == 0)
        *out_reason = N_("paused by the watchdog");
      else if (g_strcmp0 (detail, "migrated") == 0)
        *out_reason = N_("paused for migration");
      else if (g_strcmp0 (detail, "from-snapshot") == 0)
        *out_reason = N_("paused for a snapshot");
      return HV_VM_STATE_PAUSED;
    }
  if (g_str_equal (signal, "stopped"))
    {
      if (g_strcmp0 (detail, "crashed") == 0)
        {
          *out_reason = N_("the guest crashed");
          return HV_VM_STATE_CRASHED;
        }
      if (g_strcmp0 (detail, "shutdown") == 0)
        *out_reason = N_("shut down by the guest");
      else if (g_strcmp0 (detail, "destroyed") == 0)
        *out_reason = N_("forced off");
      else if (g_strcmp0 (detail, "migrated") == 0)
        *out_reason = N_("migrated to another host");
      else if (g_strcmp0 (detail, "saved") == 0)
        *out_reason = N_("saved to a file");
      else if (g_strcmp0 (detail, "failed") == 0)
        *out_reason = N_("failed to start");
      else if (g_strcmp0 (detail, "from-snapshot") == 0)
        *out_reason = N_("reverted to a snapshot");
      return HV_VM_STATE_SHUTOFF;
    }
  return HV_VM_STATE_UNKNOWN;
}

static void
on_domain_lifecycle (GVirDomain     *domain,
                     HvLibvirtEntry *entry)
{
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (domain);
  const char *reason = NULL;
  HvVmState state;

  if (hint == NULL)
    return;
  state = state_from_signal (g_signal_name (hint->signal_id),
                             hint->detail != 0 ? g_quark_to_string (hint->detail) : NULL,
                             &reason);
  if (state == HV_VM_STATE_UNKNOWN)
    return;

  g_debug ("%s: %s::%s", entry->name, g_signal_name (hint->signal_id),
           hint->detail != 0 ? g_quark_to_string (hint->detail) : "");
  entry->got_event = TRUE;
  entry->event_state = state;
  g_free (entry->event_reason);
  entry->event_reason = g_strdup (reason);
  if (entry->live && entry->vm != NULL)
    hv_vm_set_state (entry->vm, state, reason != NULL ? _(reason) : NULL);
}

static void
on_domain_updated (GVirDomain     *domain,
                   HvLibvirtEntry *entry)
{
  g_autoptr(HvLibvirtBackend) self = g_weak_ref_get (&entry->backend);

  /* The configuration changed (vCPUs, memory, disks): re-read it. */
  if (self != NULL && entry->live)
    refresh_entry (self, entry);
}

static void
entry_connect_signals (HvLibvirtEntry *entry)
{
  static const char *lifecycle[] = { "started", "stopped", "suspended", "resumed", "pmsuspended" };

  for (guint i = 0; i < G_N_ELEMENTS (lifecycle); i++)
    g_signal_connect_data (entry->domain, lifecycle[i], G_CALLBACK (on_domain_lifecycle),
                           entry_ref (entry), (GClosureNotify) (void (*) (void)) entry_unref, 0);
  g_signal_connect_data (entry->domain, "updated", G_CALLBACK (on_domain_updated),
                         entry_ref (entry), (GClosureNotify) (void (*) (void)) entry_unref, 0);
}

/* ───────────────────────── errors ───────────────────────── */

static const char *
libvirt_message (void)
{
  const char *message = virGetLastErrorMessage ();

  return message != NULL ? message : _("unknown libvirt error");
}

static void
set_disconnected_error (GError           **error,
                        HvLibvirtBackend  *self)
{
  g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_DISCONNECTED,
               _("Not connected to libvirt at %s%s%s"), self->uri,
               self->connection_error != NULL ? ": " : "",
               self->connection_error != NULL ? self->connection_error : "");
}

static void
set_connection_state (HvLibvirtBackend    *self,
                      HvVmConnectionState  state,
                      const char          *error)
{
  if (self->connection_state != state)
    {
      self->connection_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), connection_state_pspec);
    }
  if (g_strcmp0 (self->connection_error, error) != 0)
    {
      g_free (self->connection_error);
      self->connection_error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), connection_error_pspec);
    }
}

/* ───────────────────────── domain reading (workers) ───────────────────────── */

typedef struct {
  HvLibvirtEntry *entry;
  HvVm           *vm;          /* new VMs only, built in the worker */
  gboolean        ok;
  HvVmState       state;
  const char     *reason;      /* static, untranslated */
  guint           vcpus;
  guint64         memory;      /* bytes */
  char           *sort_key;    /* the name's collation key, for the worker's sort */
} DomainInfo;

static int
compare_domain_infos (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (((const DomainInfo *) a)->sort_key, ((const DomainInfo *) b)->sort_key);
}

static void
domain_info_clear (DomainInfo *info)
{
  g_clear_pointer (&info->entry, entry_unref);
  g_clear_object (&info->vm);
  g_clear_pointer (&info->sort_key, g_free);
}

static virDomainPtr
domain_handle (GVirDomain *domain)
{
  virDomainPtr handle = NULL;

  g_object_get (domain, "handle", &handle, NULL);
  return handle;   /* a reference: virDomainFree */
}

static gboolean
read_domain_info (GVirDomain *domain,
                  DomainInfo *info)
{
  virDomainPtr handle = domain_handle (domain);
  virDomainInfo raw;
  int state = 0, reason = 0;

  if (handle == NULL)
    return FALSE;
  if (virDomainGetInfo (handle, &raw) < 0)
    {
      virDomainFree (handle);
      return FALSE;
    }
  state = raw.state;
  if (virDomainGetState (handle, &state, &reason, 0) < 0)
    reason = 0;
  virDomainFree (handle);

  info->ok = TRUE;
  info->state = state_from_libvirt (state, reason, &info->reason);
  info->vcpus = raw.nrVirtCpu;
  info->memory = (guint64) raw.maxMem * 1024;
  return TRUE;
}

static void
apply_info (HvVm             *vm,
            const DomainInfo *info)
{
  const HvLibvirtEntry *entry = info->entry;

  if (entry->got_event)
    hv_vm_set_state (vm, entry->event_state, entry->event_reason != NULL ? _(entry->event_reason) : NULL);
  else if (info->ok)
    hv_vm_set_state (vm, info->state, info->reason != NULL ? _(info->reason) : NULL);
  if (info->ok)
    {
      hv_vm_set_vcpus (vm, info->vcpus);
      hv_vm_set_memory (vm, info->memory);
    }
}

/* What the worker of a connection attempt returns. */
typedef struct {
  char           *uri;
  GHashTable     *known;       /* uuid / name set of existing VMs (copies) */
  HvLibvirtBackend *self;      /* for weak refs only; not touched in the worker */
  GVirConnection *connection;
  virConnectPtr   vconn;
  GArray         *infos;       /* DomainInfo */
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_free (data->uri);
  g_clear_pointer (&data->known, g_hash_table_unref);
  g_clear_pointer (&data->infos, g_array_unref);
  if (data->vconn != NULL)
    virConnectClose (data->vconn);
  if (data->connection != NULL)
    gvir_connection_close (data->connection);
  g_clear_object (&data->connection);
  g_free (data);
}

static void on_connection_closed (virConnectPtr conn, int reason, void *opaque);
static void on_domain_added (GVirConnection *connection, GVirDomain *domain, HvLibvirtBackend *self);
static void on_domain_removed (GVirConnection *connection, GVirDomain *domain, HvLibvirtBackend *self);

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
connect_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ConnectData *data = task_data;
  g_autoptr(GError) error = NULL;
  GList *domains;
  GWeakRef *weak;

  data->connection = gvir_connection_new (data->uri);
  if (!gvir_connection_open (data->connection, cancellable, &error))
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_DISCONNECTED,
                               _("Could not connect to libvirt at %s: %s"), data->uri, error->message);
      return;
    }

  g_object_get (data->connection, "handle", &data->vconn, NULL);
  if (data->vconn != NULL)
    {
      weak = g_new0 (GWeakRef, 1);
      g_weak_ref_init (weak, data->self);
      if (virConnectRegisterCloseCallback (data->vconn, on_connection_closed, weak, weak_ref_free) < 0)
        weak_ref_free (weak);
      /* Notice a daemon that hangs too; local drivers refuse keepalive, which is fine. */
      if (virConnectSetKeepAlive (data->vconn, 5, 3) < 0)
        virResetLastError ();
    }

  g_signal_connect_object (data->connection, "domain-added", G_CALLBACK (on_domain_added), data->self, 0);
  g_signal_connect_object (data->connection, "domain-removed", G_CALLBACK (on_domain_removed), data->self, 0);

  if (!gvir_connection_fetch_domains (data->connection, cancellable, &error))
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not list the virtual machines of %s: %s"), data->uri, error->message);
      return;
    }

  domains = gvir_connection_get_domains (data->connection);
  data->infos = g_array_sized_new (FALSE, TRUE, sizeof (DomainInfo), g_list_length (domains));
  g_array_set_clear_func (data->infos, (GDestroyNotify) domain_info_clear);
  for (GList *l = domains; l != NULL; l = l->next)
    {
      DomainInfo info = { 0 };

      info.entry = entry_new (data->self, l->data);
      /* First the handlers, then the state: an event in between is kept by the entry. */
      entry_connect_signals (info.entry);
      read_domain_info (l->data, &info);
      if (!g_hash_table_contains (data->known, info.entry->uuid) &&
          !g_hash_table_contains (data->known, info.entry->name))
        {
          info.vm = hv_vm_new (info.entry->name, "libvirt", data->uri);
          hv_vm_set_uuid (info.vm, info.entry->uuid);
          hv_vm_set_backend (info.vm, data->self);
          if (info.ok)
            {
              hv_vm_set_state (info.vm, info.state, info.reason != NULL ? _(info.reason) : NULL);
              hv_vm_set_vcpus (info.vm, info.vcpus);
              hv_vm_set_memory (info.vm, info.memory);
            }
        }
      info.sort_key = g_utf8_collate_key_for_filename (info.entry->name, -1);
      g_array_append_val (data->infos, info);
    }
  g_list_free_full (domains, g_object_unref);
  /* Listed by name (as people sort: "vm2" before "vm10"), here rather than on the main loop. */
  g_array_sort (data->infos, compare_domain_infos);

  g_task_return_boolean (task, TRUE);
}

static void
teardown_connection (HvLibvirtBackend *self)
{
  GHashTableIter iter;
  HvLibvirtEntry *entry;

  self->generation++;
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    entry_disconnect (entry);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  if (self->vconn != NULL)
    {
      virConnectUnregisterCloseCallback (self->vconn, on_connection_closed);
      virResetLastError ();
      virConnectClose (self->vconn);
      self->vconn = NULL;
    }
  if (self->connection != NULL)
    gvir_connection_close (self->connection);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->early_added, g_ptr_array_unref);
}

static void
finish_waiters (HvLibvirtBackend *self,
                const GError     *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->connect_waiters);

  self->connect_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
apply_connection (HvLibvirtBackend *self,
                  ConnectData      *data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) vanished = g_ptr_array_new ();
  g_autoptr(GPtrArray) early = NULL;
  GHashTableIter iter;
  HvLibvirtEntry *entry;

  early = g_steal_pointer (&self->early_added);
  gint64 started = g_get_monotonic_time ();

  teardown_connection (self);
  self->connection = g_steal_pointer (&data->connection);
  self->vconn = g_steal_pointer (&data->vconn);

  for (guint i = 0; i < data->infos->len; i++)
    {
      DomainInfo *info = &g_array_index (data->infos, DomainInfo, i);
      HvLibvirtEntry *fresh = info->entry;
      HvLibvirtEntry *old = g_hash_table_lookup (self->entries, fresh->uuid);

      /* By name only for VMs the worker matched (a VM redefined with a new UUID). */
      if (old == NULL && info->vm == NULL)
        old = find_entry_by_name (self, fresh->name);

      if (old != NULL)
        {
          fresh->vm = g_object_ref (old->vm);
          fresh->last_cpu_time = old->last_cpu_time;
          fresh->last_sample_us = old->last_sample_us;
          g_hash_table_remove (self->entries, old->uuid);
          hv_vm_set_uuid (fresh->vm, fresh->uuid);
          apply_info (fresh->vm, info);
        }
      else
        {
          if (info->vm == NULL)   /* gone from the list since the worker looked */
            {
              info->vm = hv_vm_new (fresh->name, "libvirt", self->uri);
              hv_vm_set_uuid (info->vm, fresh->uuid);
              hv_vm_set_backend (info->vm, self);
            }
          fresh->vm = g_object_ref (info->vm);
          if (fresh->got_event)
            apply_info (fresh->vm, info);
          g_ptr_array_add (added, g_steal_pointer (&info->vm));
        }
      fresh->live = TRUE;
      g_hash_table_replace (self->entries, fresh->uuid, entry_ref (fresh));
      g_hash_table_add (seen, fresh);
    }

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (!g_hash_table_contains (seen, entry))
      g_ptr_array_add (vanished, entry);
  for (guint i = 0; i < vanished->len; i++)
    remove_entry (self, g_ptr_array_index (vanished, i));

  /* The worker sorted them: a first listing goes in at once, later ones each in its place. */
  if (added->len > 0 && g_list_model_get_n_items (G_LIST_MODEL (self->vms)) == 0)
    g_list_store_splice (self->vms, 0, 0, added->pdata, added->len);
  else
    for (guint i = 0; i < added->len; i++)
      g_list_store_insert_sorted (self->vms, g_ptr_array_index (added, i), hv_vm_compare_by_name, NULL);

  self->reconnect_delay_ms = RECONNECT_FIRST_MS;
  set_connection_state (self, HV_VM_CONNECTION_CONNECTED, NULL);
  g_debug ("%s: %u domains applied in %.1f ms", self->uri, data->infos->len,
           (g_get_monotonic_time () - started) / 1000.0);

  /* Domains libvirt announced while the list was being read. */
  for (guint i = 0; early != NULL && i < early->len; i++)
    {
      GVirDomain *domain = g_ptr_array_index (early, i);

      if (!g_hash_table_contains (self->entries, gvir_domain_get_uuid (domain)))
        refresh_entry (self, adopt_domain (self, domain));
    }

  self->details_loaded = FALSE;
  load_details (self);
}

static void
connect_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HvLibvirtBackend) self = user_data;
  ConnectData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->connecting = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      apply_connection (self, data);
      finish_waiters (self, NULL);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_waiters (self, error);
      return;
    }

  g_debug ("%s", error->message);
  teardown_connection (self);
  set_connection_state (self, HV_VM_CONNECTION_DISCONNECTED, error->message);
  finish_waiters (self, error);
  schedule_reconnect (self);
}

static void
start_connect (HvLibvirtBackend *self)
{
  g_autoptr(GTask) task = NULL;
  ConnectData *data;
  GHashTableIter iter;
  HvLibvirtEntry *entry;

  if (self->connecting)
    return;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);

  self->connecting = TRUE;
  if (self->connection_state != HV_VM_CONNECTION_CONNECTED)
    set_connection_state (self, HV_VM_CONNECTION_CONNECTING, self->connection_error);

  data = g_new0 (ConnectData, 1);
  data->uri = g_strdup (self->uri);
  data->self = self;
  data->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      g_hash_table_add (data->known, g_strdup (entry->uuid));
      g_hash_table_add (data->known, g_strdup (entry->name));
    }

  task = g_task_new (self, self->cancellable, connect_done, g_object_ref (self));
  g_task_set_source_tag (task, start_connect);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);
  g_task_run_in_thread (task, connect_worker);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  HvLibvirtBackend *self = user_data;

  self->reconnect_id = 0;
  start_connect (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (HvLibvirtBackend *self)
{
  if (self->reconnect_id != 0 || self->connecting || g_cancellable_is_cancelled (self->cancellable))
    return;
  self->reconnect_id = g_timeout_add (self->reconnect_delay_ms, reconnect_cb, self);
  g_debug ("%s: reconnecting in %u ms", self->uri, self->reconnect_delay_ms);
  self->reconnect_delay_ms = MIN (self->reconnect_delay_ms * 2, RECONNECT_MAX_MS);
}

static const char *
close_reason_text (int reason)
{
  switch (reason)
    {
    case VIR_CONNECT_CLOSE_REASON_ERROR: return _("a network or I/O error");
    case VIR_CONNECT_CLOSE_REASON_EOF: return _("libvirtd closed the connection (stopped or restarted)");
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE: return _("libvirtd stopped answering (keepalive timed out)");
    case VIR_CONNECT_CLOSE_REASON_CLIENT: return _("the client closed it");
    default: return _("an unknown reason");
    }
}

typedef struct {
  GWeakRef backend;
  guint    generation;
  int      reason;
} CloseData;

static gboolean
handle_close_idle (gpointer user_data)
{
  CloseData *data = user_data;
  g_autoptr(HvLibvirtBackend) self = g_weak_ref_get (&data->backend);
  g_autofree char *message = NULL;

  g_weak_ref_clear (&data->backend);
  if (self == NULL || data->generation != self->generation || self->connection == NULL)
    {
      g_free (data);
      return G_SOURCE_REMOVE;
    }

  message = g_strdup_printf (_("The connection to %s was lost: %s. Reconnecting…"),
                             self->uri, close_reason_text (data->reason));
  g_free (data);
  g_debug ("%s", message);
  teardown_connection (self);
  self->reconnect_delay_ms = RECONNECT_FIRST_MS;
  set_connection_state (self, HV_VM_CONNECTION_DISCONNECTED, message);
  schedule_reconnect (self);
  return G_SOURCE_REMOVE;
}

static void
on_connection_closed (virConnectPtr  conn,
                      int            reason,
                      void          *opaque)
{
  g_autoptr(HvLibvirtBackend) self = g_weak_ref_get (opaque);
  CloseData *data;

  if (self == NULL)
    return;
  /* Called from inside libvirt with its locks held: tear down from an idle. */
  data = g_new0 (CloseData, 1);
  g_weak_ref_init (&data->backend, self);
  data->generation = self->generation;
  data->reason = reason;
  g_idle_add (handle_close_idle, data);
}

/* ───────────────────────── domains added / removed ───────────────────────── */

static HvLibvirtEntry *
adopt_domain (HvLibvirtBackend *self,
              GVirDomain       *domain)
{
  HvLibvirtEntry *entry = g_hash_table_lookup (self->entries, gvir_domain_get_uuid (domain));
  g_autoptr(HvLibvirtEntry) fresh = NULL;

  if (entry != NULL && entry->domain == domain)
    return entry;

  fresh = entry_new (self, domain);
  if (entry != NULL)
    {
      /* The same VM under a new GVirDomain object: move the handlers over. */
      fresh->vm = g_object_ref (entry->vm);
      fresh->last_cpu_time = entry->last_cpu_time;
      fresh->last_sample_us = entry->last_sample_us;
      entry_disconnect (entry);
    }
  else
    {
      fresh->vm = hv_vm_new (fresh->name, "libvirt", self->uri);
      hv_vm_set_uuid (fresh->vm, fresh->uuid);
      hv_vm_set_backend (fresh->vm, self);
      hv_vm_set_state (fresh->vm, HV_VM_STATE_SHUTOFF, NULL);
    }
  entry_connect_signals (fresh);
  fresh->live = TRUE;
  g_hash_table_replace (self->entries, fresh->uuid, entry_ref (fresh));
  if (entry == NULL)
    g_list_store_insert_sorted (self->vms, fresh->vm, hv_vm_compare_by_name, NULL);
  return fresh;
}

static void
on_domain_added (GVirConnection   *connection,
                 GVirDomain       *domain,
                 HvLibvirtBackend *self)
{
  if (connection != self->connection)
    {
      /* Announced while the list is being read: apply_connection() adopts it. */
      if (self->connecting)
        {
          if (self->early_added == NULL)
            self->early_added = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (self->early_added, g_object_ref (domain));
        }
      return;
    }
  refresh_entry (self, adopt_domain (self, domain));
}

static void
on_domain_removed (GVirConnection   *connection,
                   GVirDomain       *domain,
                   HvLibvirtBackend *self)
{
  HvLibvirtEntry *entry;

  if (connection != self->connection)
    return;
  entry = g_hash_table_lookup (self->entries, gvir_domain_get_uuid (domain));
  if (entry != NULL)
    remove_entry (self, entry);
}

/* ───────────────────────── details (disks, network) ───────────────────────── */

typedef struct {
  HvLibvirtEntry *entry;
  gboolean        ok;
  DomainInfo      info;
  char          **disks;
  char           *network;
} Details;

static void
details_free (Details *details)
{
  g_clear_pointer (&details->entry, entry_unref);
  domain_info_clear (&details->info);
  g_strfreev (details->disks);
  g_free (details->network);
  g_free (details);
}

static gboolean
read_details (GVirDomain  *domain,
              char      ***out_disks,
              char       **out_network)
{
  g_autoptr(GVirConfigDomain) config = gvir_domain_get_config (domain, GVIR_DOMAIN_XML_INACTIVE, NULL);
  g_autoptr(GStrvBuilder) disks = g_strv_builder_new ();
  g_autoptr(GString) network = g_string_new (NULL);
  GList *devices;

  if (config == NULL)
    {
      virResetLastError ();
      return FALSE;
    }
  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        {
          GVirConfigDomainDisk *disk = l->data;
          const char *source = gvir_config_domain_disk_get_source (disk);

          if (gvir_config_domain_disk_get_guest_device_type (disk) == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK &&
              source != NULL)
            g_strv_builder_add (disks, source);
        }
      else if (GVIR_CONFIG_IS_DOMAIN_INTERFACE (l->data))
        {
          const char *text;

          if (GVIR_CONFIG_IS_DOMAIN_INTERFACE_USER (l->data))
            text = _("user (NAT)");
          else if (GVIR_CONFIG_IS_DOMAIN_INTERFACE_NETWORK (l->data))
            text = _("virtual network");
          else if (GVIR_CONFIG_IS_DOMAIN_INTERFACE_BRIDGE (l->data))
            text = _("bridge");
          else
            text = _("other");
          if (network->len > 0)
            g_string_append (network, ", ");
          g_string_append (network, text != NULL ? text : _("other"));
        }
    }
  g_list_free_full (devices, g_object_unref);

  *out_disks = g_strv_builder_end (disks);
  *out_network = network->len > 0 ? g_string_free (g_steal_pointer (&network), FALSE) : g_strdup (_("none"));
  return TRUE;
}

static void
details_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GPtrArray *list = task_data;

  for (guint i = 0; i < list->len; i++)
    {
      Details *details = g_ptr_array_index (list, i);

      if (g_cancellable_is_cancelled (cancellable))
        break;
      details->ok = read_details (details->entry->domain, &details->disks, &details->network);
    }
  g_task_return_boolean (task, TRUE);
}

typedef struct {
  HvLibvirtBackend *self;
  GPtrArray        *list;
  guint             next;
  guint             generation;
} DetailsApply;

static gboolean
apply_details_chunk (gpointer user_data)
{
  DetailsApply *apply = user_data;
  HvLibvirtBackend *self = apply->self;
  guint end = MIN (apply->next + DETAILS_CHUNK, apply->list->len);

  if (apply->generation != self->generation)
    return G_SOURCE_REMOVE;

  for (; apply->next < end; apply->next++)
    {
      Details *details = g_ptr_array_index (apply->list, apply->next);

      if (!details->ok || !details->entry->live || details->entry->vm == NULL)
        continue;
      hv_vm_set_disks (details->entry->vm, (const char * const *) details->disks);
      hv_vm_set_network (details->entry->vm, details->network);
    }
  if (apply->next < apply->list->len)
    return G_SOURCE_CONTINUE;

  self->details_loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAILS_LOADED]);
  return G_SOURCE_REMOVE;
}

static void
details_apply_free (DetailsApply *apply)
{
  g_object_unref (apply->self);
  g_ptr_array_unref (apply->list);
  g_free (apply);
}

static void
details_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HvLibvirtBackend) self = user_data;
  GPtrArray *list = g_task_get_task_data (G_TASK (result));
  guint generation = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "generation"));
  DetailsApply *apply;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || generation != self->generation)
    return;

  /* A few hundred per iteration: listeners of notify:: must not stall the loop. */
  apply = g_new0 (DetailsApply, 1);
  apply->self = g_object_ref (self);
  apply->list = g_ptr_array_ref (list);
  apply->generation = generation;
  if (apply_details_chunk (apply) == G_SOURCE_CONTINUE)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, apply_details_chunk, apply, (GDestroyNotify) details_apply_free);
  else
    details_apply_free (apply);
}

static void
load_details (HvLibvirtBackend *self)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) details_free);
  GHashTableIter iter;
  HvLibvirtEntry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->live && entry->domain != NULL)
      {
        Details *details = g_new0 (Details, 1);

        details->entry = entry_ref (entry);
        g_ptr_array_add (list, details);
      }

  task = g_task_new (self, self->cancellable, details_done, g_object_ref (self));
  g_task_set_source_tag (task, load_details);
  g_task_set_task_data (task, list, (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data (G_OBJECT (task), "generation", GUINT_TO_POINTER (self->generation));
  g_task_run_in_thread (task, details_worker);
}

/* Re-read one domain (info and details), e.g. after libvirt announced it. */
static void
refresh_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Details *details = task_data;

  read_domain_info (details->entry->domain, &details->info);
  details->ok = read_details (details->entry->domain, &details->disks, &details->network);
  g_task_return_boolean (task, TRUE);
}

static void
refresh_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Details *details = g_task_get_task_data (G_TASK (result));
  HvLibvirtEntry *entry = details->entry;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || !entry->live || entry->vm == NULL)
    return;
  details->info.entry = entry_ref (entry);
  apply_info (entry->vm, &details->info);
  if (details->ok)
    {
      hv_vm_set_disks (entry->vm, (const char * const *) details->disks);
      hv_vm_set_network (entry->vm, details->network);
    }
}

static void
refresh_entry (HvLibvirtBackend *self,
               HvLibvirtEntry   *entry)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, refresh_done, NULL);
  Details *details = g_new0 (Details, 1);

  details->entry = entry_ref (entry);
  g_task_set_source_tag (task, refresh_entry);
  g_task_set_task_data (task, details, (GDestroyNotify) details_free);
  g_task_run_in_thread (task, refresh_worker);
}

/* ───────────────────────── interface: basics ───────────────────────── */

static HvVmConnectionState
hv_libvirt_backend_get_connection_state (HvVmBackend *backend)
{
  return HV_LIBVIRT_BACKEND (backend)->connection_state;
}

static const char *
hv_libvirt_backend_get_connection_error (HvVmBackend *backend)
{
  return HV_LIBVIRT_BACKEND (backend)->connection_error;
}

static const char *
hv_libvirt_backend_get_name (HvVmBackend *backend)
{
  return "libvirt";
}

static const char *
hv_libvirt_backend_get_connection (HvVmBackend *backend)
{
  return HV_LIBVIRT_BACKEND (backend)->uri;
}

static GListModel *
hv_libvirt_backend_get_vms (HvVmBackend *backend)
{
  return G_LIST_MODEL (HV_LIBVIRT_BACKEND (backend)->vms);
}

static void
hv_libvirt_backend_connect_async (HvVmBackend         *backend,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hv_libvirt_backend_connect_async);
  g_ptr_array_add (self->connect_waiters, g_steal_pointer (&task));
  start_connect (self);
}

static gboolean
hv_libvirt_backend_connect_finish (HvVmBackend   *backend,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ───────────────────────── create ───────────────────────── */

static gboolean
uri_is_local (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS, NULL);
  const char *scheme, *plus, *host;

  if (parsed == NULL)
    return FALSE;
  host = g_uri_get_host (parsed);
  scheme = g_uri_get_scheme (parsed);
  plus = strchr (scheme, '+');
  if (plus != NULL && !g_str_equal (plus, "+unix"))
    return FALSE;
  return host == NULL || *host == '\0';
}

static gboolean
uri_is_test (const char *uri)
{
  return g_str_has_prefix (uri, "test:") || g_str_has_prefix (uri, "test+");
}

static gboolean
kvm_usable (void)
{
  int fd = open ("/dev/kvm", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

typedef struct {
  char           *uri;
  HvVmSpec       *spec;
  GVirConnection *connection;
  char           *disk_path;      /* a disk we create */
  char           *disk_dir;
  GVirDomain     *domain;         /* result */
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_free (data->uri);
  hv_vm_spec_free (data->spec);
  g_clear_object (&data->connection);
  g_free (data->disk_path);
  g_free (data->disk_dir);
  g_clear_object (&data->domain);
  g_free (data);
}

static GVirConfigDomain *
build_domain_config (const char     *uri,
                     const HvVmSpec *spec,
                     const char     *disk_path)
{
  g_autoptr(GVirConfigDomain) config = gvir_config_domain_new ();
  g_autoptr(GVirConfigDomainOs) os = gvir_config_domain_os_new ();
  g_autoptr(GVirConfigDomainDisk) disk = gvir_config_domain_disk_new ();
  g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();
  g_autoptr(GVirConfigDomainSerial) serial = gvir_config_domain_serial_new ();
  g_autoptr(GVirConfigDomainChardevSourcePty) pty = gvir_config_domain_chardev_source_pty_new ();
  GList *boot = NULL;
  gboolean has_iso = spec->iso != NULL && *spec->iso != '\0';
  const char *image = disk_path != NULL ? disk_path : spec->disk_image;
  g_autofree char *format = NULL;

  if (uri_is_test (uri))
    gvir_config_domain_set_virt_type (config, GVIR_CONFIG_DOMAIN_VIRT_TEST);
  else if (kvm_usable ())
    gvir_config_domain_set_virt_type (config, GVIR_CONFIG_DOMAIN_VIRT_KVM);
  else
    gvir_config_domain_set_virt_type (config, GVIR_CONFIG_DOMAIN_VIRT_QEMU);
  gvir_config_domain_set_name (config, spec->name);
  gvir_config_domain_set_memory (config, spec->memory / 1024);
  gvir_config_domain_set_vcpus (config, spec->vcpus);

  gvir_config_domain_os_set_os_type (os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  if (has_iso)
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM));
  boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
  gvir_config_domain_os_set_boot_devices (os, boot);
  g_list_free (boot);
  gvir_config_domain_set_os (config, os);

  gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (disk, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK);
  gvir_config_domain_disk_set_source (disk, image);
  gvir_config_domain_disk_set_target_bus (disk, GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO);
  gvir_config_domain_disk_set_target_dev (disk, "vda");
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  /* A new disk is qcow2; an existing image is named by its extension, else raw. */
  if (disk_path != NULL || g_str_has_suffix (image, ".qcow2"))
    gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2);
  else
    gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW);
  gvir_config_domain_disk_set_driver (disk, driver);
  gvir_config_domain_add_device (config, GVIR_CONFIG_DOMAIN_DEVICE (disk));

  if (has_iso)
    {
      g_autoptr(GVirConfigDomainDisk) cdrom = gvir_config_domain_disk_new ();

      gvir_config_domain_disk_set_type (cdrom, GVIR_CONFIG_DOMAIN_DISK_FILE);
      gvir_config_domain_disk_set_guest_device_type (cdrom, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM);
      gvir_config_domain_disk_set_source (cdrom, spec->iso);
      gvir_config_domain_disk_set_target_bus (cdrom, GVIR_CONFIG_DOMAIN_DISK_BUS_IDE);
      gvir_config_domain_disk_set_target_dev (cdrom, "hdc");
      gvir_config_domain_disk_set_readonly (cdrom, TRUE);
      gvir_config_domain_add_device (config, GVIR_CONFIG_DOMAIN_DEVICE (cdrom));
    }

  if (spec->network)
    {
      g_autoptr(GVirConfigDomainInterfaceUser) nic = gvir_config_domain_interface_user_new ();

      gvir_config_domain_interface_set_model (GVIR_CONFIG_DOMAIN_INTERFACE (nic), "virtio");
      gvir_config_domain_add_device (config, GVIR_CONFIG_DOMAIN_DEVICE (nic));
    }

  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (serial),
                                         GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (pty));
  gvir_config_domain_add_device (config, GVIR_CONFIG_DOMAIN_DEVICE (serial));

  return g_steal_pointer (&config);
}

static void
create_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CreateData *data = task_data;
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(GError) error = NULL;

  if (data->disk_path != NULL)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, data->spec->disk_size);
      const char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", data->disk_path, size, NULL };

      if (g_mkdir_with_parents (data->disk_dir, 0700) != 0)
        {
          int saved = errno;

          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                                   _("Could not create the folder %s for the disk of “%s”: %s"),
                                   data->disk_dir, data->spec->name, g_strerror (saved));
          return;
        }
      if (!hv_host_command_run_sync (argv, NULL, cancellable, NULL, NULL, &error))
        {
          g_rmdir (data->disk_dir);
          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                                   _("Could not create the disk image %s (is qemu-img installed?): %s"),
                                   data->disk_path, error->message);
          return;
        }
    }

  config = build_domain_config (data->uri, data->spec, data->disk_path);
  data->domain = gvir_connection_create_domain (data->connection, config, &error);
  if (data->domain == NULL)
    {
      if (data->disk_path != NULL)
        {
          g_unlink (data->disk_path);
          g_rmdir (data->disk_dir);
        }
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("libvirt refused to define “%s” on %s: %s"),
                               data->spec->name, data->uri, error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
create_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (source);
  CreateData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) disks = g_strv_builder_new ();
  g_auto(GStrv) disk_list = NULL;
  HvLibvirtEntry *entry;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->connection != data->connection)
    {
      /* Reconnected meanwhile: the new list already has it, or will. */
      entry = g_hash_table_lookup (self->entries, gvir_domain_get_uuid (data->domain));
      if (entry == NULL)
        {
          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_DISCONNECTED,
                                   _("“%s” was defined, but the connection to %s was lost meanwhile"),
                                   data->spec->name, self->uri);
          return;
        }
    }
  else
    {
      /* libvirt may have announced it already (domain-added), with the GVirDomain object
       * that receives its events: keep that one. */
      entry = g_hash_table_lookup (self->entries, gvir_domain_get_uuid (data->domain));
      if (entry == NULL)
        entry = adopt_domain (self, data->domain);
    }

  g_strv_builder_add (disks, data->disk_path != NULL ? data->disk_path : data->spec->disk_image);
  disk_list = g_strv_builder_end (disks);
  hv_vm_set_vcpus (entry->vm, data->spec->vcpus);
  hv_vm_set_memory (entry->vm, data->spec->memory / 1024 * 1024);
  hv_vm_set_disks (entry->vm, (const char * const *) disk_list);
  hv_vm_set_network (entry->vm, data->spec->network ? _("user (NAT)") : _("none"));
  g_task_return_pointer (task, g_object_ref (entry->vm), g_object_unref);
}

static char *
vm_dir_for (const char *name)
{
  g_autofree char *vms = hv_paths_get_data_subdir ("vms");

  return g_build_filename (vms, name, NULL);
}

static void
hv_libvirt_backend_create_async (HvVmBackend         *backend,
                                 const HvVmSpec      *spec,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) worker = NULL;
  g_autoptr(GError) error = NULL;
  CreateData *data;

  g_task_set_source_tag (task, hv_libvirt_backend_create_async);

  if (!hv_vm_spec_validate (spec, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->connection == NULL)
    {
      set_disconnected_error (&error, self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (hv_vm_backend_find_vm (backend, spec->name) != NULL)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_EXISTS,
                               _("A virtual machine named “%s” already exists on %s"), spec->name, self->uri);
      return;
    }

  data = g_new0 (CreateData, 1);
  data->uri = g_strdup (self->uri);
  data->spec = hv_vm_spec_copy (spec);
  data->connection = g_object_ref (self->connection);
  if (spec->disk_image == NULL || *spec->disk_image == '\0')
    {
      if (!uri_is_local (self->uri))
        {
          create_data_free (data);
          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_UNSUPPORTED,
                                   _("Hydravisor cannot create a new disk on the remote host of %s. "
                                     "Pick an existing disk image on that host instead"), self->uri);
          return;
        }
      data->disk_dir = vm_dir_for (spec->name);
      data->disk_path = g_build_filename (data->disk_dir, "disk.qcow2", NULL);
      if (g_file_test (data->disk_path, G_FILE_TEST_EXISTS))
        {
          g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_EXISTS,
                                   _("A disk image already exists at %s. Delete it, use it as an "
                                     "existing image, or pick another name"), data->disk_path);
          create_data_free (data);
          return;
        }
    }

  worker = g_task_new (self, cancellable, create_done, g_steal_pointer (&task));
  g_task_set_source_tag (worker, create_worker);
  g_task_set_task_data (worker, data, (GDestroyNotify) create_data_free);
  g_task_run_in_thread (worker, create_worker);
}

static HvVm *
hv_libvirt_backend_create_finish (HvVmBackend   *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ───────────────────────── actions ───────────────────────── */

typedef struct {
  HvVmAction  action;
  GVirDomain *domain;
  char       *name;
  char       *vm_dir;       /* disks below it are ours */
  HvVm       *vm;
  guint       timeout_id;
  gulong      notify_id;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (data->notify_id != 0)
    g_signal_handler_disconnect (data->vm, data->notify_id);
  g_clear_object (&data->domain);
  g_free (data->name);
  g_free (data->vm_dir);
  g_clear_object (&data->vm);
  g_free (data);
}

static const char *
action_verb (HvVmAction action)
{
  switch (action)
    {
    case HV_VM_ACTION_START: return _("start");
    case HV_VM_ACTION_SHUTDOWN: return _("shut down");
    case HV_VM_ACTION_FORCE_OFF: return _("force off");
    case HV_VM_ACTION_PAUSE: return _("pause");
    case HV_VM_ACTION_RESUME: return _("resume");
    case HV_VM_ACTION_DELETE:
    case HV_VM_ACTION_DELETE_WITH_DISKS: return _("delete");
    default: return "?";
    }
}

static gboolean
is_our_disk (const char *path,
             const char *vm_dir)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return vm_dir != NULL && g_str_equal (dir, vm_dir);
}

static void
action_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ActionData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVirConfigDomain) config = NULL;
  gboolean ok = FALSE;

  switch (data->action)
    {
    case HV_VM_ACTION_START:
      ok = gvir_domain_start (data->domain, 0, &error);
      break;
    case HV_VM_ACTION_SHUTDOWN:
      ok = gvir_domain_shutdown (data->domain, GVIR_DOMAIN_SHUTDOWN_NONE, &error);
      break;
    case HV_VM_ACTION_FORCE_OFF:
      ok = gvir_domain_stop (data->domain, 0, &error);
      break;
    case HV_VM_ACTION_PAUSE:
      ok = gvir_domain_suspend (data->domain, &error);
      break;
    case HV_VM_ACTION_RESUME:
      ok = gvir_domain_resume (data->domain, &error);
      break;
    case HV_VM_ACTION_DELETE:
    case HV_VM_ACTION_DELETE_WITH_DISKS:
      if (data->action == HV_VM_ACTION_DELETE_WITH_DISKS)
        config = gvir_domain_get_config (data->domain, GVIR_DOMAIN_XML_INACTIVE, NULL);
      ok = gvir_domain_delete (data->domain,
                               GVIR_DOMAIN_DELETE_SAVED_STATE | GVIR_DOMAIN_DELETE_SNAPSHOTS_METADATA,
                               &error);
      if (ok && config != NULL)
        {
          GList *devices = gvir_config_domain_get_devices (config);

          for (GList *l = devices; l != NULL; l = l->next)
            {
              const char *source;

              if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data) ||
                  gvir_config_domain_disk_get_guest_device_type (l->data) != GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK ||
                  (source = gvir_config_domain_disk_get_source (l->data)) == NULL ||
                  !is_our_disk (source, data->vm_dir))
                continue;
              if (g_unlink (source) != 0 && errno != ENOENT)
                g_warning ("Could not remove the disk %s of %s: %s", source, data->name, g_strerror (errno));
            }
          g_list_free_full (devices, g_object_unref);
          if (data->vm_dir != NULL)
            g_rmdir (data->vm_dir);
        }
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not %s “%s”: %s"), action_verb (data->action), data->name,
                               error != NULL ? error->message : libvirt_message ());
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void force_off_done (GObject *source, GAsyncResult *result, gpointer user_data);

static void
shutdown_finished (GTask *task)
{
  ActionData *data = g_task_get_task_data (task);

  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (data->notify_id != 0)
    {
      g_signal_handler_disconnect (data->vm, data->notify_id);
      data->notify_id = 0;
    }
  else
    return;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_shutdown_state (HvVm       *vm,
                   GParamSpec *pspec,
                   GTask      *task)
{
  if (!hv_vm_state_is_active (hv_vm_get_state (vm)))
    shutdown_finished (task);
}

static gboolean
shutdown_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  ActionData *data = g_task_get_task_data (task);
  GTask *worker;
  ActionData *stop;

  data->timeout_id = 0;
  g_debug ("%s did not shut down in time: forcing it off", data->name);
  stop = g_new0 (ActionData, 1);
  stop->action = HV_VM_ACTION_FORCE_OFF;
  stop->domain = g_object_ref (data->domain);
  stop->name = g_strdup (data->name);
  worker = g_task_new (g_task_get_source_object (task), NULL, force_off_done, g_object_ref (task));
  g_task_set_task_data (worker, stop, (GDestroyNotify) action_data_free);
  g_task_run_in_thread (worker, action_worker);
  g_object_unref (worker);
  return G_SOURCE_REMOVE;
}

static void
force_off_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;   /* our extra reference */
  ActionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (data->notify_id == 0)   /* already finished by the state change */
    return;
  if (!hv_vm_state_is_active (hv_vm_get_state (data->vm)))
    shutdown_finished (task);
  else if (!ok)
    {
      g_signal_handler_disconnect (data->vm, data->notify_id);
      data->notify_id = 0;
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);   /* the pending shutdown's reference */
    }
  /* else the stopped event finishes it */
}

static void
action_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (source);
  ActionData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  HvLibvirtEntry *entry;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->action)
    {
    case HV_VM_ACTION_DELETE:
    case HV_VM_ACTION_DELETE_WITH_DISKS:
      if ((entry = find_entry_for_vm (self, data->vm)) != NULL)
        remove_entry (self, entry);
      g_task_return_boolean (task, TRUE);
      break;

    case HV_VM_ACTION_SHUTDOWN:
      /* ACPI asked; the stopped event or the timeout (then force off) finishes it. */
      if (!hv_vm_state_is_active (hv_vm_get_state (data->vm)))
        {
          g_task_return_boolean (task, TRUE);
          break;
        }
      data->notify_id = g_signal_connect (data->vm, "notify::state", G_CALLBACK (on_shutdown_state), task);
      data->timeout_id = g_timeout_add_seconds (self->shutdown_timeout, shutdown_timeout_cb, task);
      g_steal_pointer (&task);   /* owned by the pending shutdown */
      break;

    default:
      /* The event normally says so first; reading the state once more after our own action
       * keeps the VM right when an event was lost (libvirtd restarting around it). */
      if ((entry = find_entry_for_vm (self, data->vm)) != NULL)
        refresh_entry (self, entry);
      g_task_return_boolean (task, TRUE);
      break;
    }
}

static gboolean
check_action_state (HvVm        *vm,
                    HvVmAction   action,
                    GError     **error)
{
  HvVmState state = hv_vm_get_state (vm);
  gboolean allowed;
  const char *why;

  switch (action)
    {
    case HV_VM_ACTION_START:
      allowed = !hv_vm_state_is_active (state);
      why = _("it is already running");
      break;
    case HV_VM_ACTION_SHUTDOWN:
    case HV_VM_ACTION_FORCE_OFF:
      allowed = hv_vm_state_is_active (state) || state == HV_VM_STATE_SUSPENDED || state == HV_VM_STATE_UNKNOWN;
      why = _("it is not running");
      break;
    case HV_VM_ACTION_PAUSE:
      allowed = state == HV_VM_STATE_RUNNING;
      why = _("it is not running");
      break;
    case HV_VM_ACTION_RESUME:
      allowed = state == HV_VM_STATE_PAUSED;
      why = _("it is not paused");
      break;
    case HV_VM_ACTION_DELETE:
    case HV_VM_ACTION_DELETE_WITH_DISKS:
      allowed = !hv_vm_state_is_active (state) && state != HV_VM_STATE_SUSPENDED;
      why = _("it is running; shut it down or force it off first");
      break;
    default:
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_UNSUPPORTED, _("Unknown action %d"), action);
      return FALSE;
    }
  if (!allowed)
    g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_WRONG_STATE, _("Cannot %s “%s”: %s"),
                 action_verb (action), hv_vm_get_name (vm), why);
  return allowed;
}

static HvLibvirtEntry *
lookup_entry (HvLibvirtBackend  *self,
              HvVm              *vm,
              GError           **error)
{
  HvLibvirtEntry *entry;

  if (self->connection == NULL)
    {
      set_disconnected_error (error, self);
      return NULL;
    }
  entry = find_entry_for_vm (self, vm);
  if (entry == NULL || entry->domain == NULL)
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND,
                   _("“%s” is not a virtual machine of %s (any more)"), hv_vm_get_name (vm), self->uri);
      return NULL;
    }
  return entry;
}

static void
hv_libvirt_backend_action_async (HvVmBackend         *backend,
                                 HvVm                *vm,
                                 HvVmAction           action,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) worker = NULL;
  g_autoptr(GError) error = NULL;
  HvLibvirtEntry *entry;
  ActionData *data;

  g_task_set_source_tag (task, hv_libvirt_backend_action_async);
  if ((entry = lookup_entry (self, vm, &error)) == NULL || !check_action_state (vm, action, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (ActionData, 1);
  data->action = action;
  data->domain = g_object_ref (entry->domain);
  data->name = g_strdup (hv_vm_get_name (vm));
  data->vm = g_object_ref (vm);
  if (uri_is_local (self->uri))
    data->vm_dir = vm_dir_for (data->name);
  g_task_set_task_data (task, data, (GDestroyNotify) action_data_free);

  worker = g_task_new (self, cancellable, action_done, g_steal_pointer (&task));
  g_task_set_source_tag (worker, action_worker);
  g_task_set_task_data (worker, data, NULL);
  g_task_run_in_thread (worker, action_worker);
}

static gboolean
hv_libvirt_backend_action_finish (HvVmBackend   *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ───────────────────────── snapshots ───────────────────────── */

typedef struct {
  GVirDomain         *domain;
  char               *vm_name;
  HvVmSnapshotAction  action;
  char               *name;
} SnapshotData;

static void
snapshot_data_free (SnapshotData *data)
{
  g_clear_object (&data->domain);
  g_free (data->vm_name);
  g_free (data->name);
  g_free (data);
}

static GVirDomainSnapshot *
find_snapshot (GVirDomain  *domain,
               const char  *vm_name,
               const char  *name,
               GError     **error)
{
  g_autoptr(GError) local = NULL;
  GList *snapshots;
  GVirDomainSnapshot *found = NULL;

  if (!gvir_domain_fetch_snapshots (domain, GVIR_DOMAIN_SNAPSHOT_LIST_ALL, NULL, &local))
    {
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                   _("Could not list the snapshots of “%s”: %s"), vm_name, local->message);
      return NULL;
    }
  snapshots = gvir_domain_get_snapshots (domain);
  for (GList *l = snapshots; l != NULL; l = l->next)
    if (found == NULL && g_strcmp0 (gvir_domain_snapshot_get_name (l->data), name) == 0)
      found = g_object_ref (l->data);
  g_list_free_full (snapshots, g_object_unref);
  if (found == NULL && name != NULL)
    g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND,
                 _("“%s” has no snapshot named “%s”"), vm_name, name);
  return found;
}

static void
snapshot_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SnapshotData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVirDomainSnapshot) snapshot = NULL;
  gboolean ok = FALSE;
  const char *verb = "";

  switch (data->action)
    {
    case HV_VM_SNAPSHOT_CREATE:
      {
        g_autoptr(GVirConfigDomainSnapshot) config = gvir_config_domain_snapshot_new ();
        g_autoptr(GError) ignored = NULL;

        verb = _("create");
        if ((snapshot = find_snapshot (data->domain, data->vm_name, data->name, &ignored)) != NULL)
          {
            g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_EXISTS,
                                     _("“%s” already has a snapshot named “%s”"), data->vm_name, data->name);
            return;
          }
        gvir_config_domain_snapshot_set_name (config, data->name);
        snapshot = gvir_domain_create_snapshot (data->domain, config, GVIR_DOMAIN_SNAPSHOT_NONE, &error);
        ok = snapshot != NULL;
      }
      break;
    case HV_VM_SNAPSHOT_REVERT:
    case HV_VM_SNAPSHOT_DELETE:
      verb = data->action == HV_VM_SNAPSHOT_REVERT ? _("revert to") : _("delete");
      if ((snapshot = find_snapshot (data->domain, data->vm_name, data->name, &error)) == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (data->action == HV_VM_SNAPSHOT_REVERT)
        ok = gvir_domain_snapshot_revert_to (snapshot, 0, &error);
      else
        ok = gvir_domain_snapshot_delete (snapshot, 0, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not %s the snapshot “%s” of “%s”: %s"), verb, data->name,
                               data->vm_name, error != NULL ? error->message : libvirt_message ());
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
hv_libvirt_backend_snapshot_async (HvVmBackend         *backend,
                                   HvVm                *vm,
                                   HvVmSnapshotAction   action,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  HvLibvirtEntry *entry;
  SnapshotData *data;

  g_task_set_source_tag (task, hv_libvirt_backend_snapshot_async);
  if (!hv_vm_name_validate (name, &error) || (entry = lookup_entry (self, vm, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_new0 (SnapshotData, 1);
  data->domain = g_object_ref (entry->domain);
  data->vm_name = g_strdup (hv_vm_get_name (vm));
  data->action = action;
  data->name = g_strdup (name);
  g_task_set_task_data (task, data, (GDestroyNotify) snapshot_data_free);
  g_task_run_in_thread (task, snapshot_worker);
}

static gboolean
hv_libvirt_backend_snapshot_finish (HvVmBackend   *backend,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static int
compare_snapshots (gconstpointer a,
                   gconstpointer b)
{
  HvVmSnapshot *x = *(HvVmSnapshot **) a, *y = *(HvVmSnapshot **) b;
  gint64 cx = hv_vm_snapshot_get_created (x), cy = hv_vm_snapshot_get_created (y);

  if (cx != cy)
    return cx < cy ? -1 : 1;
  return g_strcmp0 (hv_vm_snapshot_get_name (x), hv_vm_snapshot_get_name (y));
}

static void
list_snapshots_worker (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  SnapshotData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  GList *snapshots;

  if (!gvir_domain_fetch_snapshots (data->domain, GVIR_DOMAIN_SNAPSHOT_LIST_ALL, cancellable, &error))
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not list the snapshots of “%s”: %s"), data->vm_name, error->message);
      return;
    }
  snapshots = gvir_domain_get_snapshots (data->domain);
  for (GList *l = snapshots; l != NULL; l = l->next)
    {
      GVirDomainSnapshot *snapshot = l->data;
      g_autoptr(GVirConfigDomainSnapshot) config = gvir_domain_snapshot_get_config (snapshot, 0, NULL);
      gboolean is_current = FALSE;
      gboolean with_memory = FALSE;
      const char *description = NULL;
      gint64 created = 0;

      if (!gvir_domain_snapshot_get_is_current (snapshot, 0, &is_current, NULL))
        is_current = FALSE;
      if (config != NULL)
        {
          GVirConfigDomainSnapshotDomainState state = gvir_config_domain_snapshot_get_state (config);

          description = gvir_config_domain_snapshot_get_description (config);
          created = gvir_config_domain_snapshot_get_creation_time (config);
          with_memory = gvir_config_domain_snapshot_get_memory_state (config) != GVIR_CONFIG_DOMAIN_SNAPSHOT_MEMORY_STATE_NONE &&
                        (state == GVIR_CONFIG_DOMAIN_SNAPSHOT_DOMAIN_STATE_RUNNING ||
                         state == GVIR_CONFIG_DOMAIN_SNAPSHOT_DOMAIN_STATE_PAUSED ||
                         state == GVIR_CONFIG_DOMAIN_SNAPSHOT_DOMAIN_STATE_BLOCKED);
        }
      virResetLastError ();
      g_ptr_array_add (result, hv_vm_snapshot_new (gvir_domain_snapshot_get_name (snapshot),
                                                   description, created, with_memory, is_current));
    }
  g_list_free_full (snapshots, g_object_unref);
  g_ptr_array_sort (result, compare_snapshots);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) g_ptr_array_unref);
}

static void
hv_libvirt_backend_list_snapshots_async (HvVmBackend         *backend,
                                         HvVm                *vm,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  HvLibvirtEntry *entry;
  SnapshotData *data;

  g_task_set_source_tag (task, hv_libvirt_backend_list_snapshots_async);
  if ((entry = lookup_entry (self, vm, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_new0 (SnapshotData, 1);
  data->domain = g_object_ref (entry->domain);
  data->vm_name = g_strdup (hv_vm_get_name (vm));
  g_task_set_task_data (task, data, (GDestroyNotify) snapshot_data_free);
  g_task_run_in_thread (task, list_snapshots_worker);
}

static GPtrArray *
hv_libvirt_backend_list_snapshots_finish (HvVmBackend   *backend,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ───────────────────────── stats ───────────────────────── */

typedef struct {
  GVirDomain *domain;
  char       *vm_name;
  HvVm       *vm;
  guint64     cpu_time;      /* ns */
  gint64      sampled_us;    /* monotonic */
  guint64     memory_used;   /* bytes */
  gboolean    active;
} StatsData;

static void
stats_data_free (StatsData *data)
{
  g_clear_object (&data->domain);
  g_free (data->vm_name);
  g_clear_object (&data->vm);
  g_free (data);
}

static void
stats_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StatsData *data = task_data;
  virDomainPtr handle = domain_handle (data->domain);
  virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
  guint64 available = 0, unused = 0, rss = 0;
  virDomainInfo info;
  int n;

  if (handle == NULL || virDomainGetInfo (handle, &info) < 0)
    {
      g_task_return_new_error (task, HV_VM_ERROR, HV_VM_ERROR_FAILED,
                               _("Could not read the statistics of “%s”: %s"), data->vm_name, libvirt_message ());
      if (handle != NULL)
        virDomainFree (handle);
      return;
    }
  data->sampled_us = g_get_monotonic_time ();
  data->cpu_time = info.cpuTime;
  data->active = info.state == VIR_DOMAIN_RUNNING || info.state == VIR_DOMAIN_BLOCKED ||
                 info.state == VIR_DOMAIN_PAUSED || info.state == VIR_DOMAIN_SHUTDOWN;
  data->memory_used = (guint64) info.memory * 1024;

  if (data->active && (n = virDomainMemoryStats (handle, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0)) > 0)
    {
      for (int i = 0; i < n; i++)
        switch (stats[i].tag)
          {
          case VIR_DOMAIN_MEMORY_STAT_AVAILABLE: available = stats[i].val; break;
          case VIR_DOMAIN_MEMORY_STAT_UNUSED: unused = stats[i].val; break;
          case VIR_DOMAIN_MEMORY_STAT_RSS: rss = stats[i].val; break;
          default: break;
          }
      /* The guest's own view if the balloon driver reports it, else what the host sees. */
      if (available > 0 && unused > 0 && unused <= available)
        data->memory_used = (available - unused) * 1024;
      else if (rss > 0)
        data->memory_used = rss * 1024;
    }
  virResetLastError ();
  virDomainFree (handle);
  g_task_return_boolean (task, TRUE);
}

static void
stats_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (source);
  StatsData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  HvLibvirtEntry *entry;
  double percent = -1;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  entry = find_entry_for_vm (self, data->vm);
  if (entry != NULL)
    {
      if (entry->last_sample_us != 0 && data->sampled_us > entry->last_sample_us &&
          data->cpu_time >= entry->last_cpu_time)
        percent = (double) (data->cpu_time - entry->last_cpu_time) /
                  ((double) (data->sampled_us - entry->last_sample_us) * 1000.0) * 100.0;
      entry->last_cpu_time = data->cpu_time;
      entry->last_sample_us = data->sampled_us;
    }
  if (data->active)
    hv_vm_set_stats (data->vm, percent, data->memory_used);
  else
    hv_vm_set_stats (data->vm, -1, 0);
  g_task_return_boolean (task, TRUE);
}

static void
hv_libvirt_backend_update_stats_async (HvVmBackend         *backend,
                                       HvVm                *vm,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) worker = NULL;
  g_autoptr(GError) error = NULL;
  HvLibvirtEntry *entry;
  StatsData *data;

  g_task_set_source_tag (task, hv_libvirt_backend_update_stats_async);
  if ((entry = lookup_entry (self, vm, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_new0 (StatsData, 1);
  data->domain = g_object_ref (entry->domain);
  data->vm_name = g_strdup (hv_vm_get_name (vm));
  data->vm = g_object_ref (vm);
  worker = g_task_new (self, cancellable, stats_done, g_steal_pointer (&task));
  g_task_set_task_data (worker, data, (GDestroyNotify) stats_data_free);
  g_task_run_in_thread (worker, stats_worker);
}

static gboolean
hv_libvirt_backend_update_stats_finish (HvVmBackend   *backend,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ───────────────────────── console ───────────────────────── */

static char **
hv_libvirt_backend_get_console_argv (HvVmBackend  *backend,
                                     HvVm         *vm,
                                     GError      **error)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (backend);
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();

  if (!hv_vm_name_validate (hv_vm_get_name (vm), error))
    return NULL;
  g_strv_builder_add_many (argv, "virsh", "-c", self->uri, "console", "--force", hv_vm_get_name (vm), NULL);
  return g_strv_builder_end (argv);
}

/* ───────────────────────── GObject ───────────────────────── */

static void
hv_libvirt_backend_iface_init (HvVmBackendInterface *iface)
{
  iface->get_name = hv_libvirt_backend_get_name;
  iface->get_connection_state = hv_libvirt_backend_get_connection_state;
  iface->get_connection_error = hv_libvirt_backend_get_connection_error;
  iface->get_connection = hv_libvirt_backend_get_connection;
  iface->get_vms = hv_libvirt_backend_get_vms;
  iface->connect_async = hv_libvirt_backend_connect_async;
  iface->connect_finish = hv_libvirt_backend_connect_finish;
  iface->create_async = hv_libvirt_backend_create_async;
  iface->create_finish = hv_libvirt_backend_create_finish;
  iface->action_async = hv_libvirt_backend_action_async;
  iface->action_finish = hv_libvirt_backend_action_finish;
  iface->snapshot_async = hv_libvirt_backend_snapshot_async;
  iface->snapshot_finish = hv_libvirt_backend_snapshot_finish;
  iface->list_snapshots_async = hv_libvirt_backend_list_snapshots_async;
  iface->list_snapshots_finish = hv_libvirt_backend_list_snapshots_finish;
  iface->update_stats_async = hv_libvirt_backend_update_stats_async;
  iface->update_stats_finish = hv_libvirt_backend_update_stats_finish;
  iface->get_console_argv = hv_libvirt_backend_get_console_argv;
}

static void
hv_libvirt_backend_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_DETAILS_LOADED:
      g_value_set_boolean (value, self->details_loaded);
      break;
    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->connection_state);
      break;
    case PROP_CONNECTION_ERROR:
      g_value_set_string (value, self->connection_error);
      break;
    case PROP_SHUTDOWN_TIMEOUT:
      g_value_set_uint (value, self->shutdown_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_libvirt_backend_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      break;
    case PROP_SHUTDOWN_TIMEOUT:
      self->shutdown_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_libvirt_backend_dispose (GObject *object)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  teardown_connection (self);
  if (self->entries != NULL)
    g_hash_table_remove_all (self->entries);
  if (self->vms != NULL)
    g_list_store_remove_all (self->vms);
  G_OBJECT_CLASS (hv_libvirt_backend_parent_class)->dispose (object);
}

static void
hv_libvirt_backend_finalize (GObject *object)
{
  HvLibvirtBackend *self = HV_LIBVIRT_BACKEND (object);

  g_free (self->uri);
  g_free (self->connection_error);
  g_clear_object (&self->vms);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->connect_waiters, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (hv_libvirt_backend_parent_class)->finalize (object);
}

static void
hv_libvirt_backend_class_init (HvLibvirtBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  g_autoptr(GError) error = NULL;

  /* libvirt writes to its daemon's socket without MSG_NOSIGNAL and leaves SIGPIPE to the
   * application: a libvirtd that goes away would kill the window (or `hydravisor vm`) with
   * it, where the backend should show the connection down and retry. */
  signal (SIGPIPE, SIG_IGN);

  /* libvirt events on the GLib main loop; once per process. */
  if (!gvir_init_object_check (NULL, NULL, &error))
    g_warning ("Could not initialise libvirt-gobject: %s", error->message);

  object_class->get_property = hv_libvirt_backend_get_property;
  object_class->set_property = hv_libvirt_backend_set_property;
  object_class->dispose = hv_libvirt_backend_dispose;
  object_class->finalize = hv_libvirt_backend_finalize;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DETAILS_LOADED] =
    g_param_spec_boolean ("details-loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_CONNECTION_STATE, "connection-state");
  g_object_class_override_property (object_class, PROP_CONNECTION_ERROR, "connection-error");
  g_object_class_override_property (object_class, PROP_SHUTDOWN_TIMEOUT, "shutdown-timeout");
  connection_state_pspec = g_object_class_find_property (object_class, "connection-state");
  connection_error_pspec = g_object_class_find_property (object_class, "connection-error");
}

static void
hv_libvirt_backend_init (HvLibvirtBackend *self)
{
  self->vms = g_list_store_new (HV_TYPE_VM);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_unref);
  self->connect_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->shutdown_timeout = 60;
  self->reconnect_delay_ms = RECONNECT_FIRST_MS;
  self->connection_state = HV_VM_CONNECTION_DISCONNECTED;
}

HvLibvirtBackend *
hv_libvirt_backend_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL && *uri != '\0', NULL);
  return g_object_new (HV_TYPE_LIBVIRT_BACKEND, "uri", uri, NULL);
}

const char *
hv_libvirt_backend_get_uri (HvLibvirtBackend *self)
{
  g_return_val_if_fail (HV_IS_LIBVIRT_BACKEND (self), NULL);
  return self->uri;
}

gboolean
hv_libvirt_backend_get_details_loaded (HvLibvirtBackend *self)
{
  g_return_val_if_fail (HV_IS_LIBVIRT_BACKEND (self), FALSE);
  return self->details_loaded;
}
