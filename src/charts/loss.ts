/** The training-loss chart: loss per step (raw and smoothed), per epoch, and the naive baseline. */
import type { TopLevelSpec } from 'vega-lite';
import type { EpochEvent, StepEvent } from '../engine/events';
import { chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { baselineLayer, foldEpochLosses, lossEncoding, plottable } from './lossLayers';
import { smoothDebiased } from './series';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

/** A row of the `steps` dataset: one optimizer step. */
export interface StepRow {
  /** Global step, from 1. */
  step: number;
  /** Where the step lies in epochs: 1.5 is halfway through epoch 2 (the epoch itself when the epoch length is unknown). */
  epochs: number;
  /** The epoch the step belongs to, from 1 (0 when unknown). */
  epoch: number;
  /** Seconds since the run started; NaN when the run did not record it. */
  seconds: number;
  loss: number;
  /** The debiased moving average of `loss` (see `smoothDebiased`). */
  smoothed: number;
  /** The train and validation loss of the step's epoch once it ended (NaN before), for the crosshair's readout. */
  epochTrainLoss: number;
  epochValidationLoss: number;
  /** The learning rate the step ran at; NaN when the run did not record it. */
  learningRate: number;
}

/** A row of the `epochs` dataset: one finished epoch. */
export interface EpochRow {
  epoch: number;
  /** The global step at the epoch's end, so epochs share the step axis. */
  step: number;
  /** Seconds since the run started at the epoch's end; NaN when unknown. */
  seconds: number;
  trainLoss: number;
  validationLoss: number;
  /** Classification and token tasks only. */
  trainAccuracy?: number;
  validationAccuracy?: number;
}

/** A row of the `baseline` dataset: the naive predictor's loss. */
export interface BaselineRow {
  loss: number;
  /** What the baseline predicts, e.g. "last value". */
  label: string;
}

/** What the x axis counts: optimizer steps, epochs (fractional for steps), or wall-clock seconds since the start. */
export type LossAxis = 'step' | 'epoch' | 'time';

export const LOSS_AXES: readonly LossAxis[] = ['step', 'epoch', 'time'];

/** The legend entries of the loss chart: the step curve and the per-epoch train loss are different series. */
export const LOSS_SERIES = ['train, per step', 'train, epoch mean', 'validation'] as const;

/** The legend entry of the learning-rate overlay. */
export const LEARNING_RATE_SERIES = 'learning rate';

export interface LossChartOptions extends ChartSize {
  theme?: ChartTheme;
  /** A log y scale. Non-positive losses are left out of it. */
  logScale?: boolean;
  /** The x axis; default `step`. */
  xAxis?: LossAxis;
  /** Overlays each step's learning rate on a second y axis (right). */
  showLearningRate?: boolean;
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

/** The point selection of the step nearest the pointer: the crosshair and its readout of every series there. */
export const CROSSHAIR_PARAM = 'crosshair';

/** The field and title of each x axis, for step rows and epoch rows. */
const X_FIELDS: Record<LossAxis, { steps: string; epochs: string; title: string }> = {
  step: { steps: 'step', epochs: 'step', title: 'step' },
  epoch: { steps: 'epochs', epochs: 'epoch', title: 'epoch' },
  time: { steps: 'seconds', epochs: 'seconds', title: 'time (s)' },
};

/** A step as the loss chart needs it; `epoch` and `elapsedMs` are optional (older runs lack them). */
export type StepInput = Pick<StepEvent, 'step' | 'loss'> & { epoch?: number; elapsedMs?: number; learningRate?: number };

/**
 * Step rows with the `smoothed` column computed from `steps` in order. `stepsPerEpoch` (0 when
 * unknown) places each step on the epoch axis; `epochs` gives each step its epoch's losses.
 */
export function stepRows(
  steps: readonly StepInput[],
  weight: number,
  stepsPerEpoch = 0,
  epochs: readonly Pick<EpochEvent, 'epoch' | 'trainLoss' | 'validationLoss'>[] = [],
): StepRow[] {
  const smoothed = smoothDebiased(
    steps.map((s) => s.loss),
    weight,
  );
  const ended = new Map(epochs.map((e) => [e.epoch, e]));
  return steps.map((s, i) => ({
    step: s.step,
    epochs: stepsPerEpoch > 0 ? s.step / stepsPerEpoch : (s.epoch ?? 0),
    epoch: s.epoch ?? 0,
    seconds: s.elapsedMs === undefined ? Number.NaN : s.elapsedMs / 1000,
    loss: s.loss,
    smoothed: smoothed[i],
    epochTrainLoss: ended.get(s.epoch ?? 0)?.trainLoss ?? Number.NaN,
    epochValidationLoss: ended.get(s.epoch ?? 0)?.validationLoss ?? Number.NaN,
    learningRate: s.learningRate ?? Number.NaN,
  }));
}

/** The `epochs` row of an epoch event; `step` is the last global step of that epoch. */
export function epochRow(
  event: Pick<EpochEvent, 'epoch' | 'trainLoss' | 'validationLoss'> & Partial<Pick<EpochEvent, 'elapsedMs' | 'trainAccuracy' | 'validationAccuracy'>>,
  step: number,
): EpochRow {
  return {
    epoch: event.epoch,
    step,
    seconds: event.elapsedMs === undefined ? Number.NaN : event.elapsedMs / 1000,
    trainLoss: event.trainLoss,
    validationLoss: event.validationLoss,
    trainAccuracy: event.trainAccuracy,
    validationAccuracy: event.validationAccuracy,
  };
}

/** The layers of a layered Vega-Lite chart. */
type LayerList = Extract<TopLevelSpec, { layer: unknown }>['layer'];

/** About one x label per this many pixels, so labels never touch ("750800"). */
const PIXELS_PER_X_LABEL = 90;

/**
 * A quantitative x axis whose labels keep apart: a tick count from the plot's width, a minimum gap
 * between labels and the overlapping ones dropped. `integer` keeps ticks on whole numbers.
 */
export function spacedXAxis(width: number | 'container' | undefined, integer: boolean) {
  const plot = typeof width === 'number' ? width : 480;
  return {
    tickCount: Math.max(2, Math.floor(plot / PIXELS_PER_X_LABEL)),
    labelOverlap: true,
    labelSeparation: 8,
    labelFlush: true,
    ...(integer ? { tickMinStep: 1 } : {}),
  };
}

/**
 * Train loss per step (raw faint, smoothed solid), train and validation loss per epoch (lines
 * with points, each its own legend entry, on the same x axis) and the baseline as a labelled
 * horizontal rule. The x axis counts steps, epochs or seconds (`xAxis`). A crosshair follows the
 * pointer to the nearest step; its tooltip reads every series there (the step's raw and smoothed
 * loss, the train and validation loss of its epoch: pass the epochs to `stepRows`).
 *
 * Datasets: `steps` (`StepRow`), `epochs` (`EpochRow`), `baseline` (`BaselineRow`, one row).
 * Parameters: `ZOOM_PARAM` (zoom and pan, both axes), `CROSSHAIR_PARAM`.
 * Non-finite losses (a diverged run), and on the time axis rows without a time, are left out.
 * Axis titles: "step" (or "epoch", "time (s)") and "loss". With `showLearningRate`, a dashed line
 * of each step's learning rate on its own y axis at the right ("learning rate"), its own legend entry.
 */
export function lossChartSpec(options: LossChartOptions = {}): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const logScale = options.logScale ?? false;
  const axis = X_FIELDS[options.xAxis ?? 'step'];
  const xAxis = spacedXAxis(options.width, options.xAxis !== 'time');
  const x = (field: string) => ({ field, type: 'quantitative' as const, title: axis.title, axis: xAxis });
  const onAxis = (field: string) => ({ filter: `isFinite(datum.${field})` });
  const showRate = options.showLearningRate ?? false;
  const color = {
    type: 'nominal' as const,
    title: null,
    scale: {
      domain: showRate ? [...LOSS_SERIES, LEARNING_RATE_SERIES] : [...LOSS_SERIES],
      range: [theme.palette[0], theme.palette[2], theme.palette[1], ...(showRate ? [theme.palette[3]] : [])],
    },
    legend: { orient: 'top' as const, direction: 'horizontal' as const, symbolOpacity: 1, labelLimit: 160 },
  };
  const stepColor = { ...color, datum: LOSS_SERIES[0] };
  const lossLayers: LayerList = [
    {
      data: { name: 'steps' },
      transform: [plottable('loss', logScale), onAxis(axis.steps)],
      mark: { type: 'line', opacity: 0.25, strokeWidth: 1, clip: true },
      encoding: { x: x(axis.steps), y: lossEncoding('loss', logScale), color: stepColor },
    },
    {
      data: { name: 'steps' },
      transform: [plottable('smoothed', logScale), onAxis(axis.steps)],
      params: [{ name: ZOOM_PARAM, select: { type: 'interval', encodings: ['x', 'y'] }, bind: 'scales' }],
      mark: { type: 'line', strokeWidth: 1.5, clip: true },
      encoding: { x: x(axis.steps), y: lossEncoding('smoothed', logScale), color: stepColor },
    },
    {
      data: { name: 'epochs' },
      transform: [
        ...foldEpochLosses(logScale),
        { calculate: `datum.split === 'train' ? '${LOSS_SERIES[1]}' : '${LOSS_SERIES[2]}'`, as: 'series' },
        onAxis(axis.epochs),
      ],
      mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 1.5, clip: true },
      encoding: {
        x: x(axis.epochs),
        y: lossEncoding('epochLoss', logScale),
        color: { ...color, field: 'series' },
        tooltip: [
          { field: 'epoch', type: 'quantitative', title: 'epoch' },
          { field: 'step', type: 'quantitative', title: 'step' },
          { field: 'series', type: 'nominal', title: 'series' },
          { field: 'epochLoss', type: 'quantitative', title: 'loss', format: '.4~g' },
        ],
      },
    },
    baselineLayer(theme, logScale),
    crosshairLayer(theme, axis.steps, x(axis.steps)),
  ];
  const frame = { $schema: VEGA_LITE_SCHEMA, ...chartSizing(options, 240), config: themeConfig(theme) };
  if (!showRate) return { ...frame, layer: lossLayers };
  const rateLayer = {
    data: { name: 'steps' },
    transform: [{ filter: `isFinite(datum.learningRate) && isFinite(datum.${axis.steps})` }],
    mark: { type: 'line' as const, strokeWidth: 1.5, strokeDash: [4, 3], clip: true },
    encoding: {
      x: x(axis.steps),
      y: { field: 'learningRate', type: 'quantitative' as const, title: LEARNING_RATE_SERIES, axis: { orient: 'right' as const, format: '.2~e' } },
      color: { ...color, datum: LEARNING_RATE_SERIES },
    },
  };
  // The losses share one y scale; the rate has its own, on the right.
  return { ...frame, layer: [{ layer: lossLayers }, rateLayer], resolve: { scale: { y: 'independent' } } };
}

