// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HV_QMP_ERROR (hv_qmp_error_quark ())

/* QMP's error classes, plus what can go wrong with the conversation itself. Broken or
 * closed connections are G_IO_ERROR (G_IO_ERROR_CONNECTION_CLOSED, G_IO_ERROR_NOT_CONNECTED,
 * G_IO_ERROR_TIMED_OUT). */
typedef enum {
  HV_QMP_ERROR_GENERIC,              /* "GenericError", and classes this client does not know */
  HV_QMP_ERROR_COMMAND_NOT_FOUND,    /* "CommandNotFound" */
  HV_QMP_ERROR_DEVICE_NOT_ACTIVE,    /* "DeviceNotActive" */
  HV_QMP_ERROR_DEVICE_NOT_FOUND,     /* "DeviceNotFound" */
  HV_QMP_ERROR_KVM_MISSING_CAP,      /* "KVMMissingCap" */
  HV_QMP_ERROR_PROTOCOL,             /* the peer does not speak QMP */
} HvQmpError;

#define HV_TYPE_QMP_CLIENT (hv_qmp_client_get_type ())

G_DECLARE_FINAL_TYPE (HvQmpClient, hv_qmp_client, HV, QMP_CLIENT, GObject)

/* An asynchronous QMP client on a unix socket. Signals:
 *   event  (const char *name, JsonObject *data)   — asynchronous events (STOP, RESUME, SHUTDOWN, …);
 *                                                    data is an empty object when QEMU sent none
 *   closed ()                                      — the connection ended (QEMU exited); pending
 *                                                    commands fail with G_IO_ERROR_CONNECTION_CLOSED */
GQuark        hv_qmp_error_quark            (void);

HvQmpClient  *hv_qmp_client_new             (const char           *socket_path);
const char   *hv_qmp_client_get_socket_path (HvQmpClient          *self);
gboolean      hv_qmp_client_is_connected    (HvQmpClient          *self);
/* The "QMP" member of the greeting ({"version": …, "capabilities": …}), NULL before it came. */
JsonObject   *hv_qmp_client_get_greeting    (HvQmpClient          *self);

/* Connects, reads the greeting and negotiates capabilities. The greeting must come within
 * @timeout_ms (0: 5 s); QEMU serves one QMP client per socket, so a socket that accepts but
 * stays silent is held by another program. */
void          hv_qmp_client_connect_async   (HvQmpClient          *self,
                                             guint                 timeout_ms,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean      hv_qmp_client_connect_finish  (HvQmpClient          *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Runs @command with @arguments (nullable, not taken). The result is the "return" member;
 * a QMP error is an HV_QMP_ERROR whose message is QMP's "desc". */
void          hv_qmp_client_execute_async   (HvQmpClient          *self,
                                             const char           *command,
                                             JsonObject           *arguments,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
JsonNode     *hv_qmp_client_execute_finish  (HvQmpClient          *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Drops the connection; pending commands fail, "closed" is emitted if it was open. */
void          hv_qmp_client_close           (HvQmpClient          *self);

G_END_DECLS
