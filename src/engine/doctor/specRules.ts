/** The doctor's checks of the spec itself, before any step: settings that cannot do what they seem to. */
import type { ExperimentSpec } from '../spec/types';
import type { Finding } from './types';

export function dropoutWithoutLayers(spec: ExperimentSpec): Finding | undefined {
  if (!(spec.model.dropout > 0) || spec.model.layers > 1) return undefined;
  return {
    code: 'dropout-without-layers',
    severity: 'warning',
    epoch: 0,
    path: 'model.dropout',
    message: `Dropout ${spec.model.dropout} does nothing with one layer: it acts between stacked layers (PyTorch warns about it too).`,
    evidence: { dropout: spec.model.dropout, layers: spec.model.layers },
    fixes: [
      { path: 'model.layers', value: 2, label: 'Stack two layers: model.layers 2' },
      { path: 'model.dropout', value: 0, label: 'Remove the dropout: model.dropout 0' },
    ],
  };
}

export function earlyStoppingNeverFires(spec: ExperimentSpec): Finding | undefined {
  const settings = spec.training.earlyStopping;
  if (settings === null || settings.patience < spec.training.epochs) return undefined;
  const patience = Math.max(1, Math.floor(spec.training.epochs / 4));
  return {
    code: 'early-stopping-never-fires',
    severity: 'warning',
    epoch: 0,
    path: 'training.earlyStopping.patience',
    message: `Early stopping never fires: its patience (${settings.patience}) is not below training.epochs (${spec.training.epochs}).`,
    evidence: { patience: settings.patience, epochs: spec.training.epochs },
    fixes: [{ path: 'training.earlyStopping.patience', value: patience, label: `Set training.earlyStopping.patience to ${patience}` }],
  };
}

export function reluWithoutClipping(spec: ExperimentSpec): Finding | undefined {
  if (spec.model.cell !== 'rnn' || spec.model.nonlinearity !== 'relu' || spec.training.clipNorm > 0) return undefined;
  return {
    code: 'relu-without-clipping',
    severity: 'info',
    epoch: 0,
    path: 'training.clipNorm',
    message: 'A ReLU RNN without gradient clipping: its unbounded state can make gradients explode (Le et al. 2015 clip them).',
    evidence: { nonlinearity: 'relu', clipNorm: 0 },
    fixes: [{ path: 'training.clipNorm', value: 1, label: 'Clip gradients: training.clipNorm 1' }],
  };
}
