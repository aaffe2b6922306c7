// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Times as lists show them, in the local time zone: "14:02" today, "Yesterday 14:02",
 * "Monday 14:02" this week, "25 Sep" this year, "25 Sep 2024" before. */
char *hv_format_relative_time (GDateTime *time,
                               GDateTime *now);

G_END_DECLS
