// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hv-cli-private.h"
#include "hv-config.h"
#include "hv-host-command.h"
#include "hv-qemu-backend.h"
#include "hv-vm-backend.h"
#include "hv-vm-manager.h"

/* `hydravisor vm …`: the same backends as the window, one connection at a time. */

typedef struct {
  const char *action;
  const char *name;        /* the VM */
  const char *snapshot;    /* snapshot action's second name */
  const char *snapshot_action;
  const char *uri;
  const char *backend;     /* "qemu" | "libvirt" | NULL */
  gboolean    json;
  gboolean    force;
  gboolean    with_disks;
  /* create */
  const char *cpu;
  const char *ram;
  const char *disk;
  const char *image;
  const char *iso;
  gboolean    no_network;
} VmArgs;

static char *
format_bytes (guint64 bytes)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *size = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);

  /* GLib separates the unit with a no-break space; a terminal table wants a plain one. */
  g_string_append (text, size);
  g_string_replace (text, "\u00a0", " ", 0);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The connections a command works on: --uri names one libvirt connection, --backend picks
 * the QEMU backend or the configured libvirt ones; neither means all of them. */
static GPtrArray *
open_backends (HvConfig      *config,
               const VmArgs  *args,
               gboolean       for_create,
               GError       **error)
{
  g_autoptr(GPtrArray) backends = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) uris = g_ptr_array_new ();
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  const char *preferred = args->backend;

  if (args->uri != NULL)
    g_ptr_array_add (uris, (gpointer) args->uri);
  else
    {
      const char * const *configured = hv_config_get_strv (config, "libvirt.uris");
      const char *env_uri = g_getenv ("LIBVIRT_DEFAULT_URI");

      if (preferred == NULL && for_create)
        preferred = hv_config_get_string (config, "defaults.vm_backend");
      if (preferred == NULL || g_str_equal (preferred, "qemu"))
        g_ptr_array_add (backends, hv_qemu_backend_new (NULL, NULL));
      if (preferred == NULL || g_str_equal (preferred, "libvirt"))
        {
          if (env_uri != NULL && *env_uri != '\0')
            g_ptr_array_add (uris, (gpointer) env_uri);
          for (guint i = 0; configured != NULL && configured[i] != NULL; i++)
            if (g_strcmp0 (configured[i], env_uri) != 0)
              g_ptr_array_add (uris, (gpointer) configured[i]);
          /* create goes to the first libvirt connection only */
          if (for_create && uris->len > 1)
            g_ptr_array_set_size (uris, 1);
        }
    }

  for (guint i = 0; i < uris->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      HvVmBackend *backend = hv_vm_manager_new_libvirt_backend (g_ptr_array_index (uris, i), &local_error);

      if (backend != NULL)
        g_ptr_array_add (backends, backend);
      else
        g_ptr_array_add (failures, g_strdup_printf ("%s: %s", (char *) g_ptr_array_index (uris, i),
                                                    local_error->message));
    }

  for (guint i = 0; i < backends->len; )
    {
      HvVmBackend *backend = g_ptr_array_index (backends, i);
      g_autoptr(GError) local_error = NULL;

      if (hv_vm_backend_connect_sync (backend, NULL, &local_error))
        {
          i++;
          continue;
        }
      g_ptr_array_add (failures, g_strdup_printf ("%s: %s", hv_vm_backend_get_connection (backend),
                                                  local_error->message));
      g_ptr_array_remove_index (backends, i);
    }

  if (backends->len == 0)
    {
      g_autofree char *why = NULL;

      g_ptr_array_add (failures, NULL);
      why = failures->len > 1 ? g_strjoinv ("; ", (char **) failures->pdata) : g_strdup (_("no connection to use"));
      g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_DISCONNECTED, _("could not connect (%s)"), why);
      return NULL;
    }
  /* Some connections failing is worth a warning, not a failure, when listing everything. */
  for (guint i = 0; i < failures->len; i++)
    fprintf (stderr, "hydravisor: warning: %s\n", (char *) g_ptr_array_index (failures, i));
  return g_steal_pointer (&backends);
}

