/**
 * Small charts for the editor: a sparkline for decorations and a hover chart. The extension host
 * renders them to SVG (`renderSvg`); pass a theme matching the editor's colour theme, with
 * `background: 'transparent'` to blend into the editor.
 */
import type { TopLevelSpec } from 'vega-lite';
import { AUTOSIZE, VEGA_LITE_SCHEMA } from './layout';
import { baselineLayer, foldEpochLosses, labelledEpochRule, lossEncoding, plottable, splitColor } from './lossLayers';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

/** A row of the sparkline's `series` dataset. */
export interface SparkRow {
  /** Epoch or step. */
  x: number;
  /** The loss (validation or train) at `x`. */
  value: number;
}

export interface SparklineOptions {
  theme?: ChartTheme;
  /** Outer size in pixels, exactly. Default 120 × 24. */
  width?: number;
  height?: number;
}

export interface HoverChartOptions {
  theme?: ChartTheme;
  /** Plot size in pixels (axes and legend come on top). Default 400 × 200. */
  width?: number;
  height?: number;
}

/** Room for the point markers at the plot's edges. */
const SPARK_PADDING = 2;

/**
 * A tiny loss curve without axes: exactly `width` × `height` pixels, the line in the first palette
 * colour, the best (lowest) point marked in the second, the last point in the foreground colour,
 * and the baseline, when given, as a dotted rule in the muted colour (on the same scale).
 *
 * Datasets: `series` (`SparkRow`) and, optionally, `baseline` (`BaselineRow`). Non-finite values
 * are left out.
 */
export function sparklineSpec(options: SparklineOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const x = { field: 'x', type: 'quantitative' as const, axis: null, scale: { nice: false, zero: false } };
  const y = { field: 'value', type: 'quantitative' as const, axis: null, scale: { nice: false, zero: false } };
  const point = (color: string) => ({ type: 'point' as const, filled: true, size: 10, color, opacity: 1 });
  return {
    $schema: VEGA_LITE_SCHEMA,
    autosize: { type: 'none' },
    padding: SPARK_PADDING,
    width: (options.width ?? 120) - 2 * SPARK_PADDING,
    height: (options.height ?? 24) - 2 * SPARK_PADDING,
    config: themeConfig(theme),
    layer: [
      {
        data: { name: 'baseline' },
        transform: [plottable('loss', false)],
        mark: { type: 'rule', strokeDash: [2, 2], strokeWidth: 1, color: theme.muted },
        encoding: { y: { ...y, field: 'loss' } },
      },
      {
        data: { name: 'series' },
        transform: [
          plottable('value', false),
          {
            joinaggregate: [
              { op: 'min', field: 'value', as: 'best' },
              { op: 'max', field: 'x', as: 'lastX' },
            ],
          },
        ],
        encoding: {
          x,
          y,
          tooltip: [
            { field: 'x', type: 'quantitative' },
            { field: 'value', type: 'quantitative', format: '.4~g' },
          ],
        },
        layer: [
          { mark: { type: 'line', strokeWidth: 1.25, color: theme.palette[0] } },
          { transform: [{ filter: 'datum.value === datum.best' }], mark: point(theme.palette[1]) },
          { transform: [{ filter: 'datum.x === datum.lastX' }], mark: point(theme.foreground) },
        ],
      },
    ],
  };
}

/**
 * Train and validation loss per epoch, the baseline as a labelled rule, and the best epoch (lowest
 * validation loss) as a vertical rule labelled "best <loss> @ epoch <n>".
 *
 * Datasets: `epochs` (`EpochRow`; its `step` is not used) and `baseline` (`BaselineRow`).
 * Axis titles: "epoch" and "loss".
 */
export function hoverChartSpec(options: HoverChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const x = { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: { tickMinStep: 1 } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    autosize: AUTOSIZE,
    width: options.width ?? 400,
    height: options.height ?? 200,
    config: themeConfig(theme),
    layer: [
      {
        data: { name: 'epochs' },
        transform: foldEpochLosses(false),
        mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 1.5 },
        encoding: {
          x,
          y: lossEncoding('epochLoss', false),
          color: { ...splitColor(theme), field: 'split' },
          tooltip: [
            { field: 'epoch', type: 'quantitative' },
            { field: 'split', type: 'nominal' },
            { field: 'epochLoss', type: 'quantitative', title: 'loss', format: '.4~g' },
          ],
        },
      },
      baselineLayer(theme, false),
      {
        data: { name: 'epochs' },
        transform: [
          { filter: 'isFinite(datum.validationLoss)' },
          {
            joinaggregate: [
              { op: 'min', field: 'epoch', as: 'firstEpoch' },
              { op: 'max', field: 'epoch', as: 'lastEpoch' },
            ],
          },
          { window: [{ op: 'row_number', as: 'rank' }], sort: [{ field: 'validationLoss' }, { field: 'epoch' }] },
          { filter: 'datum.rank === 1' },
          { calculate: "'best ' + format(datum.validationLoss, '.4~g') + ' @ epoch ' + datum.epoch", as: 'text' },
        ],
        layer: labelledEpochRule(theme, x, 'top'),
      },
    ],
  };
}
