// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Error domains of core/. Controllers define their own (HV_VM_ERROR, …) in their folders;
 * G_IO_ERROR codes are reused wherever they fit. */

#define HV_HOST_COMMAND_ERROR (hv_host_command_error_quark ())

typedef enum {
  HV_HOST_COMMAND_ERROR_FAILED,   /* the command ran and exited with a non-zero status */
  HV_HOST_COMMAND_ERROR_SIGNALED, /* the command was killed by a signal */
} HvHostCommandError;

#define HV_CLI_ERROR (hv_cli_error_quark ())

typedef enum {
  HV_CLI_ERROR_USAGE,   /* bad command line: exit status 2 */
  HV_CLI_ERROR_FAILED,  /* the operation failed: exit status 1 */
} HvCliError;

GQuark hv_host_command_error_quark (void);
GQuark hv_cli_error_quark          (void);

G_END_DECLS
