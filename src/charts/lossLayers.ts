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

/**
 * The baseline's label as a Vega expression: "baseline (last value) 0.0705", so that it never reads
 * as the latest loss. Three significant digits, as the rule's height can show no more.
 */
export function baselineText(label: string, loss: string): string {
  return `'baseline (' + ${label} + ') ' + format(${loss}, '.3~g')`;
}

/** The `baseline` dataset drawn as a dashed horizontal rule with its label and value at the right end. */
export function baselineLayer(theme: ChartTheme, logScale: boolean) {
  const y = lossEncoding('loss', logScale);
  return {
    data: { name: 'baseline' },
    transform: [plottable('loss', logScale), { calculate: baselineText('datum.label', 'datum.loss'), as: 'text' }],
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

/**
 * A vertical rule at `x` labelled with the rows' `text`, the label on the side of the rule with more
 * room (the rows need `epoch`, `firstEpoch` and `lastEpoch`), at the top or the bottom of the plot.
 */
export function labelledEpochRule(theme: ChartTheme, x: object, at: 'top' | 'bottom') {
  const y = at === 'top' ? { y: 0 } : { y: { expr: 'height' }, dy: -3 };
  const side = (align: 'left' | 'right', test: string) => ({
    transform: [{ filter: test }],
    mark: { type: 'text' as const, align, baseline: at, dx: align === 'left' ? 3 : -3, ...y, color: theme.foreground },
    encoding: { x, text: { field: 'text' } },
  });
  return [
    { mark: { type: 'rule' as const, color: theme.palette[1], strokeDash: [2, 2] }, encoding: { x } },
    side('left', 'datum.epoch - datum.firstEpoch <= datum.lastEpoch - datum.epoch'),
    side('right', 'datum.epoch - datum.firstEpoch > datum.lastEpoch - datum.epoch'),
  ];
}
