// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "hv-ui-format.h"

/**
 * hv_format_relative_time:
 * @time: the time to show
 * @now: (nullable): the present, for tests; the current time when %NULL
 *
 * Returns: (transfer full): @time, as near as it is to @now
 */
char *
hv_format_relative_time (GDateTime *time,
                         GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) day = NULL;
  GTimeSpan days;

  g_return_val_if_fail (time != NULL, NULL);

  local = g_date_time_to_local (time);
  local_now = now != NULL ? g_date_time_to_local (now) : g_date_time_new_now_local ();
  today = g_date_time_new_local (g_date_time_get_year (local_now), g_date_time_get_month (local_now),
                                 g_date_time_get_day_of_month (local_now), 0, 0, 0);
  day = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                               g_date_time_get_day_of_month (local), 0, 0, 0);
  days = g_date_time_difference (today, day) / G_TIME_SPAN_DAY;

  if (days == 0)
    /* Translators: a time today, see the strftime() manual. */
    return g_date_time_format (local, _("%H:%M"));
  if (days == 1)
    /* Translators: a time yesterday, see the strftime() manual. */
    return g_date_time_format (local, _("Yesterday %H:%M"));
  if (days > 1 && days < 7)
    /* Translators: a time this week: the weekday, see the strftime() manual. */
    return g_date_time_format (local, _("%A %H:%M"));
  if (g_date_time_get_year (local) == g_date_time_get_year (local_now))
    /* Translators: a day this year, see the strftime() manual. */
    return g_date_time_format (local, _("%-d %b"));
  /* Translators: a day of another year, see the strftime() manual. */
  return g_date_time_format (local, _("%-d %b %Y"));
}
