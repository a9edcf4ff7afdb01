/**
 * A dataset ready for training: fixed-length sequences split into training and
 * validation parts, with the task that decides the model's head and loss.
 */

/**
 * - `forecast`: regression on the last step (`targets` is [n, outputSize]).
 * - `classify`: one label per sequence, read at the last step (`labels` is [n]).
 * - `tokens`: one label per step (`labels` is [n, seqLength]): language models and copy memory.
 */
export type TaskKind = 'forecast' | 'classify' | 'tokens';

/** Inputs are either dense features or token ids that the model one-hot encodes. */
export type InputEncoding = { kind: 'dense'; size: number } | { kind: 'tokens'; vocabularySize: number };

export interface SequenceSplit {
  count: number;
  /** Dense: [count, seqLength, size] floats. Tokens: [count, seqLength] ids. */
  inputs: Float32Array | Int32Array;
  /** `forecast` only: [count, outputSize]. */
  targets?: Float32Array;
  /** `classify`: [count]; `tokens`: [count, seqLength]. */
  labels?: Int32Array;
  /** Packed sequences (`data.padding: "packed"`): each sample's real steps, its inputs first and padding (id 0) after; see `Batch.lengths`. */
  lengths?: Int32Array;
}

export interface Dataset {
  task: TaskKind;
  input: InputEncoding;
  seqLength: number;
  /** Regression outputs (horizon) or number of classes / vocabulary size. */
  outputSize: number;
  train: SequenceSplit;
  validation: SequenceSplit;
  /** The naive loss on the validation split, with how it was computed. */
  baseline: { loss: number; label: string };
  /** Token id to the text it stands for (characters, copy-task symbols); id 0 is '' where it pads. */
  vocabulary?: string[];
  /** `classify` only: class id to label name. */
  classes?: string[];
  /** Input feature names, for charts (dense inputs). */
  featureNames?: string[];
  /** Regression targets were standardised with these (train part only); to show real units. */
  targetScale?: { mean: number; std: number };
  /** One line for logs and the panel, e.g. "adding problem, T=50, 8000 train / 2000 validation". */
  description: string;
}
