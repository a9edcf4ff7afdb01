/**
 * The doctor's rules on the probes only RNN Lab records: ‖∂L/∂h_t‖ over time (vanishing
 * gradients), the gates and tanh states (saturation) and ReLU states (dead units).
 */
import { formatFigure, formatShare, scaledRate } from './format';
import type { RunSignals } from './signals';
import { THRESHOLDS } from './thresholds';
import { median, type RuleMoment } from './trainingRules';
import type { Finding } from './types';

export function vanishingGradients(s: RunSignals, moment: RuleMoment): Finding | undefined {
  // The first epochs of a run that goes on to learn are still at the baseline: judge once it had time, or at its end.
  if (!moment.final && s.epochs.length < THRESHOLDS.vanishingMinEpochs) return undefined;
  const probe = s.probes.at(-1);
  const flow = probe?.gradient;
  const baseline = s.baseline;
  const best = s.bestValidation;
  const recent = s.probes.slice(-THRESHOLDS.vanishingProbes).filter((p) => p.gradient);
  const ratios = recent.map((p) => p.gradient!.ratio);
  const typical = median(ratios);
  if (!probe || !flow || baseline === undefined || !(typical < THRESHOLDS.vanishingRatio)) return undefined;
  // Gradients that fade over steps the task does not need are no problem: the run learns.
  if (best && best.loss < baseline * THRESHOLDS.noBetterThanBaseline) return undefined;
  const steps = flow.norms.length;
  const cell = s.spec.model.cell;
  const ratio = typical === 0 ? '0 (vanished below float32)' : formatFigure(typical);
  const over = recent.length > 1 ? ` (the median of epochs ${recent[0].epoch}–${probe.epoch})` : ` at epoch ${probe.epoch}`;
  return {
    code: 'vanishing-gradients',
    severity: 'warning',
    epoch: probe.epoch,
    path: 'model.cell',
    message:
      `Vanishing gradient: ‖∂L/∂h_1‖/‖∂L/∂h_${steps}‖ = ${ratio}${over} — ` +
      `${cell === 'rnn' ? 'an RNN' : `a ${cell.toUpperCase()}`} cannot carry this dependency.`,
    evidence: { ratio: typical, ratios, layer: flow.layer + 1, steps, first: flow.norms[0], last: flow.norms[steps - 1], gradientNorms: flow.norms, baseline },
    fixes: cell === 'lstm' ? [] : [{ path: 'model.cell', value: 'lstm', label: 'Use an LSTM: model.cell "lstm"' }],
  };
}

export function saturatedGates(s: RunSignals): Finding | undefined {
  const probe = s.probes.at(-1);
  const saturation = probe?.saturation;
  if (!probe || !saturation || !(saturation.fraction > THRESHOLDS.saturatedShare)) return undefined;
  const value = scaledRate(s.spec.training.learningRate, 0.1);
  const what = s.spec.model.cell === 'rnn' ? 'tanh states' : `gate values (${saturation.quantities})`;
  return {
    code: 'saturated-gates',
    severity: 'warning',
    epoch: probe.epoch,
    path: s.spec.model.cell === 'rnn' ? 'model.nonlinearity' : 'model.cell',
    message:
      `Saturated: ${formatShare(saturation.fraction)} of the ${what} at epoch ${probe.epoch} are pinned at their limits ` +
      `(|pre-activation| ≥ 5), where their gradient is almost 0.`,
    evidence: { fraction: saturation.fraction, values: saturation.values, quantities: saturation.quantities },
    fixes: [
      { path: 'training.learningRate', value, label: `Lower training.learningRate to ${value} (× 0.1)` },
      ...(s.spec.training.clipNorm === 0 ? [{ path: 'training.clipNorm', value: 1, label: 'Clip gradients: training.clipNorm 1' }] : []),
    ],
  };
}

export function deadUnits(s: RunSignals): Finding | undefined {
  const probe = s.probes.at(-1);
  const dead = probe?.deadUnits;
  if (!probe || !dead || !(dead.dead / dead.units >= THRESHOLDS.deadShare)) return undefined;
  return {
    code: 'dead-units',
    severity: 'warning',
    epoch: probe.epoch,
    path: 'model.nonlinearity',
    message: `Dead units: ${dead.dead} of ${dead.units} ReLU units are 0 at every probed sample and step at epoch ${probe.epoch}.`,
    evidence: { dead: dead.dead, units: dead.units, share: dead.dead / dead.units },
    fixes: [{ path: 'model.nonlinearity', value: 'tanh', label: 'Use tanh: model.nonlinearity "tanh"' }],
  };
}
