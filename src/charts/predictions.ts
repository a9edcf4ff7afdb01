/**
 * Prediction charts: forecasts against targets (a scatter with y = x, the residuals, one sequence
 * continued by its forecast), in the data's units, and the confusion matrix of a classifier.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PredictionProbe } from '../engine/events';
import { AUTOSIZE, chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { spacedXAxis } from './loss';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

type Forecast = Extract<PredictionProbe, { kind: 'forecast' }>;
type Classification = Extract<PredictionProbe, { kind: 'classify' }>;

/** A row of the `forecast` dataset: one validation sample, in the data's units. */
export interface ForecastRow {
  /** Position among the probed validation samples, from 0. */
  index: number;
  target: number;
  prediction: number;
  /** prediction − target. */
  residual: number;
}

/** A row of the `sequence` dataset: one time step of one validation sequence and its forecast. */
export interface SequenceRow {
  /** Steps relative to the last input: the inputs at -window+1 … 0, the forecast at 1 … horizon. */
  time: number;
  value: number;
  series: 'input' | 'target' | 'prediction';
}

/** A row of the `confusion` dataset: how many samples of class `actual` were predicted as `predicted`. */
export interface ConfusionRow {
  actual: string;
  predicted: string;
  count: number;
}

export interface ForecastChartOptions extends ChartSize {
  /** The forecast quantity's name, in the axis titles (e.g. the CSV target column). Default "value". */
  name?: string;
  theme?: ChartTheme;
}

export interface ConfusionChartOptions {
  /** The class names in their order (rows and columns). */
  classes: readonly string[];
  /** Validation accuracy in [0, 1], shown in the title. */
  accuracy: number;
  /** Where the figure comes from, after the accuracy in the title, e.g. "epoch 9 (last)". */
  caption?: string;
  theme?: ChartTheme;
  /** Pixels per class (cell side). Default 64. */
  cellSize?: number;
}

/** A standardised value back in the data's units. */
function inUnits(probe: Forecast, value: number): number {
  return probe.scale ? value * probe.scale.std + probe.scale.mean : value;
}

/** The `forecast` rows of a forecast probe, for one output (of a multi-step horizon), in the data's units. */
export function forecastRows(probe: Forecast, output = 0): ForecastRow[] {
  return probe.targets.map((target, index) => {
    const t = inUnits(probe, target[output]);
    const p = inUnits(probe, probe.predictions[index]?.[output] ?? Number.NaN);
    return { index, target: t, prediction: p, residual: p - t };
  });
}

/**
 * The `sequence` rows of one probed validation sample, in the data's units: its past values of the
 * target (when the target is an input feature, `targetFeature`), then the target and the forecast
 * over the horizon, both starting from the last input so that the lines continue the series.
 * `inputs` is the probe's `[sample][time][feature]` (dense inputs).
 */
export function sequenceRows(probe: Forecast, inputs: readonly (readonly number[])[], sample: number): SequenceRow[] {
  const targets = probe.targets[sample] ?? [];
  const predictions = probe.predictions[sample] ?? [];
  const feature = probe.targetFeature;
  const past =
    feature === undefined ? [] : inputs.map((step, t) => ({ time: t - inputs.length + 1, value: inUnits(probe, step[feature]), series: 'input' as const }));
  const last = past.at(-1);
  const future = (series: 'target' | 'prediction', values: readonly number[]): SequenceRow[] => [
    ...(last ? [{ ...last, series }] : []),
    ...values.map((value, h) => ({ time: h + 1, value: inUnits(probe, value), series })),
  ];
  return [...past, ...future('target', targets), ...future('prediction', predictions)];
}

/** The `confusion` rows of a classification probe: one per (actual, predicted) pair, zeros included. */
export function confusionRows(probe: Classification): ConfusionRow[] {
  return probe.classes.flatMap((actual, a) => probe.classes.map((predicted, p) => ({ actual, predicted, count: probe.confusion[a]?.[p] ?? 0 })));
}

/** Points of the (finite) forecast rows, with the tooltip every forecast chart shares. */
function forecastTooltip(name: string) {
  return [
    { field: 'index', type: 'quantitative' as const, title: 'validation sample' },
    { field: 'target', type: 'quantitative' as const, title: `target ${name}`, format: '.4~g' },
    { field: 'prediction', type: 'quantitative' as const, title: `predicted ${name}`, format: '.4~g' },
    { field: 'residual', type: 'quantitative' as const, title: 'residual', format: '.4~g' },
  ];
}

/**
 * Prediction against target, a point per validation sample, with the y = x line where a perfect
 * forecast would lie (dashed, muted), both axes on the same domain.
 *
 * Dataset: `forecast` (`ForecastRow`). Axis titles: "target <name>" and "predicted <name>".
 */