static HvVm *
find_vm (GPtrArray    *backends,
         const char   *name,
         HvVmBackend **backend_out,
         GError      **error)
{
  for (guint i = 0; i < backends->len; i++)
    {
      HvVmBackend *backend = g_ptr_array_index (backends, i);
      HvVm *vm = hv_vm_backend_find_vm (backend, name);

      if (vm != NULL)
        {
          *backend_out = backend;
          return vm;
        }
    }
  g_set_error (error, HV_VM_ERROR, HV_VM_ERROR_NOT_FOUND,
               _("there is no VM “%s” (hydravisor vm list shows them)"), name);
  return NULL;
}

static JsonNode *
vm_to_json (HvVm *vm)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char * const *disks = hv_vm_get_disks (vm);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, hv_vm_get_name (vm));
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, hv_vm_get_uuid (vm));
  json_builder_set_member_name (builder, "backend");
  json_builder_add_string_value (builder, hv_vm_get_backend_name (vm));
  json_builder_set_member_name (builder, "connection");
  json_builder_add_string_value (builder, hv_vm_get_connection (vm));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, hv_vm_state_to_string (hv_vm_get_state (vm)));
  if (hv_vm_get_state_reason (vm) != NULL)
    {
      json_builder_set_member_name (builder, "state_reason");
      json_builder_add_string_value (builder, hv_vm_get_state_reason (vm));
    }
  json_builder_set_member_name (builder, "vcpus");
  json_builder_add_int_value (builder, hv_vm_get_vcpus (vm));
  json_builder_set_member_name (builder, "memory");
  json_builder_add_int_value (builder, (gint64) hv_vm_get_memory (vm));
  json_builder_set_member_name (builder, "disks");
  json_builder_begin_array (builder);
  for (guint i = 0; disks[i] != NULL; i++)
    json_builder_add_string_value (builder, disks[i]);
  json_builder_end_array (builder);
  if (hv_vm_get_network (vm) != NULL)
    {
      json_builder_set_member_name (builder, "network");
      json_builder_add_string_value (builder, hv_vm_get_network (vm));
    }
  json_builder_set_member_name (builder, "uptime");
  json_builder_add_int_value (builder, hv_vm_get_uptime (vm));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

static int
vm_list (GPtrArray *backends,
         gboolean   json)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  guint name_width = 4;

  for (guint b = 0; b < backends->len; b++)
    {
      GListModel *vms = hv_vm_backend_get_vms (g_ptr_array_index (backends, b));
      guint n = g_list_model_get_n_items (vms);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HvVm) vm = g_list_model_get_item (vms, i);

          name_width = MAX (name_width, strlen (hv_vm_get_name (vm)));
        }
    }

  if (!json)
    g_string_append_printf (out, "%-*s  %-13s  %5s  %10s  %s\n", (int) name_width,
                            "NAME", "STATE", "VCPUS", "MEMORY", "CONNECTION");
  for (guint b = 0; b < backends->len; b++)
    {
      GListModel *vms = hv_vm_backend_get_vms (g_ptr_array_index (backends, b));
      guint n = g_list_model_get_n_items (vms);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HvVm) vm = g_list_model_get_item (vms, i);
          g_autofree char *memory = format_bytes (hv_vm_get_memory (vm));

          if (json)
            json_array_add_element (array, vm_to_json (vm));
          else
            g_string_append_printf (out, "%-*s  %-13s  %5u  %10s  %s\n", (int) name_width,
                                    hv_vm_get_name (vm),
                                    hv_vm_state_to_string (hv_vm_get_state (vm)),
                                    hv_vm_get_vcpus (vm), memory, hv_vm_get_connection (vm));
        }
    }

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (root, array);
      print_json (root);
    }
  else
    fwrite (out->str, 1, out->len, stdout);
  return HV_CLI_EXIT_OK;
}

