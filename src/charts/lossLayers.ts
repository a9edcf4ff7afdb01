/** Pieces shared by the charts of loss curves (the panel's loss chart and the editor's hover chart). */
import type { ChartTheme } from './theme';

/** Keeps rows whose `field` can be plotted: finite, and positive on a log scale. */
export function plottable(field: string, logScale: boolean) {
  return { filter: `isFinite(datum.${field})${logScale ? ` && datum.${field} > 0` : ''}` };
}

/** A quantitative loss encoding titled "loss", on a log or a linear (not zero-based) scale. */
export function lossEncoding(field: string, logScale: boolean) {
  return {
    field,
    type: 'quantitative' as const,
    title: 'loss',
    scale: logScale ? { type: 'log' as const } : { type: 'linear' as const, zero: false },
  };
}

/** The colour of the train and validation splits, with its legend above the plot. Add `field` or `datum`. */
export function splitColor(theme: ChartTheme) {
  return {
    type: 'nominal' as const,
    title: null,
    scale: { domain: ['train', 'validation'], range: [theme.palette[0], theme.palette[1]] },
    legend: { orient: 'top' as const, direction: 'horizontal' as const, symbolOpacity: 1 },
  };
}

/** Turns `EpochRow`s into one row per split: `split` ('train' | 'validation') and `epochLoss`. */
export function foldEpochLosses(logScale: boolean) {
  return [
    { fold: ['trainLoss', 'validationLoss'], as: ['series', 'epochLoss'] as [string, string] },
    { calculate: "datum.series === 'trainLoss' ? 'train' : 'validation'", as: 'split' },
    plottable('epochLoss', logScale),
  ];
}

/** The `baseline` dataset drawn as a dashed horizontal rule with its label and value at the right end. */
export function baselineLayer(theme: ChartTheme, logScale: boolean) {
  const y = lossEncoding('loss', logScale);
  return {
    data: { name: 'baseline' },
    transform: [plottable('loss', logScale), { calculate: "datum.label + ' ' + format(datum.loss, '.4~g')", as: 'text' }],
    layer: [
      {
        mark: { type: 'rule' as const, strokeDash: [4, 4], color: theme.muted },
        encoding: {
          y,
          tooltip: [
            { field: 'label', type: 'nominal' as const, title: 'baseline' },
            { field: 'loss', type: 'quantitative' as const, title: 'loss', format: '.4~g' },
          ],
        },
      },
      {
        mark: { type: 'text' as const, align: 'right' as const, baseline: 'bottom' as const, dy: -3, x: { expr: 'width' }, color: theme.muted },
        encoding: { y, text: { field: 'text' } },
      },
    ],
  };
}
