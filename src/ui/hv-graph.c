// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "hv-graph.h"

#define DEFAULT_CAPACITY 120
#define MIN_HEIGHT       64
#define NATURAL_HEIGHT   96
#define MIN_WIDTH        64
#define NATURAL_WIDTH    240
#define GRID_LINES       4      /* the plot is cut in quarters */

struct _HvGraph
{
  GtkWidget  parent_instance;

  double    *samples;    /* a ring of capacity samples */
  guint      capacity;
  guint      first;      /* index of the oldest kept */
  guint      n_samples;
  double     max;
  char      *label;
};

G_DEFINE_FINAL_TYPE (HvGraph, hv_graph, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MAX,
  PROP_LABEL,
  PROP_CAPACITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static double
sample_at (HvGraph *self,
           guint    index)
{
  return self->samples[(self->first + index) % self->capacity];
}

/* What the top of the plot stands for. */
static double
hv_graph_scale (HvGraph *self)
{
  double largest = 0.0;

  if (self->max > 0.0)
    return self->max;
  for (guint i = 0; i < self->n_samples; i++)
    largest = MAX (largest, sample_at (self, i));
  return largest > 0.0 ? largest : 1.0;
}

static void
hv_graph_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = NATURAL_WIDTH;
    }
  else
    {
      *minimum = MIN_HEIGHT;
      *natural = NATURAL_HEIGHT;
    }
}

static void
hv_graph_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  HvGraph *self = HV_GRAPH (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA foreground, accent;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  /* The text colour follows light and dark styles; the accent is libadwaita's named colour,
   * or the text colour where a theme has none. */
  gtk_style_context_get_color (context, &foreground);
  if (!gtk_style_context_lookup_color (context, "accent_color", &accent))
    accent = foreground;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Faint horizontal grid lines, on whole pixels. */
  cairo_set_line_width (cr, 1.0);
  cairo_set_source_rgba (cr, foreground.red, foreground.green, foreground.blue, foreground.alpha * 0.12);
  for (guint i = 1; i <= GRID_LINES; i++)
    {
      double y = (int) ((height - 1) * i / GRID_LINES) + 0.5;

      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, width, y);
    }
  cairo_stroke (cr);

  if (self->n_samples > 0)
    {
      double scale = hv_graph_scale (self);
      double step = self->capacity > 1 ? (double) width / (self->capacity - 1) : (double) width;
      double top = 1.0;                     /* room for half the line at full scale */
      double bottom = height - 1.0;
      double x0 = 0.0, x = 0.0;

      for (guint i = 0; i < self->n_samples; i++)
        {
          double value = CLAMP (sample_at (self, i) / scale, 0.0, 1.0);
          double y = bottom - value * (bottom - top);

          x = width - (double) (self->n_samples - 1 - i) * step;
          if (i == 0)
            {
              /* A single sample is a short level segment. */
              x0 = self->n_samples == 1 ? width - step : x;
              cairo_move_to (cr, x0, y);
              if (self->n_samples == 1)
                cairo_line_to (cr, x, y);
            }
          else
            cairo_line_to (cr, x, y);
        }

      /* The line, then the same path closed along the bottom for the area. */
      {
        cairo_path_t *line = cairo_copy_path (cr);

        cairo_line_to (cr, x, height);
        cairo_line_to (cr, x0, height);
        cairo_close_path (cr);
        cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, accent.alpha * 0.25);
        cairo_fill (cr);

        cairo_append_path (cr, line);
        cairo_path_destroy (line);
        cairo_set_line_width (cr, 2.0);
        cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, accent.alpha);
        cairo_stroke (cr);
      }
    }

  cairo_destroy (cr);

  if (self->label != NULL && self->label[0] != '\0')
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->label);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (6, 4));
      gtk_snapshot_append_layout (snapshot, layout, &foreground);
      gtk_snapshot_restore (snapshot);
    }
}

