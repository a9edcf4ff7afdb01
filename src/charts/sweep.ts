/** A sweep's result against each swept setting: one small chart per key, the best run highlighted. */
import type { TopLevelSpec } from 'vega-lite';
import { formatSweepValue } from '../engine/format';
import { chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

/** How the values of an axis are laid out: numbers on a linear or log scale, anything else as categories. */
export type SweepAxisScale = 'linear' | 'log' | 'nominal';

/** A row of the `points` dataset: one run of the sweep, at its value of the charted key. */
export interface SweepPointRow {
  runId: string;
  /** The run's sweep label, for the tooltip. */
  label: string;
  /** The run's value of the key: a number on a numeric axis, its text on a nominal one. */
  value: number | string;
  /** The metric charted, e.g. the run's best validation loss. */
  metric: number;
  best: boolean;
}

export interface SweepChartOptions extends ChartSize {
  /** The swept key, the x axis title. */
  key: string;
  scale: SweepAxisScale;
  /** The key's values in sweep order: the order of a nominal axis, the ticks of a numeric one. */
  categories?: readonly (string | number)[];
  /** The y axis title. Default "best validation loss". */
  metricTitle?: string;
  /** The metric on a log scale (see `sweepAxisScale` of the metric values). */
  logMetric?: boolean;
  theme?: ChartTheme;
}

/** A numeric axis labels each swept value when there are at most this many. */
const MAX_VALUE_TICKS = 12;

/** Numbers spanning two decades or more go on a log scale. */
const LOG_SPAN = 100;

/**
 * The scale for a list of values: `nominal` unless every value is a finite number; `log` when they
 * are all positive and the largest is at least 100 times the smallest; `linear` otherwise.
 */
export function sweepAxisScale(values: readonly unknown[]): SweepAxisScale {
  if (values.length === 0 || !values.every((value) => typeof value === 'number' && Number.isFinite(value))) return 'nominal';
  const numbers = values as number[];
  const min = Math.min(...numbers);
  return min > 0 && Math.max(...numbers) / min >= LOG_SPAN ? 'log' : 'linear';
}

/**
 * The `points` rows of one key: runs without a finite metric are left out. `values` maps each run
 * to its value of the key.
 */
export function sweepPointRows(
  runs: readonly { id: string; label: string; values: Record<string, unknown>; metric?: number }[],
  key: string,
  scale: SweepAxisScale,
  bestRunId: string | undefined,
): SweepPointRow[] {
  return runs
    .filter((run) => run.metric !== undefined && Number.isFinite(run.metric) && key in run.values)
    .map((run) => ({
      runId: run.id,
      label: run.label,
      value: scale === 'nominal' ? formatSweepValue(run.values[key]) : (run.values[key] as number),
      metric: run.metric!,
      best: run.id === bestRunId,
    }));
}

/**
 * Each run's metric against its value of one swept key: a point per run in the first palette
 * colour, the best run larger in the second colour and labelled "best". On a numeric axis a line
 * joins the lowest metric at each value (what the sweep reached there) and the swept values are
 * the ticks; on a nominal axis the categories keep the sweep's order. Non-finite metrics (and non-positive ones on a log scale)
 * are left out.
 *
 * Dataset: `points` (`SweepPointRow`). Axis titles: the key and the metric.
 */
export function sweepChartSpec(options: SweepChartOptions): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const nominal = options.scale === 'nominal';
  const ticks = (options.categories ?? []).filter((value): value is number => typeof value === 'number');
  const x = nominal
    ? {
        field: 'value',
        type: 'ordinal' as const,
        title: options.key,
        sort: options.categories ? [...options.categories] : undefined,
        axis: { labelAngle: 0, labelLimit: 120 },
      }
    : {
        field: 'value',
        type: 'quantitative' as const,
        title: options.key,
        // The axis spans every swept value, also those of runs without a result yet.
        scale: {
          ...(options.scale === 'log' ? { type: 'log' as const } : { zero: false }),
          ...(ticks.length > 0 ? { domain: [Math.min(...ticks), Math.max(...ticks)] } : {}),
        },
        // A few swept values are the ticks; many get the scale's own ticks.
        axis: ticks.length > 0 && ticks.length <= MAX_VALUE_TICKS ? { values: ticks } : {},
      };
  const metricTitle = options.metricTitle ?? 'best validation loss';
  const y = {
    field: 'metric',
    type: 'quantitative' as const,
    title: metricTitle,
    scale: options.logMetric ? { type: 'log' as const } : { zero: false },
  };
  const tooltip = [
    { field: 'label', type: 'nominal' as const, title: 'run' },
    { field: 'metric', type: 'quantitative' as const, title: metricTitle, format: '.4~g' },
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 160),
    config: themeConfig(theme),
    data: { name: 'points' },
    transform: [{ filter: `isFinite(datum.metric)${options.logMetric ? ' && datum.metric > 0' : ''}${options.scale === 'log' ? ' && datum.value > 0' : ''}` }],
    encoding: { x, y },
    layer: [
      ...(nominal
        ? []
        : [
            {
              transform: [{ aggregate: [{ op: 'min' as const, field: 'metric', as: 'metric' }], groupby: ['value'] }],
              mark: { type: 'line' as const, strokeWidth: 1, color: theme.muted, strokeDash: [3, 2] },
            },
          ]),
      {
        mark: { type: 'point' as const, filled: true, size: 40, color: theme.palette[0], opacity: 0.85 },
        encoding: { tooltip },
      },
      {
        transform: [{ filter: 'datum.best' }],
        mark: { type: 'point' as const, filled: true, size: 110, color: theme.palette[1], stroke: theme.foreground, strokeWidth: 1 },
        encoding: { tooltip },
      },
      {
        transform: [{ filter: 'datum.best' }],
        mark: { type: 'text' as const, text: 'best', dy: -11, color: theme.foreground },
      },
    ],
  };
}