/**
 * A vertical rule at the step nearest the pointer, with a tooltip of every series at that step:
 * its raw and smoothed loss, and the train and validation loss of its epoch.
 */
function crosshairLayer(theme: ChartTheme, field: string, x: object) {
  return {
    data: { name: 'steps' },
    transform: [{ filter: `isFinite(datum.${field}) && isFinite(datum.loss)` }],
    params: [{ name: CROSSHAIR_PARAM, select: { type: 'point' as const, fields: [field], nearest: true, on: 'pointermove', clear: 'pointerout' } }],
    mark: { type: 'rule' as const, color: theme.muted, strokeWidth: 1 },
    encoding: {
      x,
      opacity: { condition: { param: CROSSHAIR_PARAM, empty: false, value: 0.8 }, value: 0 },
      tooltip: [
        { field: 'step', type: 'quantitative' as const, title: 'step' },
        { field: 'epochs', type: 'quantitative' as const, title: 'epoch', format: '.2f' },
        { field: 'seconds', type: 'quantitative' as const, title: 'time (s)', format: '.1f' },
        { field: 'loss', type: 'quantitative' as const, title: LOSS_SERIES[0], format: '.4~g' },
        { field: 'smoothed', type: 'quantitative' as const, title: 'smoothed', format: '.4~g' },
        { field: 'epochTrainLoss', type: 'quantitative' as const, title: `${LOSS_SERIES[1]} (its epoch)`, format: '.4~g' },
        { field: 'epochValidationLoss', type: 'quantitative' as const, title: `${LOSS_SERIES[2]} (its epoch)`, format: '.4~g' },
      ],
    },
  };
}
