// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-culling-box.h"

/* Pixels beyond the visible part that are drawn too. */
#define CULL_MARGIN 64

struct _HvCullingBox
{
  GtkWidget      parent_instance;

  GtkAdjustment *vadjustment;  /* of the scrolled window the box is in */
  guint          n_drawn;      /* children drawn by the last snapshot */
};

G_DEFINE_FINAL_TYPE (HvCullingBox, hv_culling_box, GTK_TYPE_WIDGET)

/* Drawn children are cached render nodes: scrolling moves them, but the box must choose
 * again which ones show. */
static void
hv_culling_box_scrolled (HvCullingBox *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
hv_culling_box_set_vadjustment (HvCullingBox  *self,
                                GtkAdjustment *adjustment)
{
  if (self->vadjustment == adjustment)
    return;

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, hv_culling_box_scrolled, self);
  g_set_object (&self->vadjustment, adjustment);
  if (adjustment != NULL)
    {
      g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (hv_culling_box_scrolled), self,
                               G_CONNECT_SWAPPED);
      /* The page grew taller (a bigger window): more shows. */
      g_signal_connect_object (adjustment, "changed", G_CALLBACK (hv_culling_box_scrolled), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
hv_culling_box_root (GtkWidget *widget)
{
  HvCullingBox *self = HV_CULLING_BOX (widget);
  GtkWidget *scroller;

  GTK_WIDGET_CLASS (hv_culling_box_parent_class)->root (widget);

  scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  hv_culling_box_set_vadjustment (self, scroller != NULL ? gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)) : NULL);
}

static void
hv_culling_box_unroot (GtkWidget *widget)
{
  hv_culling_box_set_vadjustment (HV_CULLING_BOX (widget), NULL);

  GTK_WIDGET_CLASS (hv_culling_box_parent_class)->unroot (widget);
}

static void
hv_culling_box_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  HvCullingBox *self = HV_CULLING_BOX (widget);
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t visible;
  float top, bottom;

  self->n_drawn = 0;

  /* The part of the box that shows: the scrolled window's bounds, in the box's
   * coordinates. */
  if (scroller == NULL || !gtk_widget_compute_bounds (scroller, widget, &visible))
    {
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
        {
          gtk_widget_snapshot_child (widget, child, snapshot);
          self->n_drawn++;
        }
      return;
    }

  top = visible.origin.y - CULL_MARGIN;
  bottom = visible.origin.y + visible.size.height + CULL_MARGIN;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (!gtk_widget_compute_bounds (child, widget, &bounds))
        continue;
      /* Children are in order, top to bottom: none after this one shows. */
      if (bounds.origin.y > bottom)
        break;
      if (bounds.origin.y + bounds.size.height < top)
        continue;
      gtk_widget_snapshot_child (widget, child, snapshot);
      self->n_drawn++;
    }
}

static void
hv_culling_box_dispose (GObject *object)
{
  HvCullingBox *self = HV_CULLING_BOX (object);

  hv_culling_box_set_vadjustment (self, NULL);
  hv_culling_box_remove_all (self);

  G_OBJECT_CLASS (hv_culling_box_parent_class)->dispose (object);
}

static void
hv_culling_box_class_init (HvCullingBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hv_culling_box_dispose;
  widget_class->root = hv_culling_box_root;
  widget_class->unroot = hv_culling_box_unroot;
  widget_class->snapshot = hv_culling_box_snapshot;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
hv_culling_box_init (HvCullingBox *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
}

GtkWidget *
hv_culling_box_new (void)
{
  return g_object_new (HV_TYPE_CULLING_BOX, NULL);
}

/**
 * hv_culling_box_append:
 * @child: a widget without a parent
 *
 * Adds @child at the bottom of the box.
 */
void
hv_culling_box_append (HvCullingBox *self,
                       GtkWidget    *child)
{
  g_return_if_fail (HV_IS_CULLING_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

void
hv_culling_box_remove (HvCullingBox *self,
                       GtkWidget    *child)
{
  g_return_if_fail (HV_IS_CULLING_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == GTK_WIDGET (self));

  gtk_widget_unparent (child);
}

void
hv_culling_box_remove_all (HvCullingBox *self)
{
  GtkWidget *child;

  g_return_if_fail (HV_IS_CULLING_BOX (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
}

/**
 * hv_culling_box_get_n_drawn:
 *
 * Returns: how many children the last drawing of the box drew: those that show
 */
guint
hv_culling_box_get_n_drawn (HvCullingBox *self)
{
  g_return_val_if_fail (HV_IS_CULLING_BOX (self), 0);
  return self->n_drawn;
}
