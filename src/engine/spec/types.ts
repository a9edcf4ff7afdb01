/**
 * The experiment spec after parsing, validation and default filling ("resolved").
 * The JSON Schema in `media/rnn-spec.schema.json` is the source of truth for the
 * file format; these types mirror it for the code that consumes a resolved spec.
 */

import type { CellType } from '../model/cellDescriptions';

/** Each cell's facts are in `model/cellDescriptions.ts`. */
export type { CellType };
export type OptimizerType = 'adam' | 'sgd' | 'rmsprop';
export type BuiltinDatasetName = 'co2' | 'weather' | 'sunspots' | 'moby-dick' | 'sentiment';

interface DataCommon {
  /** Fraction of samples held out for validation; for series, the last part in time. */
  validationSplit: number;
}

export interface SineData extends DataCommon {
  type: 'sine';
  samples: number;
  seqLength: number;
  noise: number;
  horizon: number;
}

export interface AddingData extends DataCommon {
  type: 'adding';
  samples: number;
  seqLength: number;
}

export interface CopyData extends DataCommon {
  type: 'copy';
  samples: number;
  /** Blank steps between the symbols and the delimiter (T in Arjovsky et al.). */
  delay: number;
  /** Alphabet size of the symbols to remember. */
  symbols: number;
  /** How many symbols to remember. */
  length: number;
}

export interface CsvData extends DataCommon {
  type: 'csv';
  /** Relative to the spec file. */
  path: string;
  /** Input columns; empty means every numeric column. */
  columns: string[];
  target: string;
  window: number;
  horizon: number;
}

export interface TextData extends DataCommon {
  type: 'text';
  path: string;
  seqLength: number;
}

export interface LabeledTextData extends DataCommon {
  type: 'labeled-text';
  /** A .csv or .json file, relative to the spec file. */
  path: string;
  textField: string;
  labelField: string;
  /** Texts are cut or left-padded to this many characters. */
  maxLength: number;
}

export interface BuiltinData extends DataCommon {
  type: 'builtin';
  name: BuiltinDatasetName;
  /** Window length for series, sequence length for text, maximum length for sentences. */
  seqLength: number;
  /** Forecast horizon for series. */
  horizon: number;
}

export type DataSpec = SineData | AddingData | CopyData | CsvData | TextData | LabeledTextData | BuiltinData;
export type DataType = DataSpec['type'];

export interface ModelSpec {
  cell: CellType;
  hiddenSize: number;
  layers: number;
  /** Vanilla RNN only. */
  nonlinearity: 'tanh' | 'relu';
  /** Dropout on the outputs of every layer but the last (as PyTorch's `dropout`). */
  dropout: number;
  /** `default` (PyTorch's U(-1/sqrt(H), 1/sqrt(H))), `identity` (IRNN), or a weights file path. */
  init: string;
}

export interface EarlyStoppingSpec {
  patience: number;
  metric: 'val_loss' | 'val_accuracy';
}

export interface TrainingSpec {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerType;
  learningRate: number;
  /** SGD and RMSprop momentum. */
  momentum: number;
  /** Clip the global gradient norm to this value; 0 disables clipping. */
  clipNorm: number;
  seed: number;
  /** Null disables early stopping. */
  earlyStopping: EarlyStoppingSpec | null;
}

export interface ProbeSpec {
  /** How many validation samples to record (the first N). */
  samples: number;
  /** Record probes every this many epochs (and always after the last epoch). */
  everyEpochs: number;
  /** Characters to sample for language models. */
  generateLength: number;
  temperature: number;
}

export interface ExperimentSpec {
  name: string;
  description: string;
  data: DataSpec;
  model: ModelSpec;
  training: TrainingSpec;
  probe: ProbeSpec;
  /** Dotted key (e.g. "model.cell") to the list of values to try. */
  sweep?: Record<string, unknown[]>;
}
