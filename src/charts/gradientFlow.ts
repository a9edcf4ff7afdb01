/** Gradient flow: ‖∂L/∂h_t‖ over time steps, where vanishing gradients show as decay towards early steps. */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerProbe, ProbeEvent } from '../engine/events';
import { chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

/** A row of the `gradients` dataset. */
export interface GradientRow {
  /** The epoch whose probe recorded it. */
  epoch: number;
  /** Row of `ProbeEvent.gradientNorms`, from 0: the layer, or layer·direction of a bidirectional model (see `gradientRowLabels`). */
  layer: number;
  /** Time step, from 0. */
  time: number;
  norm: number;
}

export interface GradientFlowChartOptions extends ChartSize {
  theme?: ChartTheme;
  /** The layer shown first. Default 0. */
  layer?: number;
}

/**
 * The parameter holding the layer shown. One layer at a time, chosen by the panel's own control:
 * `view.signal(GRADIENT_LAYER_PARAM, layer).runAsync()` (no re-render, rows of every layer stay loaded).
 */
export const GRADIENT_LAYER_PARAM = 'gradientLayer';

/**
 * A name for each row of `ProbeEvent.gradientNorms` (ordered as `layers`): "layer 0", or
 * "layer 0 · forward", "layer 0 · reverse", … for a bidirectional model.
 */
export function gradientRowLabels(layers: Pick<LayerProbe, 'layer' | 'direction'>[]): string[] {
  const bidirectional = layers.some((layer) => layer.direction === 'reverse');
  return layers.map(({ layer, direction }) => (bidirectional ? `layer ${layer} · ${direction ?? 'forward'}` : `layer ${layer}`));
}

/** The `gradients` rows of one probe. */
export function gradientRows(probe: Pick<ProbeEvent, 'epoch' | 'gradientNorms' | 'steps'>): GradientRow[] {
  return probe.gradientNorms.flatMap((norms, layer) => norms.map((norm, index) => ({ epoch: probe.epoch, layer, time: probe.steps?.[index] ?? index, norm })));
}

/**
 * ‖∂L/∂h_t‖ against the time step on a log scale, a line per recorded epoch coloured on a
 * sequential ramp from early (muted) to late epochs, for the layer in `GRADIENT_LAYER_PARAM`.
 * Zero and non-finite norms are left out (log scale).
 *
 * Dataset: `gradients` (`GradientRow`). Axis titles: "time step" and "‖∂L/∂hₜ‖".
 */
export function gradientFlowChartSpec(options: GradientFlowChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 220),
    config: themeConfig(theme),
    params: [{ name: GRADIENT_LAYER_PARAM, value: options.layer ?? 0 }],
    data: { name: 'gradients' },
    transform: [{ filter: `datum.layer === ${GRADIENT_LAYER_PARAM} && isFinite(datum.norm) && datum.norm > 0` }],
    mark: { type: 'line', strokeWidth: 1.5, point: { size: 14 } },
    encoding: {
      x: { field: 'time', type: 'quantitative', title: 'time step', scale: { nice: false }, axis: { tickMinStep: 1 } },
      y: { field: 'norm', type: 'quantitative', title: '‖∂L/∂hₜ‖', scale: { type: 'log' }, axis: { format: '.0e', tickCount: 6 } },
      color: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        scale: { range: [theme.muted, theme.palette[0]] },
        legend: { format: 'd', tickMinStep: 1 },
      },
      detail: { field: 'epoch', type: 'nominal' },
      tooltip: [
        { field: 'epoch', type: 'quantitative', title: 'epoch' },
        { field: 'layer', type: 'quantitative', title: 'layer' },
        { field: 'time', type: 'quantitative', title: 'time step' },
        { field: 'norm', type: 'quantitative', title: '‖∂L/∂hₜ‖', format: '.4e' },
      ],
    },
  };
}
