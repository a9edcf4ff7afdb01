/**
 * The copy memory task (Arjovsky et al. 2016): `length` symbols, `delay - 1` blanks, a delimiter,
 * then `length` blanks during which the model must output the symbols it saw at the start.
 * Tokens: 0 = blank, 1..symbols = symbols, symbols + 1 = delimiter.
 */
import { Random } from '../random';
import type { CopyData } from '../spec/types';
import { allocateSplit, describeCounts, sliceSplit, splitCounts } from './split';
import type { Dataset } from './types';

export function loadCopy(spec: CopyData, seed: number): Dataset {
  const { samples, delay, symbols, length } = spec;
  const seqLength = delay + 2 * length;
  const delimiter = symbols + 1;
  const counts = splitCounts(samples, spec.validationSplit, 'samples');
  const random = new Random(seed);
  // Zero-filled, so every step not written below is a blank.
  const all = allocateSplit(samples, { inputs: seqLength, tokenInputs: true, labels: seqLength });
  const labels = all.labels!;
  for (let i = 0; i < samples; i++) {
    const offset = i * seqLength;
    for (let k = 0; k < length; k++) {
      const symbol = 1 + random.int(symbols);
      all.inputs[offset + k] = symbol;
      labels[offset + seqLength - length + k] = symbol;
    }
    all.inputs[offset + length + delay - 1] = delimiter;
  }
  return {
    task: 'tokens',
    input: { kind: 'tokens', vocabularySize: symbols + 2 },
    seqLength,
    outputSize: symbols + 2,
    train: sliceSplit(all, 0, counts.train),
    validation: sliceSplit(all, counts.train, samples),
    // Memoryless: blanks are certain; each of the `length` recalled symbols costs ln(symbols).
    baseline: { loss: (length * Math.log(symbols)) / seqLength, label: 'memoryless' },
    vocabulary: ['_', ...Array.from({ length: symbols }, (_, k) => String(k + 1)), ':'],
    description: `copy memory, T=${delay}, ${length} symbols from ${symbols}: ${describeCounts(counts)}`,
  };
}