static int
vm_info (HvVmBackend *backend,
         HvVm        *vm,
         gboolean     json)
{
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = vm_to_json (vm);
  const char * const *disks = hv_vm_get_disks (vm);
  g_autofree char *memory = format_bytes (hv_vm_get_memory (vm));

  snapshots = hv_vm_backend_list_snapshots_sync (backend, vm, NULL, &error);
  if (json)
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; snapshots != NULL && i < snapshots->len; i++)
        {
          HvVmSnapshot *snapshot = g_ptr_array_index (snapshots, i);
          JsonObject *item = json_object_new ();

          json_object_set_string_member (item, "name", hv_vm_snapshot_get_name (snapshot));
          json_object_set_int_member (item, "created", hv_vm_snapshot_get_created (snapshot));
          json_object_set_boolean_member (item, "current", hv_vm_snapshot_get_is_current (snapshot));
          json_array_add_object_element (array, item);
        }
      json_object_set_array_member (object, "snapshots", g_steal_pointer (&array));
      print_json (node);
      return HV_CLI_EXIT_OK;
    }

  printf ("Name:        %s\n", hv_vm_get_name (vm));
  printf ("UUID:        %s\n", hv_vm_get_uuid (vm) != NULL ? hv_vm_get_uuid (vm) : "");
  printf ("Connection:  %s (%s)\n", hv_vm_get_connection (vm), hv_vm_get_backend_name (vm));
  printf ("State:       %s%s%s%s\n", hv_vm_state_to_string (hv_vm_get_state (vm)),
          hv_vm_get_state_reason (vm) != NULL ? " (" : "",
          hv_vm_get_state_reason (vm) != NULL ? hv_vm_get_state_reason (vm) : "",
          hv_vm_get_state_reason (vm) != NULL ? ")" : "");
  printf ("vCPUs:       %u\n", hv_vm_get_vcpus (vm));
  printf ("Memory:      %s\n", memory);
  for (guint i = 0; disks[i] != NULL; i++)
    printf ("Disk:        %s\n", disks[i]);
  if (hv_vm_get_network (vm) != NULL)
    printf ("Network:     %s\n", hv_vm_get_network (vm));
  if (hv_vm_get_uptime (vm) > 0)
    printf ("Uptime:      %" G_GINT64_FORMAT " s\n", hv_vm_get_uptime (vm));
  if (snapshots != NULL)
    for (guint i = 0; i < snapshots->len; i++)
      printf ("Snapshot:    %s%s\n", hv_vm_snapshot_get_name (g_ptr_array_index (snapshots, i)),
              hv_vm_snapshot_get_is_current (g_ptr_array_index (snapshots, i)) ? " (current)" : "");
  return HV_CLI_EXIT_OK;
}

static gboolean
parse_size_arg (const char  *option,
                const char  *text,
                guint64     *out,
                GError     **error)
{
  /* The sizes of config.toml: integer bytes or "512MB", "4GB", "1.5GiB". */
  if (!hv_config_parse_size (text, out, error))
    {
      g_prefix_error (error, "%s: ", option);
      return FALSE;
    }
  return TRUE;
}

static int
vm_create (HvConfig     *config,
           GPtrArray    *backends,
           const VmArgs *args)
{
  g_autoptr(HvVmSpec) spec = hv_vm_spec_new (args->name);
  g_autoptr(GError) error = NULL;
  g_autoptr(HvVm) vm = NULL;
  HvVmBackend *backend = g_ptr_array_index (backends, 0);
  guint64 cpu_limit = hv_config_get_int (config, "policy.defaults.vm.cpu_limit");
  guint64 ram_limit = hv_config_get_size (config, "policy.defaults.vm.ram_limit");
  guint64 disk_limit = hv_config_get_size (config, "policy.defaults.vm.disk_limit");

  spec->vcpus = hv_config_get_int (config, "defaults.cpu");
  spec->memory = hv_config_get_size (config, "defaults.ram");
  spec->disk_size = hv_config_get_size (config, "defaults.disk");
  spec->network = !args->no_network;

  if (args->cpu != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (args->cpu, 10, 1, 1024, &value, NULL))
        return hv_cli_usage_error ("vm", _("--cpu needs a number of vCPUs from 1 to 1024, not “%s”"), args->cpu);
      spec->vcpus = value;
    }
  if (args->ram != NULL && !parse_size_arg ("--ram", args->ram, &spec->memory, &error))
    return hv_cli_usage_error ("vm", "%s", error->message);
  if (args->disk != NULL && !parse_size_arg ("--disk", args->disk, &spec->disk_size, &error))
    return hv_cli_usage_error ("vm", "%s", error->message);
  if (args->image != NULL)
    {
      spec->disk_image = g_canonicalize_filename (args->image, NULL);
      spec->disk_size = 0;
    }
  else if (args->disk == NULL && *hv_config_get_string (config, "defaults.vm_image") != '\0')
    {
      const char *image = hv_config_get_string (config, "defaults.vm_image");

      /* defaults.vm_image: an ISO installs onto a new disk; anything else is the disk */
      if (g_str_has_suffix (image, ".iso"))
        spec->iso = g_strdup (image);
      else
        {
          spec->disk_image = g_strdup (image);
          spec->disk_size = 0;
        }
    }
  if (args->iso != NULL)
    {
      g_free (spec->iso);
      spec->iso = g_canonicalize_filename (args->iso, NULL);
    }

  /* policy.toml [defaults.vm] limits what a VM may be given */
  if (spec->vcpus > cpu_limit)
    {
      g_autofree char *why = g_strdup_printf (_("%u vCPUs is over the policy limit of %" G_GUINT64_FORMAT
                                                " (defaults.vm.cpu_limit in policy.toml)"),
                                              spec->vcpus, cpu_limit);
      return hv_cli_fail ("vm create", why);
    }
  if (spec->memory > ram_limit)
    {
      g_autofree char *have = format_bytes (spec->memory);
      g_autofree char *limit = format_bytes (ram_limit);
      g_autofree char *why = g_strdup_printf (_("%s of memory is over the policy limit of %s "
                                                "(defaults.vm.ram_limit in policy.toml)"), have, limit);
      return hv_cli_fail ("vm create", why);
    }
  if (spec->disk_size > disk_limit)
    {
      g_autofree char *have = format_bytes (spec->disk_size);
      g_autofree char *limit = format_bytes (disk_limit);
      g_autofree char *why = g_strdup_printf (_("a %s disk is over the policy limit of %s "
                                                "(defaults.vm.disk_limit in policy.toml)"), have, limit);
      return hv_cli_fail ("vm create", why);
    }

  vm = hv_vm_backend_create_sync (backend, spec, NULL, &error);
  if (vm == NULL)
    return hv_cli_fail ("vm create", error->message);
  printf (_("Created %s on %s\n"), hv_vm_get_name (vm), hv_vm_get_connection (vm));
  return HV_CLI_EXIT_OK;
}

