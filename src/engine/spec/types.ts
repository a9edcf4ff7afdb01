/**
 * The experiment spec after parsing, validation and default filling ("resolved").
 * The JSON Schema in `media/rnn-spec.schema.json` is the source of truth for the
 * file format; these types mirror it for the code that consumes a resolved spec.
 */

import type { CellType } from '../model/cellDescriptions';

/** Each cell's facts are in `model/cellDescriptions.ts`. */
export type { CellType };
export type OptimizerType = 'adam' | 'adamw' | 'sgd' | 'rmsprop';
export type BuiltinDatasetName = 'co2' | 'weather' | 'sunspots' | 'moby-dick' | 'sentiment';

/**
 * How sequences of different lengths (labelled texts) meet the recurrence: `packed` as PyTorch's
 * `pack_padded_sequence(..., enforce_sorted=False)` (each text read to its own last character, the
 * padding after it never entering the recurrence); `left` padded at the front to the full length,
 * the padding running through the recurrence (RNN Lab's behaviour before packed sequences).
 */
export type PaddingMode = 'packed' | 'left';

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
  /** Texts are cut to this many characters. */
  maxLength: number;
  padding: PaddingMode;
}

export interface BuiltinData extends DataCommon {
  type: 'builtin';
  name: BuiltinDatasetName;
  /** Window length for series, sequence length for text, maximum length for sentences. */
  seqLength: number;
  /** Forecast horizon for series. */
  horizon: number;
  /** Sentences (`sentiment`) only. */
  padding: PaddingMode;
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
  /** A second parameter set per layer (`_reverse`) reading the sequence backwards; outputs `[forward, reverse]`. */
  bidirectional: boolean;
  /** LSTM only: P > 0 projects h to P units (`weight_hr_l{k}`); 0 is no projection. */
  projSize: number;
  /** False: no bias parameters at all (PyTorch's `bias=False`). */
  bias: boolean;
}

export interface EarlyStoppingSpec {
  patience: number;
  metric: 'val_loss' | 'val_accuracy';
}

/** PyTorch's StepLR: the learning rate times `gamma` every `stepSize` epochs. */
export interface StepSchedule {
  type: 'step';
  stepSize: number;
  gamma: number;
}

/** PyTorch's CosineAnnealingLR over the epochs after an optional linear warm-up (LinearLR, then SequentialLR). */
export interface CosineSchedule {
  type: 'cosine';
  warmupEpochs: number;
  minLearningRate: number;
}

/** PyTorch's ReduceLROnPlateau on the validation loss (mode min, relative threshold 1e-4). */
export interface PlateauSchedule {
  type: 'plateau';
  factor: number;
  patience: number;
}

export type ScheduleSpec = StepSchedule | CosineSchedule | PlateauSchedule;

export interface TrainingSpec {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerType;
  learningRate: number;
  /** SGD and RMSprop momentum. */
  momentum: number;
  /** L2 penalty as PyTorch's optimizers apply it (decoupled for adamw); null: the optimizer's default (see `weightDecayOf`). */
  weightDecay: number | null;
  /** Learning-rate schedule, stepped once per epoch; null keeps the rate constant. */
  schedule: ScheduleSpec | null;
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
