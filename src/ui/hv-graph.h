// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HV_TYPE_GRAPH (hv_graph_get_type ())

G_DECLARE_FINAL_TYPE (HvGraph, hv_graph, HV, GRAPH, GtkWidget)

/* A live line graph of the last samples of one series (CPU %, memory, …): a filled area
 * under a line in the accent colour, faint horizontal grid lines and a label at the top
 * left. The newest sample is at the right edge. CSS name: hv-graph.
 *
 * Properties: "max" (double; 0 scales to the largest sample kept), "label" (string, may be
 * NULL), "capacity" (uint, how many samples it keeps; default 120). */

HvGraph    *hv_graph_new           (void);
void        hv_graph_push          (HvGraph    *self,
                                    double      value);
void        hv_graph_clear         (HvGraph    *self);
guint       hv_graph_get_n_samples (HvGraph    *self);
double      hv_graph_get_sample    (HvGraph    *self,
                                    guint       index);   /* 0 is the oldest kept */

double      hv_graph_get_max       (HvGraph    *self);
void        hv_graph_set_max       (HvGraph    *self,
                                    double      max);
const char *hv_graph_get_label     (HvGraph    *self);
void        hv_graph_set_label     (HvGraph    *self,
                                    const char *label);
guint       hv_graph_get_capacity  (HvGraph    *self);
void        hv_graph_set_capacity  (HvGraph    *self,
                                    guint       capacity);

G_END_DECLS
