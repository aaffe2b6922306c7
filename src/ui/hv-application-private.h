// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hv-application.h"
#include "hv-window.h"

G_BEGIN_DECLS

void _hv_application_show_session   (HvApplication *self,
                                     HvTmuxSession *session,
                                     HvWindow      *window,
                                     gboolean       select);
void _hv_application_expect_session (HvApplication *self,
                                     const char    *name,
                                     HvWindow      *window);

G_END_DECLS