static void
hv_graph_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  HvGraph *self = HV_GRAPH (object);

  switch (prop_id)
    {
    case PROP_MAX:
      g_value_set_double (value, self->max);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_graph_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  HvGraph *self = HV_GRAPH (object);

  switch (prop_id)
    {
    case PROP_MAX:
      hv_graph_set_max (self, g_value_get_double (value));
      break;
    case PROP_LABEL:
      hv_graph_set_label (self, g_value_get_string (value));
      break;
    case PROP_CAPACITY:
      hv_graph_set_capacity (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hv_graph_finalize (GObject *object)
{
  HvGraph *self = HV_GRAPH (object);

  g_free (self->samples);
  g_free (self->label);

  G_OBJECT_CLASS (hv_graph_parent_class)->finalize (object);
}

static void
hv_graph_class_init (HvGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = hv_graph_get_property;
  object_class->set_property = hv_graph_set_property;
  object_class->finalize = hv_graph_finalize;
  widget_class->measure = hv_graph_measure;
  widget_class->snapshot = hv_graph_snapshot;

  properties[PROP_MAX] =
    g_param_spec_double ("max", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 2, 100000, DEFAULT_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "hv-graph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hv_graph_init (HvGraph *self)
{
  self->capacity = DEFAULT_CAPACITY;
  self->samples = g_new0 (double, self->capacity);
}

HvGraph *
hv_graph_new (void)
{
  return g_object_new (HV_TYPE_GRAPH, NULL);
}

/**
 * hv_graph_push:
 * @value: the newest sample; NaN and negative values count as 0
 *
 * Adds a sample at the right edge, dropping the oldest when the graph is full.
 */
void
hv_graph_push (HvGraph *self,
               double   value)
{
  g_return_if_fail (HV_IS_GRAPH (self));

  if (!(value >= 0.0))   /* also NaN */
    value = 0.0;

  if (self->n_samples < self->capacity)
    self->samples[(self->first + self->n_samples++) % self->capacity] = value;
  else
    {
      self->samples[self->first] = value;
      self->first = (self->first + 1) % self->capacity;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hv_graph_clear (HvGraph *self)
{
  g_return_if_fail (HV_IS_GRAPH (self));

  if (self->n_samples == 0)
    return;
  self->first = 0;
  self->n_samples = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
hv_graph_get_n_samples (HvGraph *self)
{
  g_return_val_if_fail (HV_IS_GRAPH (self), 0);
  return self->n_samples;
}

double
hv_graph_get_sample (HvGraph *self,
                     guint    index)
{
  g_return_val_if_fail (HV_IS_GRAPH (self), 0.0);
  g_return_val_if_fail (index < self->n_samples, 0.0);
  return sample_at (self, index);
}

double
hv_graph_get_max (HvGraph *self)
{
  g_return_val_if_fail (HV_IS_GRAPH (self), 0.0);
  return self->max;
}

/**
 * hv_graph_set_max:
 * @max: what the top of the graph stands for; 0 scales to the largest sample
 */
void
hv_graph_set_max (HvGraph *self,
                  double   max)
{
  g_return_if_fail (HV_IS_GRAPH (self));

  max = MAX (max, 0.0);
  if (self->max == max)
    return;
  self->max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX]);
}

const char *
hv_graph_get_label (HvGraph *self)
{
  g_return_val_if_fail (HV_IS_GRAPH (self), NULL);
  return self->label;
}

/**
 * hv_graph_set_label:
 * @label: (nullable): drawn at the top left, like "CPU 12 %"
 */
void
hv_graph_set_label (HvGraph    *self,
                    const char *label)
{
  g_return_if_fail (HV_IS_GRAPH (self));

  if (g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label != NULL ? label : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

guint
hv_graph_get_capacity (HvGraph *self)
{
  g_return_val_if_fail (HV_IS_GRAPH (self), 0);
  return self->capacity;
}

/**
 * hv_graph_set_capacity:
 * @capacity: how many samples the graph keeps and spreads over its width (≥ 2)
 *
 * Keeps the newest samples that fit.
 */
void
hv_graph_set_capacity (HvGraph *self,
                       guint    capacity)
{
  double *samples;
  guint keep;

  g_return_if_fail (HV_IS_GRAPH (self));
  g_return_if_fail (capacity >= 2);

  if (self->capacity == capacity)
    return;

  keep = MIN (self->n_samples, capacity);
  samples = g_new0 (double, capacity);
  for (guint i = 0; i < keep; i++)
    samples[i] = sample_at (self, self->n_samples - keep + i);
  g_free (self->samples);
  self->samples = samples;
  self->capacity = capacity;
  self->first = 0;
  self->n_samples = keep;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPACITY]);
}
