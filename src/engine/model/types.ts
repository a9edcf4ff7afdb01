/**
 * The engine interface: a recurrent network with its head, loss and optimizer.
 * The training loop, the probes and the run store only talk to this interface, so a
 * faster implementation can replace the readable tfjs-ops one without touching them.
 */
import type { InputEncoding, TaskKind } from '../data/types';
import type { ModelSpec, TrainingSpec } from '../spec/types';
import type { GeneratedText, LayerProbe } from '../events';

/** Parameters by PyTorch name (`weight_ih_l0`, …, `head.weight`, `head.bias`), row-major. */
export type StateDict = Record<string, { shape: number[]; data: Float32Array }>;

/**
 * What training depends on besides the weights, for a checkpoint to continue a run exactly:
 * the optimizer's state and update count, and the dropout generator's state.
 */
export interface TrainingState {
  /** Optimizer updates made so far (Adam's bias correction depends on it). */
  optimizerStep: number;
  /** Per parameter, in PyTorch's layout: `<name>.m` and `<name>.v` (Adam), `<name>.square` (RMSprop), `<name>.buffer` (momentum). */
  optimizer: StateDict;
  dropoutRandom: number;
}

export interface EngineConfig {
  model: ModelSpec;
  training: TrainingSpec;
  input: InputEncoding;
  task: TaskKind;
  seqLength: number;
  outputSize: number;
  seed: number;
  /** The most bytes the engine's own memory (the kernels') may grow to; the whole 32-bit space when omitted. */
  memoryLimitBytes?: number;
  /** Threads the kernels may split large products over (the kernel engine; 1 when omitted). */
  threads?: number;
}

/** A minibatch in the dataset's layout (see `SequenceSplit`). */
export interface Batch {
  size: number;
  inputs: Float32Array | Int32Array;
  targets?: Float32Array;
  labels?: Int32Array;
  /**
   * Packed sequences: sample b's real steps, 1 … seqLength; its inputs fill steps 0 … lengths[b]-1
   * and the steps after are padding, which never enters the recurrence (PyTorch's packed semantics:
   * outputs are 0 there, the last state is read at the own last step, the reverse direction starts
   * there). Absent: every sample has seqLength real steps.
   */
  lengths?: Int32Array;
}

export interface StepResult {
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Classify and token tasks: correct predictions of the batch before the update, and how many were counted. */
  correct?: number;
  counted?: number;
}

export interface EvaluationResult {
  /** Mean loss over the batch (same reduction as training). */
  loss: number;
  /** Correct predictions (classify: sequences, tokens: steps) and how many were counted. */
  correct?: number;
  counted?: number;
  /** Forecast: [size, outputSize]; classify: [size, classes]; tokens: [size, seqLength, vocabulary]. */
  outputs: Float32Array;
}

export interface ProbeResult {
  layers: LayerProbe[];
  /** ‖∂L/∂h_t‖ over the batch: [layer and direction, as `layers`][time]. */
  gradientNorms: number[][];
  outputs: Float32Array;
  /** The batch's real steps per sample, where it had lengths. */
  lengths?: number[];
}

export interface SequenceModel {
  readonly parameterCount: number;
  /** Forward, loss, backward, clipping and one optimizer update. */
  trainStep(batch: Batch, learningRate: number): StepResult;
  evaluate(batch: Batch): EvaluationResult;
  /**
   * Per-step activations of every layer and the loss gradient w.r.t. each hidden state, at the
   * time steps `steps` (every step when omitted).
   */
  probe(batch: Batch, steps?: number[]): ProbeResult;
  /** Language models: sample `length` tokens after `prime` (token ids). */
  generate(prime: number[], length: number, temperature: number, vocabulary: string[], seed: number): GeneratedText;
  stateDict(): StateDict;
  /** Bytes the engine holds outside the JavaScript heap (kernel memory, tensors). */
  memoryBytes(): number;
  loadStateDict(weights: StateDict): void;
  trainingState(): TrainingState;
  /** Continues from a `trainingState()` of an engine with the same spec (either implementation). */
  loadTrainingState(state: TrainingState): void;
  dispose(): void;
}
