/** Minibatches gathered from a dataset split in the engine's `Batch` layout. */
import type { Dataset, SequenceSplit } from '../data/types';
import type { Batch } from '../model/types';
import type { Random } from '../random';

/** Values per sample in each array of a split. */
function widths(dataset: Dataset): { inputs: number; targets: number; labels: number } {
  const steps = dataset.seqLength;
  return {
    inputs: dataset.input.kind === 'dense' ? steps * dataset.input.size : steps,
    targets: dataset.outputSize,
    labels: dataset.task === 'tokens' ? steps : 1,
  };
}

export function gatherBatch(dataset: Dataset, split: SequenceSplit, indices: number[]): Batch {
  const width = widths(dataset);
  const pick = <T extends Float32Array | Int32Array>(source: T, size: number): T => {
    const result = new (source.constructor as new (length: number) => T)(indices.length * size);
    indices.forEach((index, row) => result.set(source.subarray(index * size, (index + 1) * size), row * size));
    return result;
  };
  return {
    size: indices.length,
    inputs: pick(split.inputs, width.inputs),
    targets: split.targets && pick(split.targets, width.targets),
    labels: split.labels && pick(split.labels, width.labels),
    lengths: split.lengths && pick(split.lengths, 1),
  };
}

/** Index lists of consecutive batches (the last one may be smaller), optionally shuffled. */
export function batchIndices(count: number, batchSize: number, random?: Random): number[][] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (random) {
    random.shuffle(order);
  }
  const batches: number[][] = [];
  for (let start = 0; start < count; start += batchSize) {
    batches.push(order.slice(start, start + batchSize));
  }
  return batches;
}
