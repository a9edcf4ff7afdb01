/** Accuracy per epoch (classification and token tasks): train and validation, beside the loss chart. */
import type { TopLevelSpec } from 'vega-lite';
import { chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { LOSS_SERIES, spacedXAxis } from './loss';
import { labelledEpochRule } from './lossLayers';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

export interface AccuracyChartOptions extends ChartSize {
  theme?: ChartTheme;
}

/**
 * Train and validation accuracy per epoch, lines with points in the colours (and legend names) of
 * the loss chart's per-epoch series,
 * and the best validation epoch as a rule labelled "best 62.0% @ epoch 6". Epochs without an
 * accuracy (a run recorded before train accuracy was) are left out of that split.
 *
 * Dataset: `epochs` (`EpochRow`, its `trainAccuracy` and `validationAccuracy`). Axis titles:
 * "epoch" and "accuracy".
 */
export function accuracyChartSpec(options: AccuracyChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const x = { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: spacedXAxis(options.width, true) };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 200),
    config: themeConfig(theme),
    data: { name: 'epochs' },
    layer: [
      {
        transform: [
          { fold: ['trainAccuracy', 'validationAccuracy'], as: ['series', 'accuracy'] },
          { calculate: `datum.series === 'trainAccuracy' ? '${LOSS_SERIES[1]}' : '${LOSS_SERIES[2]}'`, as: 'split' },
          { filter: 'isFinite(datum.accuracy)' },
        ],
        mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', axis: { format: '.0%' }, scale: { zero: false } },
          color: {
            field: 'split',
            type: 'nominal',
            title: null,
            scale: { domain: [LOSS_SERIES[1], LOSS_SERIES[2]], range: [theme.palette[2], theme.palette[1]] },
            legend: { orient: 'top', direction: 'horizontal' },
          },
          tooltip: [
            { field: 'epoch', type: 'quantitative', title: 'epoch' },
            { field: 'split', type: 'nominal', title: 'split' },
            { field: 'accuracy', type: 'quantitative', title: 'accuracy', format: '.1%' },
          ],
        },
      },
      {
        transform: [
          { filter: 'isFinite(datum.validationAccuracy)' },
          {
            joinaggregate: [
              { op: 'min', field: 'epoch', as: 'firstEpoch' },
              { op: 'max', field: 'epoch', as: 'lastEpoch' },
            ],
          },
          { window: [{ op: 'row_number', as: 'rank' }], sort: [{ field: 'validationAccuracy', order: 'descending' }, { field: 'epoch' }] },
          { filter: 'datum.rank === 1' },
          { calculate: "'best ' + format(datum.validationAccuracy, '.1%') + ' @ epoch ' + datum.epoch", as: 'text' },
        ],
        layer: labelledEpochRule(theme, x, 'bottom'),
      },
    ],
  };
}