/* The QEMU console: the serial socket bridged to this terminal; Ctrl+] leaves. */
typedef struct {
  GMainLoop     *loop;
  GOutputStream *to_vm;
  int            status;
} Bridge;

static gboolean
console_stdin_ready (int           fd,
                     GIOCondition  condition,
                     Bridge       *bridge)
{
  char buf[4096];
  gssize n = read (fd, buf, sizeof buf);

  if (n < 0 && errno == EINTR)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      g_main_loop_quit (bridge->loop);
      return G_SOURCE_REMOVE;
    }
  if (memchr (buf, 0x1d, n) != NULL)   /* Ctrl+] */
    {
      n = (char *) memchr (buf, 0x1d, n) - buf;
      g_main_loop_quit (bridge->loop);
    }
  if (n > 0 && !g_output_stream_write_all (bridge->to_vm, buf, n, NULL, NULL, NULL))
    {
      bridge->status = HV_CLI_EXIT_FAILED;
      g_main_loop_quit (bridge->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
console_vm_ready (GSocket      *socket,
                  GIOCondition  condition,
                  Bridge       *bridge)
{
  char buf[4096];
  gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);

  if (n <= 0)
    {
      fprintf (stderr, "\r\nhydravisor: the console closed (the VM stopped)\r\n");
      g_main_loop_quit (bridge->loop);
      return G_SOURCE_REMOVE;
    }
  for (gssize done = 0; done < n; )
    {
      gssize w = write (STDOUT_FILENO, buf + done, n - done);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          g_main_loop_quit (bridge->loop);
          return G_SOURCE_REMOVE;
        }
      done += w;
    }
  return G_SOURCE_CONTINUE;
}

static int
console_bridge (const char *socket_path,
                const char *name)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (socket_path);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) vm_source = NULL;
  Bridge bridge = { NULL, NULL, HV_CLI_EXIT_OK };
  struct termios saved, raw;
  gboolean is_tty = isatty (STDIN_FILENO);
  guint stdin_id;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  if (connection == NULL)
    {
      g_autofree char *why = g_strdup_printf (_("cannot reach the serial console of %s (%s); is it running?"),
                                              name, error->message);
      return hv_cli_fail ("vm console", why);
    }

  if (is_tty)
    {
      fprintf (stderr, _("Connected to the serial console of %s. Press Ctrl+] to leave.\r\n"), name);
      tcgetattr (STDIN_FILENO, &saved);
      raw = saved;
      cfmakeraw (&raw);
      tcsetattr (STDIN_FILENO, TCSANOW, &raw);
    }

  bridge.loop = g_main_loop_new (NULL, FALSE);
  bridge.to_vm = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  stdin_id = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR,
                            (GUnixFDSourceFunc) console_stdin_ready, &bridge);
  vm_source = g_socket_create_source (g_socket_connection_get_socket (connection),
                                      G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (vm_source, (GSourceFunc) (void (*) (void)) console_vm_ready, &bridge, NULL);
  g_source_attach (vm_source, NULL);

  g_main_loop_run (bridge.loop);

  g_source_destroy (vm_source);
  g_source_remove (stdin_id);
  g_main_loop_unref (bridge.loop);
  if (is_tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      fprintf (stderr, "\n");
    }
  return bridge.status;
}

