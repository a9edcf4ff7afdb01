/** Prediction charts: forecasts against targets, and the confusion matrix of a classifier. */
import type { TopLevelSpec } from 'vega-lite';
import type { PredictionProbe } from '../engine/events';
import { AUTOSIZE, chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

type Forecast = Extract<PredictionProbe, { kind: 'forecast' }>;
type Classification = Extract<PredictionProbe, { kind: 'classify' }>;

/** A row of the `forecast` dataset: one validation sample. */
export interface ForecastRow {
  /** Position among the probed validation samples, from 0. */
  index: number;
  target: number;
  prediction: number;
}

/** A row of the `confusion` dataset: how many samples of class `actual` were predicted as `predicted`. */
export interface ConfusionRow {
  actual: string;
  predicted: string;
  count: number;
}

export interface ForecastChartOptions extends ChartSize {
  theme?: ChartTheme;
}

export interface ConfusionChartOptions {
  /** The class names in their order (rows and columns). */
  classes: readonly string[];
  /** Validation accuracy in [0, 1], shown in the title. */
  accuracy: number;
  theme?: ChartTheme;
  /** Pixels per class (cell side). Default 64. */
  cellSize?: number;
}

/** The `forecast` rows of a forecast probe, for one output (of a multi-step horizon). */
export function forecastRows(probe: Forecast, output = 0): ForecastRow[] {
  return probe.targets.map((target, index) => ({ index, target: target[output], prediction: probe.predictions[index]?.[output] }));
}

/** The `confusion` rows of a classification probe: one per (actual, predicted) pair, zeros included. */
export function confusionRows(probe: Classification): ConfusionRow[] {
  return probe.classes.flatMap((actual, a) => probe.classes.map((predicted, p) => ({ actual, predicted, count: probe.confusion[a]?.[p] ?? 0 })));
}

/**
 * Targets and predictions over the validation sample index, in two colours with a legend.
 *
 * Dataset: `forecast` (`ForecastRow`). Axis titles: "validation sample" and "value".
 */
export function forecastChartSpec(options: ForecastChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 200),
    config: themeConfig(theme),
    data: { name: 'forecast' },
    transform: [{ fold: ['target', 'prediction'], as: ['series', 'value'] }, { filter: 'isFinite(datum.value)' }],
    mark: { type: 'line', strokeWidth: 1.5, point: { size: 16 } },
    encoding: {
      x: { field: 'index', type: 'quantitative', title: 'validation sample', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: ['target', 'prediction'], range: [theme.palette[0], theme.palette[1]] },
        legend: { orient: 'top', direction: 'horizontal' },
      },
      tooltip: [
        { field: 'index', type: 'quantitative', title: 'sample' },
        { field: 'target', type: 'quantitative', format: '.4~g' },
        { field: 'prediction', type: 'quantitative', format: '.4~g' },
      ],
    },
  };
}

/**
 * Actual (rows) × predicted (columns) counts, a cell per pair with its count as text, the
 * validation accuracy in the title ("accuracy 87.5%").
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
    title: `accuracy ${pct}`,
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
          color: { field: 'count', type: 'quantitative', title: 'count', scale: { range: [zero, positive], domainMin: 0 }, legend: null },
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
