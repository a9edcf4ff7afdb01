/**
 * Noisy sine forecasting: each sample is a window of a sine wave with its own random amplitude,
 * frequency and phase, observed with Gaussian noise; the target is the next `horizon` clean values.
 */
import { Random } from '../random';
import type { SineData } from '../spec/types';
import { repeatedPredictionMse } from './baselines';
import { allocateSplit, describeCounts, sliceSplit, splitCounts } from './split';
import type { Dataset } from './types';

const AMPLITUDE = [0.5, 1.5] as const;
/** Radians per step: periods from about 10 to 60 steps. */
const ANGULAR_FREQUENCY = [0.1, 0.6] as const;
const WAVE_STREAM = 1;
const NOISE_STREAM = 2;

export function loadSine(spec: SineData, seed: number): Dataset {
  const { samples, seqLength, horizon, noise } = spec;
  const counts = splitCounts(samples, spec.validationSplit, 'samples');
  const random = new Random(seed);
  const waves = random.fork(WAVE_STREAM);
  const noises = random.fork(NOISE_STREAM);
  const all = allocateSplit(samples, { inputs: seqLength, tokenInputs: false, targets: horizon });
  const targets = all.targets!;
  for (let i = 0; i < samples; i++) {
    const amplitude = waves.uniform(...AMPLITUDE);
    const frequency = waves.uniform(...ANGULAR_FREQUENCY);
    const phase = waves.uniform(0, 2 * Math.PI);
    const wave = (t: number) => amplitude * Math.sin(frequency * t + phase);
    for (let t = 0; t < seqLength; t++) all.inputs[i * seqLength + t] = wave(t) + noise * noises.normal();
    for (let h = 0; h < horizon; h++) targets[i * horizon + h] = wave(seqLength + h);
  }
  const validation = sliceSplit(all, counts.train, samples);
  return {
    task: 'forecast',
    input: { kind: 'dense', size: 1 },
    seqLength,
    outputSize: horizon,
    train: sliceSplit(all, 0, counts.train),
    validation,
    baseline: {
      loss: repeatedPredictionMse(validation.targets!, horizon, (i) => validation.inputs[(i + 1) * seqLength - 1]),
      label: 'last value',
    },
    featureNames: ['value'],
    description: `noisy sine, T=${seqLength}, horizon ${horizon}, noise ${noise}: ${describeCounts(counts)}`,
  };
}
