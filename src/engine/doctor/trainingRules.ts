/**
 * The doctor's rules on the losses and gradient norms every run records: diverged, exploding
 * gradients, no better than the baseline, overfitting, and a learning rate too high or too low.
 */
import type { ExperimentSpec } from '../spec/types';
import { formatFigure, scaledRate } from './format';
import type { RunSignals } from './signals';
import { THRESHOLDS } from './thresholds';
import type { Finding, FindingFix } from './types';

/** Whether the rules may judge the whole run: it has ended, or done half its epochs. */
export interface RuleMoment {
  final: boolean;
}

export function lowerRateFix(spec: ExperimentSpec): FindingFix {
  const value = scaledRate(spec.training.learningRate, 0.1);
  return { path: 'training.learningRate', value, label: `Lower training.learningRate to ${value} (× 0.1)` };
}

export function clipFix(spec: ExperimentSpec): FindingFix | undefined {
  return spec.training.clipNorm === 0 || spec.training.clipNorm > 1
    ? { path: 'training.clipNorm', value: 1, label: 'Clip gradients: training.clipNorm 1' }
    : undefined;
}

/** How far a loss has grown past its start and the baseline: loss / max(start, baseline). */
export function growthPastStart(loss: number, start: number, baseline: number): number {
  return loss / Math.max(start, baseline);
}

export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function diverged(s: RunSignals): Finding | undefined {
  const spec = s.spec;
  const fixes = [lowerRateFix(spec), clipFix(spec)].filter((fix) => fix !== undefined);
  const base = { code: 'diverged', severity: 'error', path: 'training.learningRate', fixes } as const;
  if (s.end?.divergedAt) {
    const { epoch, step } = s.end.divergedAt;
    const what = /: (.*?)\. Try /.exec(s.end.reason ?? '')?.[1] ?? 'the loss became non-finite';
    return {
      ...base,
      epoch,
      message: `Diverged at epoch ${epoch}, step ${step}, at learning rate ${s.lastRate}: ${what}.`,
      evidence: { step, lastFiniteLoss: s.stepLosses.filter(Number.isFinite).at(-1) ?? null, learningRate: s.lastRate },
    };
  }
  const start = s.stepLosses[0];
  const baseline = s.baseline;
  const last = s.epochs.at(-1);
  if (start === undefined || baseline === undefined || last === undefined) return undefined;
  const growth = Math.min(growthPastStart(last.validationLoss, start, baseline), growthPastStart(last.trainLoss, start, baseline));
  if (!(growth > THRESHOLDS.divergedFactor)) return undefined;
  return {
    ...base,
    epoch: last.epoch,
    message:
      `Diverged: validation loss ${formatFigure(last.validationLoss)} at epoch ${last.epoch}, ${formatFigure(growth)}× its start ` +
      `(${formatFigure(start)}) and the baseline (${formatFigure(baseline)}), at learning rate ${spec.training.learningRate}.`,
    evidence: { startLoss: start, baseline, validationLoss: last.validationLoss, growth, learningRate: spec.training.learningRate },
  };
}

export function explodingGradients(s: RunSignals): Finding | undefined {
  if (s.gradNorms.length < THRESHOLDS.explodingMinSteps) return undefined;
  const typical = median(s.gradNorms);
  let peak = 0;
  let peakStep = 0;
  s.gradNorms.forEach((norm, i) => {
    if (norm > peak) [peak, peakStep] = [norm, i + 1];
  });
  const clip = s.spec.training.clipNorm;
  // What reaches the weights: clipping bounds every update's norm.
  const factor = (clip > 0 ? Math.min(peak, clip) : peak) / typical;
  if (!(factor > THRESHOLDS.explodingSpikeFactor)) return undefined;
  const spikes = s.gradNorms.filter((norm) => norm > typical * THRESHOLDS.explodingSpikeFactor).length;
  const epoch = Math.ceil(peakStep / Math.max(1, s.start?.stepsPerEpoch ?? peakStep));
  return {
    code: 'exploding-gradients',
    severity: 'warning',
    epoch,
    path: 'training.clipNorm',
    message:
      `Exploding gradients: the gradient norm reached ${formatFigure(peak)} at step ${peakStep}, ${formatFigure(factor)}× the run's median ` +
      `(${formatFigure(typical)}), in ${spikes} step${spikes === 1 ? '' : 's'}${clip > 0 ? `; clipping at ${clip} lets it through` : ' without clipping'}.`,
    evidence: { peak, peakStep, median: typical, factor, spikes, clipNorm: clip },
    fixes: [
      clipFix(s.spec) ?? {
        path: 'training.clipNorm',
        value: formatFigureNumber(typical),
        label: `Clip at the median norm: training.clipNorm ${formatFigureNumber(typical)}`,
      },
    ],
  };
}

function formatFigureNumber(value: number): number {
  return Number(value.toPrecision(2));
}

export function noBetterThanBaseline(s: RunSignals, moment: RuleMoment): Finding | undefined {
  const best = s.bestValidation;
  const baseline = s.baseline;
  if (!moment.final || best === undefined || baseline === undefined || !(baseline > 0)) return undefined;
  const share = best.loss / baseline;
  if (!(share >= THRESHOLDS.noBetterThanBaseline)) return undefined;
  const label = s.start?.baseline.label ?? 'naive predictor';
  return {
    code: 'no-better-than-baseline',
    severity: 'warning',
    epoch: best.epoch,
    path: 'model',
    message:
      `No better than the baseline: the best validation loss ${formatFigure(best.loss)} (epoch ${best.epoch}) is ` +
      `${share >= 1 ? `${formatFigure(share)}× ` : `${formatFigure((1 - share) * 100)}% below `}the ${label} baseline's ${formatFigure(baseline)}.`,
    evidence: { bestValidationLoss: best.loss, bestEpoch: best.epoch, baseline, share, validationLosses: s.epochs.map((e) => e.validationLoss) },
    fixes: [],
  };
}