static int
vm_console (HvVmBackend *backend,
            HvVm        *vm)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;

  if (HV_IS_QEMU_BACKEND (backend))
    {
      const char *path = hv_qemu_backend_get_serial_socket (HV_QEMU_BACKEND (backend), vm);

      return console_bridge (path, hv_vm_get_name (vm));
    }

  argv = hv_vm_backend_get_console_argv (backend, vm, &error);
  if (argv == NULL)
    return hv_cli_fail ("vm console", error->message);
  fflush (stdout);
  /* virsh takes over this terminal: exec it, with the argv as it is (no shell). */
  {
    g_auto(GStrv) wrapped = hv_host_command_wrap_argv ((const char * const *) argv);

    execvp (wrapped[0], wrapped);
    {
      g_autofree char *why = g_strdup_printf (_("cannot run %s: %s"), wrapped[0], g_strerror (errno));
      return hv_cli_fail ("vm console", why);
    }
  }
}

static int
vm_snapshot (HvVmBackend  *backend,
             HvVm         *vm,
             const VmArgs *args)
{
  g_autoptr(GError) error = NULL;
  const char *action = args->snapshot_action;

  if (g_str_equal (action, "list"))
    {
      g_autoptr(GPtrArray) snapshots = hv_vm_backend_list_snapshots_sync (backend, vm, NULL, &error);

      if (snapshots == NULL)
        return hv_cli_fail ("vm snapshot list", error->message);
      if (args->json)
        {
          g_autoptr(JsonArray) array = json_array_new ();
          g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

          for (guint i = 0; i < snapshots->len; i++)
            {
              HvVmSnapshot *snapshot = g_ptr_array_index (snapshots, i);
              JsonObject *item = json_object_new ();

              json_object_set_string_member (item, "name", hv_vm_snapshot_get_name (snapshot));
              json_object_set_string_member (item, "description", hv_vm_snapshot_get_description (snapshot));
              json_object_set_int_member (item, "created", hv_vm_snapshot_get_created (snapshot));
              json_object_set_boolean_member (item, "with_memory", hv_vm_snapshot_get_with_memory (snapshot));
              json_object_set_boolean_member (item, "current", hv_vm_snapshot_get_is_current (snapshot));
              json_array_add_object_element (array, item);
            }
          json_node_set_array (root, array);
          print_json (root);
          return HV_CLI_EXIT_OK;
        }
      printf ("%-24s  %-16s  %s\n", "NAME", "CREATED", "CURRENT");
      for (guint i = 0; i < snapshots->len; i++)
        {
          HvVmSnapshot *snapshot = g_ptr_array_index (snapshots, i);
          g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (hv_vm_snapshot_get_created (snapshot));
          g_autofree char *when = hv_vm_snapshot_get_created (snapshot) > 0 && created != NULL
                                  ? g_date_time_format (created, "%Y-%m-%d %H:%M") : g_strdup ("");

          printf ("%-24s  %-16s  %s\n", hv_vm_snapshot_get_name (snapshot), when,
                  hv_vm_snapshot_get_is_current (snapshot) ? "yes" : "");
        }
      return HV_CLI_EXIT_OK;
    }

  if (!hv_vm_name_validate (args->snapshot, &error))
    return hv_cli_usage_error ("vm", _("snapshot name: %s"), error->message);

  {
    HvVmSnapshotAction kind = g_str_equal (action, "create") ? HV_VM_SNAPSHOT_CREATE
                            : g_str_equal (action, "revert") ? HV_VM_SNAPSHOT_REVERT
                            : HV_VM_SNAPSHOT_DELETE;
    g_autofree char *what = g_strdup_printf ("vm snapshot %s", action);

    if (!hv_vm_backend_snapshot_sync (backend, vm, kind, args->snapshot, NULL, &error))
      return hv_cli_fail (what, error->message);
  }
  return HV_CLI_EXIT_OK;
}

