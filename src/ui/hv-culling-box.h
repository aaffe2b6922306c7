// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HV_TYPE_CULLING_BOX (hv_culling_box_get_type ())

G_DECLARE_FINAL_TYPE (HvCullingBox, hv_culling_box, HV, CULLING_BOX, GtkWidget)

/* A vertical box (its layout manager a GtkBoxLayout) that draws only the children that show
 * in the GtkScrolledWindow it is in. GTK 4.8 draws every widget of a scrolled window's
 * content each frame, those scrolled out of sight too: with the cairo renderer a long chat
 * reply, in dozens of text views, would cost a frame in proportion to its length. */

GtkWidget  *hv_culling_box_new          (void);
void        hv_culling_box_append       (HvCullingBox *self,
                                         GtkWidget    *child);
void        hv_culling_box_remove       (HvCullingBox *self,
                                         GtkWidget    *child);
void        hv_culling_box_remove_all   (HvCullingBox *self);
guint       hv_culling_box_get_n_drawn  (HvCullingBox *self);

G_END_DECLS
