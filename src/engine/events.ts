/**
 * The typed stream of events a training run emits. The CLI prints them, the run
 * store writes them as JSON lines, and the extension forwards them from the worker.
 */
import type { TrainEngine } from './engineKind';
import type { EndStatus } from './runs/runStatus';
import type { CellType } from './spec/types';

export type Backend = 'wasm' | 'cpu';
export type ProbeQuantity = 'h' | 'c' | 'i' | 'f' | 'g' | 'o' | 'r' | 'z' | 'n';

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
}

export interface EpochEvent {
  type: 'epoch';
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
  /** The naive baseline's loss on the same validation data. */
  baselineLoss: number;
  elapsedMs: number;
}

/** One layer's recorded activations: quantity → [sample][unit][time]. */
export interface LayerProbe {
  layer: number;
  quantities: Partial<Record<ProbeQuantity, number[][][]>>;
}

export type PredictionProbe =
  | { kind: 'forecast'; targets: number[][]; predictions: number[][] }
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
  layers: LayerProbe[];
  /** ‖∂L/∂h_t‖ over the probe samples: [layer][time]. */
  gradientNorms: number[][];
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

export type TrainEvent = StartEvent | StepEvent | EpochEvent | ProbeEvent | LogEvent | EndEvent;