static int
run_vm (HvCliContext  *ctx,
        int            argc,
        char         **argv)
{
  static const char * const actions[] = {
    "list", "info", "create", "start", "stop", "pause", "resume", "snapshot", "delete", "console", NULL
  };
  g_autoptr(HvConfig) config = NULL;
  g_autoptr(GPtrArray) backends = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  VmArgs args = { 0 };
  HvVmBackend *backend = NULL;
  HvVm *vm;
  int i = 2;

  if (argc < 2)
    return hv_cli_usage_error ("vm", _("vm takes an action: %s"), "list, info, create, start, stop, pause, resume, snapshot, delete, console");
  args.action = argv[1];
  if (!g_strv_contains (actions, args.action))
    return hv_cli_usage_error ("vm", _("unknown action “%s”"), args.action);

  if (g_str_equal (args.action, "snapshot"))
    {
      static const char * const snapshot_actions[] = { "create", "list", "revert", "delete", NULL };

      if (argc < 3 || !g_strv_contains (snapshot_actions, argv[2]))
        return hv_cli_usage_error ("vm", _("vm snapshot takes create, list, revert or delete"));
      args.snapshot_action = argv[2];
      i = 3;
    }

  for (; i < argc; i++)
    {
      const char *arg = argv[i];
      const char **value_slot = NULL;

#define OPTION(opt, slot) \
      else if (g_str_equal (arg, opt) || (g_str_has_prefix (arg, opt "="))) value_slot = &args.slot

      if (g_str_equal (arg, "--json"))
        args.json = TRUE;
      else if (g_str_equal (arg, "--force") && g_str_equal (args.action, "stop"))
        args.force = TRUE;
      else if (g_str_equal (arg, "--with-disks") && g_str_equal (args.action, "delete"))
        args.with_disks = TRUE;
      else if (g_str_equal (arg, "--no-network") && g_str_equal (args.action, "create"))
        args.no_network = TRUE;
      OPTION ("--uri", uri);
      OPTION ("--backend", backend);
      OPTION ("--cpu", cpu);
      OPTION ("--ram", ram);
      OPTION ("--disk", disk);
      OPTION ("--image", image);
      OPTION ("--iso", iso);
      else if (arg[0] == '-' && arg[1] != '\0')
        return hv_cli_usage_error ("vm", _("vm %s does not take “%s”"), args.action, arg);
      else if (args.name == NULL)
        args.name = arg;
      else if (args.snapshot_action != NULL && args.snapshot == NULL)
        args.snapshot = arg;
      else
        return hv_cli_usage_error ("vm", _("vm %s takes no more arguments (“%s”)"), args.action, arg);
#undef OPTION

      if (value_slot != NULL)
        {
          const char *eq = strchr (arg, '=');
          const char *value = eq != NULL ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);

          if (value == NULL || *value == '\0')
            return hv_cli_usage_error ("vm", _("%.*s needs a value"), eq != NULL ? (int) (eq - arg) : (int) strlen (arg), arg);
          *value_slot = value;
        }
    }

  if (args.backend != NULL && !g_str_equal (args.backend, "qemu") && !g_str_equal (args.backend, "libvirt"))
    return hv_cli_usage_error ("vm", _("--backend is qemu or libvirt, not “%s”"), args.backend);
  if (args.uri != NULL && g_strcmp0 (args.backend, "qemu") == 0)
    return hv_cli_usage_error ("vm", _("--uri names a libvirt connection; it does not go with --backend qemu"));
  if (args.image != NULL && args.disk != NULL)
    return hv_cli_usage_error ("vm", _("give --disk SIZE for a new disk or --image PATH, not both"));
  if (!g_str_equal (args.action, "list") && args.name == NULL)
    return hv_cli_usage_error ("vm", _("vm %s needs a VM name"), args.action);
  if (g_str_equal (args.action, "list") && args.name != NULL)
    return hv_cli_usage_error ("vm", _("vm list takes no name (“%s”)"), args.name);
  if (args.snapshot_action != NULL && !g_str_equal (args.snapshot_action, "list") && args.snapshot == NULL)
    return hv_cli_usage_error ("vm", _("vm snapshot %s needs a VM name and a snapshot name"), args.snapshot_action);
  if (args.name != NULL && !hv_vm_name_validate (args.name, &error))
    return hv_cli_usage_error ("vm", "%s", error->message);

  /* Every argument is checked before any connection is made. */
  if (g_str_equal (args.action, "create"))
    {
      guint64 value;

      if (args.cpu != NULL && !g_ascii_string_to_unsigned (args.cpu, 10, 1, 1024, &value, NULL))
        return hv_cli_usage_error ("vm", _("--cpu needs a number of vCPUs from 1 to 1024, not “%s”"), args.cpu);
      if (args.ram != NULL && !parse_size_arg ("--ram", args.ram, &value, &error))
        return hv_cli_usage_error ("vm", "%s", error->message);
      if (args.disk != NULL && !parse_size_arg ("--disk", args.disk, &value, &error))
        return hv_cli_usage_error ("vm", "%s", error->message);
    }

  config = hv_config_new (hv_cli_context_get_config_dir (ctx));
  if (!hv_config_load (config, &error))
    {
      fprintf (stderr, "hydravisor: %s\n", error->message);
      return HV_CLI_EXIT_USAGE;
    }

  what = g_strdup_printf ("vm %s", args.action);
  backends = open_backends (config, &args, g_str_equal (args.action, "create"), &error);
  if (backends == NULL)
    return hv_cli_fail (what, error->message);

  if (g_str_equal (args.action, "list"))
    return vm_list (backends, args.json);
  if (g_str_equal (args.action, "create"))
    return vm_create (config, backends, &args);

  vm = find_vm (backends, args.name, &backend, &error);
  if (vm == NULL)
    return hv_cli_fail (what, error->message);

  if (g_str_equal (args.action, "info"))
    return vm_info (backend, vm, args.json);
  if (g_str_equal (args.action, "snapshot"))
    return vm_snapshot (backend, vm, &args);
  if (g_str_equal (args.action, "console"))
    return vm_console (backend, vm);

  {
    HvVmAction action;

    if (g_str_equal (args.action, "start"))
      action = HV_VM_ACTION_START;
    else if (g_str_equal (args.action, "stop"))
      action = args.force ? HV_VM_ACTION_FORCE_OFF : HV_VM_ACTION_SHUTDOWN;
    else if (g_str_equal (args.action, "pause"))
      action = HV_VM_ACTION_PAUSE;
    else if (g_str_equal (args.action, "resume"))
      action = HV_VM_ACTION_RESUME;
    else
      action = args.with_disks ? HV_VM_ACTION_DELETE_WITH_DISKS : HV_VM_ACTION_DELETE;

    if (!hv_vm_backend_action_sync (backend, vm, action, NULL, &error))
      return hv_cli_fail (what, error->message);
  }
  return HV_CLI_EXIT_OK;
}

