/**
 * The adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015): each step carries a value
 * drawn from U[0, 1] and a marker; exactly two steps are marked, one in each half of the sequence,
 * and the target is the sum of the two marked values.
 */
import { Random } from '../random';
import type { AddingData } from '../spec/types';
import { repeatedPredictionMse } from './baselines';
import { DataError } from './errors';
import { allocateSplit, describeCounts, sliceSplit, splitCounts } from './split';
import type { Dataset } from './types';

const FEATURES = 2;

export function loadAdding(spec: AddingData, seed: number): Dataset {
  const { samples, seqLength } = spec;
  if (seqLength < 2) {
    throw new DataError('The adding problem needs seqLength ≥ 2 (one marker in each half).', ['data', 'seqLength']);
  }
  const counts = splitCounts(samples, spec.validationSplit, 'samples');
  const random = new Random(seed);
  const half = Math.floor(seqLength / 2);
  const all = allocateSplit(samples, { inputs: seqLength * FEATURES, tokenInputs: false, targets: 1 });
  for (let i = 0; i < samples; i++) {
    const offset = i * seqLength * FEATURES;
    for (let t = 0; t < seqLength; t++) all.inputs[offset + t * FEATURES] = random.next();
    const marked = [random.int(half), half + random.int(seqLength - half)];
    let sum = 0;
    for (const t of marked) {
      all.inputs[offset + t * FEATURES + 1] = 1;
      sum += all.inputs[offset + t * FEATURES];
    }
    all.targets![i] = sum;
  }
  const validation = sliceSplit(all, counts.train, samples);
  return {
    task: 'forecast',
    input: { kind: 'dense', size: FEATURES },
    seqLength,
    outputSize: 1,
    train: sliceSplit(all, 0, counts.train),
    validation,
    baseline: { loss: repeatedPredictionMse(validation.targets!, 1, () => 1), label: 'predict 1 (constant)' },
    featureNames: ['value', 'marker'],
    description: `adding problem, T=${seqLength}: ${describeCounts(counts)}`,
  };
}
