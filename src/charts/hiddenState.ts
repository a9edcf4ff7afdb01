/** The hidden-state heatmap: one sample's units × time steps for one layer and quantity, under its input. */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerProbe, ProbeEvent, ProbeQuantity } from '../engine/events';
import { QUANTITIES, quantityTitle } from '../engine/model/cellDescriptions';
import type { ModelSpec } from '../engine/spec/types';
import { AUTOSIZE, VEGA_LITE_SCHEMA } from './layout';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

/** A row of the `cells` dataset: one unit's value at one time step. */
export interface HeatmapCellRow {
  unit: number;
  /** Time step, from 0. */
  time: number;
  value: number;
}

/** A row of the `inputs` dataset: one dense input feature at one time step. */
export interface InputFeatureRow {
  time: number;
  /** The feature's name, e.g. "x0". */
  feature: string;
  value: number;
}

/** A row of the `tokens` dataset: the input token (character) at one time step. */
export interface InputTokenRow {
  time: number;
  /** Whitespace made visible: space "␣", newline "↵", tab "⇥". */
  token: string;
}

/** The datasets of `hiddenStateChartSpec` for one probe, sample, layer and quantity. */
export interface HiddenStateData {
  cells: HeatmapCellRow[];
  inputs: InputFeatureRow[];
  tokens: InputTokenRow[];
  /** The largest |value| in `cells` (0 when empty): the colour domain of unbounded quantities. */
  absMax: number;
}

export interface HiddenStateChartOptions {
  quantity: ProbeQuantity;
  /** Which input row to draw above the heatmap. */
  input: 'dense' | 'tokens' | 'none';
  /** The largest |value| for unbounded quantities (c, and h of a ReLU RNN); see `HiddenStateData.absMax`. */
  absMax?: number;
  /** The vanilla RNN's nonlinearity: with ReLU, h is unbounded and non-negative. */
  nonlinearity?: ModelSpec['nonlinearity'];
  theme?: ChartTheme;
  /** Plot width in pixels (concatenated views cannot take the container's width). Default 600. */
  width?: number;
  /** Heatmap height in pixels. Default 200. */
  height?: number;
}

const VISIBLE_WHITESPACE: Record<string, string> = { ' ': '␣', '\n': '↵', '\t': '⇥' };

/**
 * The colour domain of a quantity: gates (i, f, o, r, z) are fixed to [0, 1]; tanh outputs (h of
 * tanh cells, g, n) to [-1, 0, 1]; the cell state c to [-absMax, 0, absMax]; h of a ReLU RNN to
 * [0, absMax]. A two-value domain takes a sequential scale, a three-value one a diverging scale.
 */
export function quantityColorDomain(quantity: ProbeQuantity, absMax = 1, nonlinearity: ModelSpec['nonlinearity'] = 'tanh'): number[] {
  const bound = absMax > 0 && Number.isFinite(absMax) ? absMax : 1;
  switch (QUANTITIES[quantity]?.range) {
    case 'gate':
      return [0, 1];
    case 'tanh':
      return [-1, 0, 1];
    case 'hidden':
      return nonlinearity === 'relu' ? [0, bound] : [-1, 0, 1];
    case 'state':
      return [-bound, 0, bound];
  }
}

export type ProbeDirection = NonNullable<LayerProbe['direction']>;

/** A recorded layer's direction: forward when the probe predates bidirectional layers. */
export function probeDirection(layer: Pick<LayerProbe, 'direction'>): ProbeDirection {
  return layer.direction ?? 'forward';
}

/** The directions a probe recorded: ['forward'], or ['forward', 'reverse'] for a bidirectional model. */
export function probeDirections(probe: Pick<ProbeEvent, 'layers'>): ProbeDirection[] {
  return probe.layers.some((layer) => probeDirection(layer) === 'reverse') ? ['forward', 'reverse'] : ['forward'];
}

/**
 * The heatmap's datasets from a probe; `sample` is a position in `probe.samples`. Dense features go
 * by their names (`x0`, `x1` … without). A packed sample's padded steps (from `probe.lengths`) are
 * left out of the cells and the input row: they never entered the recurrence.
 */
export function hiddenStateData(
  probe: ProbeEvent,
  sample: number,
  layer: number,
  quantity: ProbeQuantity,
  direction: ProbeDirection = 'forward',
): HiddenStateData {
  const recorded = probe.layers.find((l) => l.layer === layer && probeDirection(l) === direction);
  const units = recorded?.quantities[quantity]?.[sample] ?? [];
  // A decimated probe records every k-th step only: its values sit at their real time steps.
  const timeAt = (index: number): number => probe.steps?.[index] ?? index;
  const length = probe.lengths?.[sample] ?? Infinity;
  const real = (index: number): boolean => timeAt(index) < length;
  const cells = units.flatMap((series, unit) => series.flatMap((value, index) => (real(index) ? [{ unit, time: timeAt(index), value }] : [])));
  const input = probe.inputs[sample] ?? [];
  const tokens: InputTokenRow[] = [];
  const inputs: InputFeatureRow[] = [];
  input.forEach((step: string | number[], index: number) => {
    if (!real(index)) return;
    const time = timeAt(index);
    if (typeof step === 'string') {
      tokens.push({ time, token: VISIBLE_WHITESPACE[step] ?? step });
    } else {
      step.forEach((value, f) => inputs.push({ time, feature: probe.featureNames?.[f] ?? `x${f}`, value }));
    }
  });
  const absMax = cells.reduce((max, c) => (Number.isFinite(c.value) ? Math.max(max, Math.abs(c.value)) : max), 0);
  return { cells, inputs, tokens, absMax };
}

