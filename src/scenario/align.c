/* Any climate year against one network: snapshots mapped by month, day
 * and hour onto a member's year and calendar (docs/SCENARIO.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "run_internal.h"

tw_status tw_align_month_day_hour(const tw_datetime *snap, int net_year0, int member_year,
                                  tw_calendar cal, tw_time_s *out) {
  tw_datetime d = *snap;
  d.year = member_year + (snap->year - net_year0);
  int dim = tw_calendar_days_in_month(cal, d.year, d.month);
  if (d.day > dim) d.day = dim; /* 29 Feb -> 28 Feb (noleap, non-leap years); 31 -> 30 (360_day) */
  return tw_time_from_datetime(cal, &d, out);
}
