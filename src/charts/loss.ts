/** The training-loss chart: loss per step (raw and smoothed), per epoch, and the naive baseline. */
import type { TopLevelSpec } from 'vega-lite';
import type { EpochEvent, StepEvent } from '../engine/events';
import { chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { baselineLayer, foldEpochLosses, lossEncoding, plottable, splitColor } from './lossLayers';
import { smoothDebiased } from './series';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

/** A row of the `steps` dataset: one optimizer step. */
export interface StepRow {
  /** Global step, from 1. */
  step: number;
  loss: number;
  /** The debiased moving average of `loss` (see `smoothDebiased`). */
  smoothed: number;
}

/** A row of the `epochs` dataset: one finished epoch. */
export interface EpochRow {
  epoch: number;
  /** The global step at the epoch's end, so epochs share the step axis. */
  step: number;
  trainLoss: number;
  validationLoss: number;
}

/** A row of the `baseline` dataset: the naive predictor's loss. */
export interface BaselineRow {
  loss: number;
  /** What the baseline predicts, e.g. "predict the last value". */
  label: string;
}

export interface LossChartOptions extends ChartSize {
  theme?: ChartTheme;
  /** A log y scale. Non-positive losses are left out of it. */
  logScale?: boolean;
}

/**
 * The interval selection, bound to the scales, that zooms (wheel) and pans (drag) the loss chart;
 * double-click resets it. To zoom only while the chart has focus (and let the wheel scroll the
 * panel otherwise), stop `wheel` and `pointerdown` on the chart's element in the capture phase while
 * it is not focused: `el.addEventListener('wheel', (e) => focused || e.stopPropagation(), { capture: true })`.
 * (A parameter in the selection's event filter would be simpler, but vega's expression interpreter,
 * needed under the webview's CSP, cannot read parameters in event filters.)
 */
export const ZOOM_PARAM = 'zoom';

/** Step rows with the `smoothed` column computed from `steps` in order. */
export function stepRows(steps: readonly Pick<StepEvent, 'step' | 'loss'>[], weight: number): StepRow[] {
  const smoothed = smoothDebiased(steps.map((s) => s.loss), weight);
  return steps.map((s, i) => ({ step: s.step, loss: s.loss, smoothed: smoothed[i] }));
}

/** The `epochs` row of an epoch event; `step` is the last global step of that epoch. */
export function epochRow(event: Pick<EpochEvent, 'epoch' | 'trainLoss' | 'validationLoss'>, step: number): EpochRow {
  return { epoch: event.epoch, step, trainLoss: event.trainLoss, validationLoss: event.validationLoss };
}

/**
 * Train loss per step (raw faint, smoothed solid), train and validation loss per epoch (lines
 * with points, on the same step axis) and the baseline as a labelled horizontal rule.
 *
 * Datasets: `steps` (`StepRow`), `epochs` (`EpochRow`), `baseline` (`BaselineRow`, one row).
 * Parameter: `ZOOM_PARAM` (zoom and pan, both axes).
 * Non-finite losses (a diverged run) are left out. Axis titles: "step" and "loss".
 */
export function lossChartSpec(options: LossChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const logScale = options.logScale ?? false;
  const x = { field: 'step', type: 'quantitative' as const, title: 'step', axis: { tickMinStep: 1 } };
  const trainColor = { ...splitColor(theme), datum: 'train' };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 240),
    config: themeConfig(theme),
    layer: [
      {
        data: { name: 'steps' },
        transform: [plottable('loss', logScale)],
        mark: { type: 'line', opacity: 0.25, strokeWidth: 1, clip: true },
        encoding: { x, y: lossEncoding('loss', logScale), color: trainColor },
      },
      {
        data: { name: 'steps' },
        transform: [plottable('smoothed', logScale)],
        params: [{ name: ZOOM_PARAM, select: { type: 'interval', encodings: ['x', 'y'] }, bind: 'scales' }],
        mark: { type: 'line', strokeWidth: 1.5, clip: true },
        encoding: {
          x,
          y: lossEncoding('smoothed', logScale),
          color: trainColor,
          tooltip: [
            { field: 'step', type: 'quantitative', title: 'step' },
            { field: 'loss', type: 'quantitative', title: 'loss', format: '.4~g' },
            { field: 'smoothed', type: 'quantitative', title: 'smoothed', format: '.4~g' },
          ],
        },
      },
      {
        data: { name: 'epochs' },
        transform: foldEpochLosses(logScale),
        mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 1.5, clip: true },
        encoding: {
          x,
          y: lossEncoding('epochLoss', logScale),
          color: { ...splitColor(theme), field: 'split' },
          tooltip: [
            { field: 'epoch', type: 'quantitative', title: 'epoch' },
            { field: 'step', type: 'quantitative', title: 'step' },
            { field: 'split', type: 'nominal', title: 'split' },
            { field: 'epochLoss', type: 'quantitative', title: 'loss', format: '.4~g' },
          ],
        },
      },
      baselineLayer(theme, logScale),
    ],
  };
}