/**
 * A units × time steps heatmap (one `rect` per unit and step) for one sample, layer and quantity,
 * with the input sequence above it on the same time axis: a line per dense feature, or the tokens
 * as text. Colours: see `quantityColorDomain` (values outside the domain are clamped).
 *
 * Datasets: `cells` (`HeatmapCellRow`), and `inputs` (`InputFeatureRow`) or `tokens` (`InputTokenRow`)
 * as `options.input` says. Axis titles: "time step" and "unit".
 */
export function hiddenStateChartSpec(options: HiddenStateChartOptions): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const width = options.width ?? 600;
  const domain = quantityColorDomain(options.quantity, options.absMax, options.nonlinearity);
  const [negative, zero, positive] = theme.diverging;
  const range = domain.length === 3 ? [negative, zero, positive] : [zero, positive];
  const heatmap = {
    data: { name: 'cells' },
    width,
    height: options.height ?? 200,
    transform: [
      { calculate: 'datum.time - 0.5', as: 'timeStart' },
      { calculate: 'datum.time + 0.5', as: 'timeEnd' },
      { calculate: 'datum.unit - 0.5', as: 'unitStart' },
      { calculate: 'datum.unit + 0.5', as: 'unitEnd' },
    ],
    mark: { type: 'rect' as const },
    encoding: {
      x: { ...timeEncoding('time step'), field: 'timeStart' },
      x2: { field: 'timeEnd' },
      y: {
        field: 'unitStart',
        type: 'quantitative' as const,
        title: 'unit',
        scale: { reverse: true, nice: false, zero: false },
        axis: { tickMinStep: 1, grid: false },
      },
      y2: { field: 'unitEnd' },
      color: {
        field: 'value',
        type: 'quantitative' as const,
        title: quantityTitle(options.quantity),
        scale: { domain, range, clamp: true },
        legend: { orient: 'right' as const, gradientLength: Math.min(200, options.height ?? 200) },
      },
      tooltip: [
        { field: 'unit', type: 'quantitative' as const, title: 'unit' },
        { field: 'time', type: 'quantitative' as const, title: 'time step' },
        { field: 'value', type: 'quantitative' as const, title: options.quantity, format: '.4~g' },
      ],
    },
  };
  const base = { $schema: VEGA_LITE_SCHEMA, autosize: AUTOSIZE, config: themeConfig(theme) };
  const inputView = inputRow(options.input, width, theme);
  if (!inputView) {
    return { ...base, ...heatmap };
  }
  return { ...base, vconcat: [inputView, heatmap], spacing: 4, resolve: { scale: { x: 'shared', color: 'independent' } } };
}

/** The time axis shared by the heatmap and the input row above it. */
function timeEncoding(title: string | null) {
  return {
    field: 'time',
    type: 'quantitative' as const,
    title,
    scale: { nice: false, zero: false },
    axis: { tickMinStep: 1, grid: false },
  };
}

/** The input row drawn above the heatmap, if any. */
function inputRow(input: HiddenStateChartOptions['input'], width: number, theme: ChartTheme) {
  if (input === 'dense') {
    return {
      data: { name: 'inputs' },
      width,
      height: 60,
      mark: { type: 'line' as const, strokeWidth: 1.25, point: { size: 12 } },
      encoding: {
        x: { ...timeEncoding(null), axis: { labels: false, ticks: false, domain: false, grid: false } },
        y: { field: 'value', type: 'quantitative' as const, title: 'input', axis: { tickCount: 3 } },
        color: { field: 'feature', type: 'nominal' as const, title: 'feature', scale: { range: [...theme.palette] } },
        tooltip: [
          { field: 'time', type: 'quantitative' as const, title: 'time step' },
          { field: 'feature', type: 'nominal' as const },
          { field: 'value', type: 'quantitative' as const, format: '.4~g' },
        ],
      },
    };
  }
  if (input === 'tokens') {
    return {
      data: { name: 'tokens' },
      width,
      height: 18,
      mark: { type: 'text' as const, baseline: 'middle' as const, font: 'monospace' },
      encoding: {
        x: { ...timeEncoding(null), axis: null },
        y: { value: 9 },
        text: { field: 'token' },
        tooltip: [
          { field: 'time', type: 'quantitative' as const, title: 'time step' },
          { field: 'token', type: 'nominal' as const, title: 'input' },
        ],
      },
    };
  }
  return undefined;
}
