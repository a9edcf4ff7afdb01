/** A small, fully resolved sine-forecasting spec for run-store tests; each test file varies what it needs. */
import type { ExperimentSpec, ModelSpec, TrainingSpec } from '../../src/engine/spec/types';

export function sineSpec(name: string, model: Partial<ModelSpec> = {}, training: Partial<TrainingSpec> = {}): ExperimentSpec {
  return {
    name,
    description: '',
    data: { type: 'sine', samples: 64, seqLength: 10, noise: 0, horizon: 1, validationSplit: 0.25 },
    model: {
      cell: 'gru',
      hiddenSize: 4,
      layers: 1,
      nonlinearity: 'tanh',
      dropout: 0,
      init: 'default',
      bidirectional: false,
      projSize: 0,
      bias: true,
      ...model,
    },
    training: {
      epochs: 2,
      batchSize: 16,
      optimizer: 'adam',
      learningRate: 0.01,
      momentum: 0,
      clipNorm: 0,
      seed: 1,
      earlyStopping: null,
      weightDecay: 0,
      schedule: null,
      ...training,
    },
    probe: { samples: 1, everyEpochs: 1, generateLength: 0, temperature: 1 },
  };
}