static const HvCliCommand vm_command = {
  .name = "vm",
  .usage = "list|info|create|start|stop [--force]|pause|resume|snapshot (create|list|revert|delete)|delete|console NAME [--uri URI] [--backend qemu|libvirt]",
  .summary = N_("Create, run, snapshot and delete virtual machines"),
  .help = N_("list      every VM: NAME, STATE, VCPUS, MEMORY, CONNECTION (--json: an array)\n"
             "info      one VM in detail, with its snapshots (--json)\n"
             "create    a new VM: [--cpu N] [--ram SIZE] [--disk SIZE | --image PATH] [--iso PATH]\n"
             "          [--no-network]; defaults from config.toml [defaults], limits from\n"
             "          policy.toml [defaults.vm]\n"
             "start, pause, resume\n"
             "stop      ACPI shutdown, forced off after 60 s; --force turns it off at once\n"
             "snapshot  create|revert|delete NAME SNAPSHOT, or list NAME [--json]\n"
             "delete    removes the VM; --with-disks also the disks Hydravisor created\n"
             "console   attaches this terminal to the serial console (Ctrl+] leaves)\n"
             "\n"
             "--uri URI picks one libvirt connection (qemu:///system, qemu+ssh://…, test:///…);\n"
             "--backend qemu|libvirt picks the direct QEMU backend or the libvirt.uris of\n"
             "config.toml. Without either, every connection is searched (create uses\n"
             "defaults.vm_backend). Names are letters, digits, '.', '_' and '-'."),
  .run = run_vm,
};

void
_hv_cli_register_vm (void)
{
  hv_cli_register (&vm_command);
}