export function overfitting(s: RunSignals): Finding | undefined {
  const best = s.bestValidation;
  const last = s.epochs.at(-1);
  if (best === undefined || last === undefined) return undefined;
  const after = s.epochs.filter((e) => e.epoch > best.epoch);
  const bestTrain = s.epochs.find((e) => e.epoch === best.epoch)?.trainLoss ?? NaN;
  const rise = last.validationLoss / best.loss - 1;
  // A model no better than the naive predictor is not fitting at all, let alone overfitting.
  if (!(best.loss < (s.baseline ?? Infinity))) return undefined;
  if (after.length < THRESHOLDS.overfittingEpochs || !(rise >= THRESHOLDS.overfittingRise) || !(last.trainLoss < bestTrain)) return undefined;
  const spec = s.spec;
  // Early stopping that ended the run within its patience has done its job.
  if (spec.training.earlyStopping !== null && after.length <= spec.training.earlyStopping.patience) return undefined;
  const fixes: FindingFix[] = [];
  if (spec.training.earlyStopping === null) {
    fixes.push({ path: 'training.earlyStopping', value: { patience: 3, metric: 'val_loss' }, label: 'Stop early: training.earlyStopping with patience 3' });
  }
  if (spec.model.dropout === 0) {
    fixes.push(
      spec.model.layers > 1
        ? { path: 'model.dropout', value: 0.2, label: 'Add dropout: model.dropout 0.2' }
        : { path: 'model.dropout', value: 0.2, label: 'Add dropout: model.dropout 0.2 with model.layers 2', with: [{ path: 'model.layers', value: 2 }] },
    );
  }
  return {
    code: 'overfitting',
    severity: 'warning',
    epoch: last.epoch,
    path: spec.training.earlyStopping === null ? 'training' : 'model',
    message:
      `Overfitting: validation loss rose ${formatFigure(rise * 100)}% from its best (${formatFigure(best.loss)} at epoch ${best.epoch}) over ` +
      `${after.length} epochs while the train loss fell from ${formatFigure(bestTrain)} to ${formatFigure(last.trainLoss)}.`,
    evidence: {
      bestEpoch: best.epoch,
      bestValidationLoss: best.loss,
      lastValidationLoss: last.validationLoss,
      rise,
      trainLosses: s.epochs.map((e) => e.trainLoss),
      validationLosses: s.epochs.map((e) => e.validationLoss),
    },
    fixes,
  };
}

/** The relative fall of the train loss from the first epoch to the last (negative when it rose). */
function trainLossFall(s: RunSignals): number {
  const first = s.epochs[0]?.trainLoss ?? NaN;
  const last = s.epochs.at(-1)?.trainLoss ?? NaN;
  return (first - last) / first;
}

export function learningRateTooHigh(s: RunSignals, moment: RuleMoment): Finding | undefined {
  const losses = s.epochs.map((e) => e.trainLoss);
  if (!moment.final || losses.length < THRESHOLDS.oscillationMinEpochs) return undefined;
  const rises = losses.slice(1).filter((loss, i) => loss > losses[i]).length;
  const share = rises / (losses.length - 1);
  const best = s.bestValidation;
  const baseline = s.baseline ?? NaN;
  // Going up and down around a good fit is the noise of the last epochs, not a rate problem; a loss that barely moves is the other end.
  if (!(share >= THRESHOLDS.oscillationShare) || Math.abs(trainLossFall(s)) < THRESHOLDS.barelyMoves) return undefined;
  if (best !== undefined && best.loss < baseline * THRESHOLDS.clearlyBelowBaseline) return undefined;
  return {
    code: 'learning-rate-too-high',
    severity: 'warning',
    epoch: s.lastEpoch,
    path: 'training.learningRate',
    message:
      `Learning rate too high: the train loss rose in ${rises} of ${losses.length - 1} epochs instead of descending ` +
      `(${formatFigure(losses[0])} to ${formatFigure(losses.at(-1) as number)}), at learning rate ${s.spec.training.learningRate}.`,
    evidence: { rises, transitions: losses.length - 1, share, trainLosses: losses, learningRate: s.spec.training.learningRate },
    fixes: [lowerRateFix(s.spec)],
  };
}

export function learningRateTooLow(s: RunSignals, moment: RuleMoment): Finding | undefined {
  if (!moment.final || s.epochs.length < 2) return undefined;
  const fall = trainLossFall(s);
  const best = s.bestValidation;
  const baseline = s.baseline ?? NaN;
  if (!(Math.abs(fall) < THRESHOLDS.barelyMoves) || (best !== undefined && best.loss < baseline * THRESHOLDS.clearlyBelowBaseline)) return undefined;
  const value = scaledRate(s.spec.training.learningRate, 10);
  const [first, last] = [s.epochs[0].trainLoss, s.epochs.at(-1)?.trainLoss as number];
  return {
    code: 'learning-rate-too-low',
    severity: 'warning',
    epoch: s.lastEpoch,
    path: 'training.learningRate',
    message:
      `Learning rate too low: the train loss moved ${formatFigure(fall * 100)}% in ${s.epochs.length} epochs ` +
      `(${formatFigure(first)} to ${formatFigure(last)}) at learning rate ${s.spec.training.learningRate}.`,
    evidence: { firstLoss: first, lastLoss: last, moved: fall, trainLosses: s.epochs.map((e) => e.trainLoss), learningRate: s.spec.training.learningRate },
    fixes: [{ path: 'training.learningRate', value, label: `Raise training.learningRate to ${value} (× 10)` }],
  };
}
