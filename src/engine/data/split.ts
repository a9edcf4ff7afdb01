/**
 * Allocating, filling and cutting the flat arrays of a `SequenceSplit`, and deciding how many
 * samples go to training and to validation.
 */
import { DataError } from './errors';
import type { SequenceSplit } from './types';

/** How many values one sample holds in each array of a split. */
export interface SampleLayout {
  /** Input values per sample: seqLength × features (dense) or seqLength token ids. */
  inputs: number;
  /** Token ids (Int32Array) instead of dense floats (Float32Array). */
  tokenInputs: boolean;
  /** Regression targets per sample (forecast). */
  targets?: number;
  /** Labels per sample: 1 (classify) or seqLength (tokens). */
  labels?: number;
  /** One real-step count per sample (packed sequences). */
  lengths?: boolean;
}

export interface SplitCounts {
  train: number;
  validation: number;
  /** What a sample is, for messages: "samples", "windows", "sequences", "texts". */
  noun: string;
}

/** A zero-filled split of `count` samples. */
export function allocateSplit(count: number, layout: SampleLayout): SequenceSplit {
  const size = count * layout.inputs;
  return {
    count,
    inputs: layout.tokenInputs ? new Int32Array(size) : new Float32Array(size),
    targets: layout.targets === undefined ? undefined : new Float32Array(count * layout.targets),
    labels: layout.labels === undefined ? undefined : new Int32Array(count * layout.labels),
    lengths: layout.lengths ? new Int32Array(count) : undefined,
  };
}

/** A copy of samples [start, end) of `split`, with arrays of its own. */
export function sliceSplit(split: SequenceSplit, start: number, end: number): SequenceSplit {
  const count = end - start;
  const part = (array: Float32Array | Int32Array) => {
    const stride = array.length / split.count;
    return array.slice(start * stride, end * stride);
  };
  return {
    count,
    inputs: part(split.inputs),
    targets: split.targets && (part(split.targets) as Float32Array),
    labels: split.labels && (part(split.labels) as Int32Array),
    lengths: split.lengths && (part(split.lengths) as Int32Array),
  };
}

/** The last `validationSplit` of `total` samples (rounded) are for validation; both parts must be non-empty. */
export function splitCounts(total: number, validationSplit: number, noun: string): SplitCounts {
  const validation = Math.round(total * validationSplit);
  return requireBothParts({ train: total - validation, validation, noun }, total, validationSplit);
}

/** Throws when the split leaves no training or no validation samples. */
export function requireBothParts(counts: SplitCounts, total: number, validationSplit: number): SplitCounts {
  if (counts.train < 1 || counts.validation < 1) {
    throw new DataError(
      `validationSplit ${validationSplit} of ${total} ${counts.noun} leaves ${counts.train} for training and ` +
        `${counts.validation} for validation; both need at least one: use more data or change validationSplit.`,
      ['data', 'validationSplit'],
    );
  }
  return counts;
}

/** "1600 train / 400 validation", the end of every dataset description. */
export function describeCounts(counts: SplitCounts): string {
  return `${counts.train} train / ${counts.validation} validation`;
}