export function forecastScatterSpec(options: ForecastChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const name = options.name ?? 'value';
  const scale = { zero: false };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, typeof options.width === 'number' ? Math.min(options.width, options.height ?? 260) : (options.height ?? 260)),
    config: themeConfig(theme),
    data: { name: 'forecast' },
    transform: [{ filter: 'isFinite(datum.target) && isFinite(datum.prediction)' }],
    encoding: {
      x: { field: 'target', type: 'quantitative', title: `target ${name}`, scale },
      y: { field: 'prediction', type: 'quantitative', title: `predicted ${name}`, scale },
    },
    layer: [
      {
        // From the lowest to the highest of targets and predictions, so both axes span them alike.
        transform: [
          {
            aggregate: [
              { op: 'min', field: 'target', as: 'minTarget' },
              { op: 'min', field: 'prediction', as: 'minPrediction' },
              { op: 'max', field: 'target', as: 'maxTarget' },
              { op: 'max', field: 'prediction', as: 'maxPrediction' },
            ],
          },
          { calculate: 'min(datum.minTarget, datum.minPrediction)', as: 'low' },
          { calculate: 'max(datum.maxTarget, datum.maxPrediction)', as: 'high' },
        ],
        mark: { type: 'rule', color: theme.muted, strokeDash: [4, 4] },
        encoding: {
          x: { field: 'low', type: 'quantitative' },
          y: { field: 'low', type: 'quantitative' },
          x2: { field: 'high' },
          y2: { field: 'high' },
          tooltip: { value: 'y = x: a perfect forecast' },
        },
      },
      { mark: { type: 'point', filled: true, size: 22, opacity: 0.7, color: theme.palette[1] }, encoding: { tooltip: forecastTooltip(name) } },
    ],
  };
}

/**
 * The residuals (prediction − target) against the target, a point per validation sample, and the
 * zero line: a pattern here is what the model gets systematically wrong.
 *
 * Dataset: `forecast` (`ForecastRow`). Axis titles: "target <name>" and "residual (predicted − target)".
 */
export function residualChartSpec(options: ForecastChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const name = options.name ?? 'value';
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 200),
    config: themeConfig(theme),
    data: { name: 'forecast' },
    transform: [{ filter: 'isFinite(datum.residual)' }],
    layer: [
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', color: theme.muted, strokeDash: [4, 4] },
        encoding: { y: { field: 'zero', type: 'quantitative' } },
      },
      {
        mark: { type: 'point', filled: true, size: 22, opacity: 0.7, color: theme.palette[1] },
        encoding: {
          x: { field: 'target', type: 'quantitative', title: `target ${name}`, scale: { zero: false } },
          y: { field: 'residual', type: 'quantitative', title: 'residual (predicted − target)' },
          tooltip: forecastTooltip(name),
        },
      },
    ],
  };
}

/**
 * One validation sequence as a time series: its inputs of the target series, then the target and
 * the forecast continuing from the last input, in three colours with a legend, and a rule where the
 * forecast starts.
 *
 * Dataset: `sequence` (`SequenceRow`). Axis titles: "time step (0: last input)" and the name.
 */
export function sequenceChartSpec(options: ForecastChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const name = options.name ?? 'value';
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 200),
    config: themeConfig(theme),
    data: { name: 'sequence' },
    transform: [{ filter: 'isFinite(datum.value)' }],
    layer: [
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', color: theme.muted, strokeDash: [2, 3] },
        encoding: { x: { field: 'zero', type: 'quantitative' } },
      },
      {
        mark: { type: 'line', strokeWidth: 1.5, point: { size: 20, filled: true } },
        encoding: {
          x: { field: 'time', type: 'quantitative', title: 'time step (0: last input)', axis: spacedXAxis(options.width, true) },
          y: { field: 'value', type: 'quantitative', title: name, scale: { zero: false } },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: ['input', 'target', 'prediction'], range: [theme.muted, theme.palette[0], theme.palette[1]] },
            legend: { orient: 'top', direction: 'horizontal' },
          },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'series' },
            { field: 'time', type: 'quantitative', title: 'time step' },
            { field: 'value', type: 'quantitative', title: name, format: '.4~g' },
          ],
        },
      },
    ],
  };
}

/**
 * Actual (rows) × predicted (columns) counts, a cell per pair with its count as text, a colour
 * legend of the counts, the validation accuracy and where it comes from in the title
 * ("accuracy 87.5% · epoch 9 (last)").
 *
 * Dataset: `confusion` (`ConfusionRow`). Axis titles: "actual" and "predicted".
 */
export function confusionChartSpec(options: ConfusionChartOptions): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const step = options.cellSize ?? 64;
  const classes = [...options.classes];
  const [, zero, positive] = theme.diverging;
  const pct = Number.isFinite(options.accuracy) ? `${(options.accuracy * 100).toFixed(1)}%` : '–';
  return {
    $schema: VEGA_LITE_SCHEMA,
    autosize: AUTOSIZE,
    title: options.caption ? `accuracy ${pct} · ${options.caption}` : `accuracy ${pct}`,
    width: { step },
    height: { step },
    config: themeConfig(theme),
    data: { name: 'confusion' },
    transform: [{ joinaggregate: [{ op: 'max', field: 'count', as: 'maxCount' }] }],
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted', scale: { domain: classes }, axis: { orient: 'top', labelAngle: 0, labelLimit: step } },
      y: { field: 'actual', type: 'ordinal', title: 'actual', scale: { domain: classes } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: theme.grid, strokeWidth: 0.5 },
        encoding: {
          color: {
            field: 'count',
            type: 'quantitative',
            title: 'count',
            scale: { range: [zero, positive], domainMin: 0 },
            legend: { orient: 'right', gradientLength: Math.max(60, Math.min(160, step * classes.length)) },
          },
          tooltip: [
            { field: 'actual', type: 'nominal' },
            { field: 'predicted', type: 'nominal' },
            { field: 'count', type: 'quantitative' },
          ],
        },
      },
      {
        mark: { type: 'text', baseline: 'middle' },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.count > datum.maxCount / 2', value: theme.background }, value: theme.foreground },
        },
      },
    ],
  };
}
