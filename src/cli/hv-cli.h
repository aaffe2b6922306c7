// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The command line: `hydravisor [GLOBAL OPTIONS] SUBCOMMAND [ARGS…]`.
 * Exit status: 0 success, 1 the operation failed, 2 bad usage or bad configuration. */

enum {
  HV_CLI_EXIT_OK = 0,
  HV_CLI_EXIT_FAILED = 1,
  HV_CLI_EXIT_USAGE = 2,
};

typedef struct _HvCliContext HvCliContext;

/* One subcommand. Each controller registers its own from its own file in src/cli/. */
typedef struct {
  const char *name;      /* "session" */
  const char *usage;     /* "list|new NAME [-- CMD…]|attach NAME|kill NAME" */
  const char *summary;   /* one line for `hydravisor help` */
  const char *help;      /* the rest of `hydravisor help NAME`; may be NULL */
  int (*run) (HvCliContext *ctx, int argc, char **argv);  /* argv[0] is the subcommand */
  gboolean hidden;       /* internal (run by Hydravisor itself): not listed by `hydravisor help` */
} HvCliCommand;

void         hv_cli_register        (const HvCliCommand *command);
const HvCliCommand *hv_cli_lookup   (const char         *name);

gboolean     hv_cli_dispatch        (int                 argc,
                                     char              **argv,
                                     int                *exit_status);

gboolean     hv_cli_context_get_verbose (HvCliContext   *ctx);
const char  *hv_cli_context_get_config_dir (HvCliContext *ctx);

int          hv_cli_usage_error     (const char         *command,
                                     const char         *format,
                                     ...) G_GNUC_PRINTF (2, 3);
int          hv_cli_fail            (const char         *what,
                                     const char         *why);

G_END_DECLS
