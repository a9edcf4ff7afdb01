/**
 * The typed stream of events a training run emits. The CLI prints them, the run
 * store writes them as JSON lines, and the extension forwards them from the worker.
 */
import type { Finding } from './doctor/types';
import type { TrainEngine } from './engineKind';
import type { CellType, ProbeQuantity } from './model/cellDescriptions';
import type { EndStatus } from './runs/runStatus';

/** The quantities and their names are described in `model/cellDescriptions.ts`. */
export type { ProbeQuantity };

export type Backend = 'wasm' | 'cpu';

export interface StartEvent {
  type: 'start';
  /** The TensorFlow.js backend (absent for the pytorch engine, which names its `device`). */
  backend?: Backend;
  /** Why the backend is not the one asked for, when it is not. */
  backendNote?: string;
  /** Which implementation trained (absent in runs recorded before there was a choice). */
  engine?: TrainEngine;
  /** The pytorch engine: the device (`cpu`, `cuda:0 (NVIDIA H100)`), processes, torch version, where the weights came from. */
  device?: string;
  worldSize?: number;
  torchVersion?: string;
  initialization?: string;
  dataset: string;
  /** The data file, resolved (absolute), for data read from a file the spec names. */
  dataFile?: string;
  cell: CellType;
  parameterCount: number;
  epochs: number;
  stepsPerEpoch: number;
  baseline: { loss: number; label: string };
  /**
   * Set when this start continues a stopped or interrupted run from its checkpoint: the epochs,
   * steps and training time it had then. The events before it in the file are the run's own.
   */
  resumedFrom?: { epoch: number; step: number; durationMs: number };
  time: number;
}

export interface StepEvent {
  type: 'step';
  epoch: number;
  /** Global step, from 1. */
  step: number;
  loss: number;
  gradNorm: number;
  learningRate: number;
  stepsPerSecond: number;
  /** Milliseconds since the run started (absent in runs recorded before it was). */
  elapsedMs?: number;
}

export interface EpochEvent {
  type: 'epoch';
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  /** Classify and token tasks: the mean over the epoch's batches, each before its update (dropout on). */
  trainAccuracy?: number;
  validationAccuracy?: number;
  /** The naive baseline's loss on the same validation data. */
  baselineLoss: number;
  elapsedMs: number;
}

/**
 * One layer's recorded activations in one direction: quantity → [sample][unit][time], time in the
 * input's order for both directions. A bidirectional model has two per layer, `l0, l0_reverse, l1, …`.
 */
export interface LayerProbe {
  layer: number;
  /** Absent in runs from before bidirectional layers: forward. */
  direction?: 'forward' | 'reverse';
  quantities: Partial<Record<ProbeQuantity, number[][][]>>;
}

export type PredictionProbe =
  | {
      kind: 'forecast';
      /** Standardised, as the model sees them (see `scale`). */
      targets: number[][];
      predictions: number[][];
      /** The target column's name, e.g. "temp_max". */
      target?: string;
      /** To bring targets and predictions back to the data's units: value × std + mean. */
      scale?: { mean: number; std: number };
      /** The input feature that is the target series itself (its past), when one is. */
      targetFeature?: number;
    }
  | { kind: 'classify'; classes: string[]; labels: number[]; predicted: number[]; confusion: number[][]; accuracy: number }
  | { kind: 'tokens'; vocabulary: string[]; labels: number[][]; predicted: number[][] };

export interface GeneratedText {
  temperature: number;
  text: string;
  /** Last layer's hidden state while generating: [unit][character]. */
  activations: number[][];
}

export interface ProbeEvent {
  type: 'probe';
  epoch: number;
  /** Indices of the probed validation samples. */
  samples: number[];
  /**
   * The recorded time steps, when a probe too large for one record was decimated to every k-th
   * step (see `MAX_PROBE_VALUES`); absent when every step is recorded. Time-indexed arrays hold
   * only these steps.
   */
  steps?: number[];
  /** The probed inputs: [sample][time][feature] (dense) or [sample][time] token text. */
  inputs: number[][][] | string[][];
  /** Dense inputs: each feature's name (a CSV column), in feature order. */
  featureNames?: string[];
  layers: LayerProbe[];
  /** ‖∂L/∂h_t‖ over the probe samples: [layer·direction][time], in the order of `layers`. */
  gradientNorms: number[][];
  /** Packed sequences: each probe sample's real steps; the steps after are padding (recorded as 0, as PyTorch's outputs). */
  lengths?: number[];
  predictions: PredictionProbe;
  generated?: GeneratedText;
}

export interface LogEvent {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
  /** For the log only, never a terminal or a notification: the stack of an error. */
  detail?: string;
}

export interface EndEvent {
  type: 'end';
  status: EndStatus;
  reason?: string;
  /** For a diverged run: where it happened. */
  divergedAt?: { epoch: number; step: number };
  time: number;
}

/** The training doctor's standing findings, recorded whenever the list changes (see `src/engine/doctor/`). */
export interface FindingEvent {
  type: 'finding';
  /** The last epoch the doctor had seen; 0 before the first one. */
  epoch: number;
  findings: Finding[];
}

export type TrainEvent = StartEvent | StepEvent | EpochEvent | ProbeEvent | LogEvent | FindingEvent | EndEvent;
