// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-error.h"

G_DEFINE_QUARK (hv-host-command-error-quark, hv_host_command_error)
G_DEFINE_QUARK (hv-cli-error-quark, hv_cli_error)
