/**
 * What a run will hold in memory, worked out from its spec and the shape of its data before
 * anything is allocated: the parameters (with their gradients and the engine's copies), the
 * activations kept for backpropagation through time, the optimizer state, the dataset's tensors
 * and the probe records. Node and TensorFlow.js themselves (about 100 MB) are not counted. The validator shows it and refuses a spec past the memory limit; a run
 * checks it again, on the full data, before it loads anything.
 */
import type { TaskKind } from '../data/types';
import { KERNEL_CELLS } from '../kernels/kernelCells';
import { gateCount } from '../model/cellDescriptions';
import { directionCount, layerOutputWidth, recurrentParameterShapes, stateWidth } from '../model/parameterLayout';
import { hasPackedTexts } from '../spec/dataKinds';
import type { DataSpec, ExperimentSpec } from '../spec/types';
import { formatBytes, MB, WARNING_SHARE } from './memoryLimit';

/** What the estimate needs to know of the data, from the data check (synthetic data: from the spec alone). */
export interface DataShape {
  train: number;
  validation: number;
  seqLength: number;
  /** Input features, or the vocabulary size of token inputs. */
  inputSize: number;
  tokens: boolean;
  task: TaskKind;
  /** Forecast horizon, classes, or vocabulary size. */
  outputSize: number;
  /** What the loader holds for a moment beyond the tensors (the file's text and parsed cells). */
  loadingBytes: number;
}

export type EstimatePart = 'parameters' | 'activations' | 'optimizer' | 'dataset' | 'probes';

export interface ResourceEstimate {
  parameterCount: number;
  bytes: Record<EstimatePart, number>;
  total: number;
  /** Bytes in the kernels' memory (parameters, optimizer state, activations): a 32-bit space at most. */
  kernelBytes: number;
  /** How the activations come about, e.g. "8 layers × 1200 steps × batch 4096 × 1024 units". */
  activationFactors: string;
  /** The settings to lower, largest part first. */
  keysToLower: string[];
}

const FLOAT = 4;
/** The evaluation batch of the trainer: the kernels' workspace is sized for the larger of it and the training batch. */
const EVALUATION_BATCH = 256;
/** The largest probe record, in numbers: larger probes are decimated (samples, then steps) to fit. */
export const MAX_PROBE_VALUES = 2_000_000;
/** A recorded probe value as a JavaScript number in an array, and as JSON text on its way to the file. */
const PROBE_VALUE_BYTES = 48;

/** The setting that sets the sequence length for each kind of data. */
export function sequenceKey(data: DataSpec): string {
  switch (data.type) {
    case 'copy':
      return 'data.delay';
    case 'csv':
      return 'data.window';
    case 'labeled-text':
      return 'data.maxLength';
    default:
      return 'data.seqLength';
  }
}

/** The number of parameters of the recurrent layers and the head. */
export function parameterCount(spec: ExperimentSpec, shape: DataShape): number {
  let count = 0;
  for (const tensorShape of recurrentParameterShapes(spec.model, shape.inputSize).values()) count += tensorShape.reduce((a, b) => a * b, 1);
  return count + layerOutputWidth(spec.model) * shape.outputSize + shape.outputSize;
}

/** Probe values per layer and sample per step: h, plus c and the gates of an LSTM or the gates of a GRU. */
function probeQuantities(spec: ExperimentSpec): number {
  return { rnn: 1, lstm: 6, gru: 4 }[spec.model.cell];
}

/** The values one probe record holds at most (before the cap), and after it. */
export function probeValues(spec: ExperimentSpec, shape: Pick<DataShape, 'seqLength' | 'validation'>): number {
  const samples = Math.min(spec.probe.samples, shape.validation);
  return samples * spec.model.layers * directionCount(spec.model) * shape.seqLength * spec.model.hiddenSize * probeQuantities(spec);
}

export function estimateResources(spec: ExperimentSpec, shape: DataShape): ResourceEstimate {
  const { hiddenSize: H, layers, cell, dropout } = spec.model;
  const T = shape.seqLength;
  const G = gateCount(cell) * H;
  const B = Math.max(spec.training.batchSize, Math.min(EVALUATION_BATCH, shape.validation));
  const rows = T * B;
  const outputRows = shape.task === 'tokens' ? rows : B;
  const P = parameterCount(spec, shape);
  // As `KernelStack` allocates them, per step and sample. Per direction: gates, h_0…h_T, c_0…c_T (LSTM), m_t (projection),
  // the GRU's h W_hn; the reverse direction's reversed input. Per layer: the [forward, reverse] outputs, dropout's outputs and mask.
  const { description, recurrentGates } = KERNEL_CELLS[cell];
  const D = directionCount(spec.model);
  const S = stateWidth(spec.model);
  const W = layerOutputWidth(spec.model);
  const input = shape.tokens ? 1 : shape.inputSize;
  const perDirection = G + S + (description.hasCellState ? H : 0) + (S !== H ? H : 0) + (recurrentGates ? H : 0);
  const reversedInputs = D === 2 ? input + (layers - 1) * W : 0;
  const perLayer = D * perDirection + (D === 2 ? W : 0);
  const dropped = dropout > 0 && layers > 1 ? 2 * W * (layers - 1) : 0;
  const bidirectional = D === 2 ? S + (layers > 1 ? W : 0) + Math.max(W, shape.tokens ? 0 : shape.inputSize) : 0;
  const shared = W + G + (recurrentGates ? G : 0) + (shape.tokens ? 1 : 3 * shape.inputSize) + bidirectional;
  const activations = FLOAT * (rows * (layers * perLayer + reversedInputs + dropped + shared) + 3 * outputRows * shape.outputSize);
  // Parameters, gradients and the backward pass's transposed copies; the probes' reference engine holds one more set.
  const parameters = FLOAT * 3 * P;
  const optimizer = FLOAT * 2 * P;
  const samples = shape.train + shape.validation;
  const perSample = shape.tokens ? T : T * shape.inputSize;
  const perTarget = shape.task === 'forecast' ? shape.outputSize : shape.task === 'tokens' ? T : 1;
  const perLength = hasPackedTexts(spec.data) ? 1 : 0;
  // The loader fills one array of every sample, then copies out the training and validation parts.
  const dataset = FLOAT * 2 * samples * (perSample + perTarget + perLength) + shape.loadingBytes;
  const recorded = Math.min(probeValues(spec, shape), MAX_PROBE_VALUES);
  const probes = spec.probe.samples > 0 ? FLOAT * P + recorded * (PROBE_VALUE_BYTES + 2 * FLOAT) : 0;
  const bytes: Record<EstimatePart, number> = { parameters, activations, optimizer, dataset, probes };
  const total = Object.values(bytes).reduce((sum, value) => sum + value, 0);
  return {
    parameterCount: P,
    bytes,
    total,
    kernelBytes: parameters + optimizer + activations,
    activationFactors: `${layers} layer${layers === 1 ? '' : 's'} × ${T} steps × batch ${B} × ${H} units`,
    keysToLower: keysToLower(spec, bytes),
  };
}

/** The settings behind each part, for the parts that make up most of the total. */
function keysToLower(spec: ExperimentSpec, bytes: Record<EstimatePart, number>): string[] {
  const sequence = sequenceKey(spec.data);
  const samples = 'samples' in spec.data ? ['data.samples'] : [];
  const keys: Record<EstimatePart, string[]> = {
    activations: ['training.batchSize', sequence, 'model.hiddenSize', 'model.layers'],
    parameters: ['model.hiddenSize', 'model.layers'],
    optimizer: ['model.hiddenSize', 'model.layers'],
    dataset: [...samples, sequence],
    probes: ['probe.samples'],
  };
  const parts = (Object.keys(bytes) as EstimatePart[]).sort((a, b) => bytes[b] - bytes[a]);
  const total = parts.reduce((sum, part) => sum + bytes[part], 0);
  const large = parts.filter((part, index) => index === 0 || bytes[part] >= total * 0.25);
  return [...new Set(large.flatMap((part) => keys[part]))];
}

/** "or" between the last two: "training.batchSize, data.seqLength or model.hiddenSize". */
function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The estimate in one line: "about 412 MB: 42,113 parameters 493 kB (with gradients and copies), BPTT activations …". */
export function describeEstimate(estimate: ResourceEstimate): string {
  const { bytes } = estimate;
  const parts = [
    `${estimate.parameterCount.toLocaleString('en-US')} parameters ${formatBytes(bytes.parameters)} (with gradients and copies)`,
    `BPTT activations ${formatBytes(bytes.activations)} (${estimate.activationFactors})`,
    `optimizer state ${formatBytes(bytes.optimizer)}`,
    `dataset ${formatBytes(bytes.dataset)}`,
    `probe records ${formatBytes(bytes.probes)}`,
  ];
  return `about ${formatBytes(estimate.total)}: ${parts.join(', ')}`;
}

export interface EstimateVerdict {
  severity: 'error' | 'warning';
  message: string;
}

/**
 * An error past the limit (or past what the kernels can address), a warning past
 * `WARNING_SHARE` of it, else nothing. The message names the size, its main factors and the
 * settings to lower.
 */
export function judgeEstimate(estimate: ResourceEstimate, limitMb: number): EstimateVerdict | undefined {
  const limit = limitMb * MB;
  const needs = `this run needs about ${formatBytes(estimate.total)}`;
  const factors = estimate.bytes.activations >= estimate.total / 2 ? `: ${estimate.activationFactors}` : '';
  const lower = `lower ${orList(estimate.keysToLower)}`;
  if (estimate.kernelBytes > 2 ** 32) {
    return {
      severity: 'error',
      message: `${needs}${factors}; the kernels address at most 4 GB (they would need ${formatBytes(estimate.kernelBytes)}); ${lower}`,
    };
  }
  if (estimate.total > limit) {
    return {
      severity: 'error',
      message: `${needs}${factors}; the memory limit is ${limitMb} MB (rnnLab.workerMemoryLimitMb, or --memory-limit); ${lower}`,
    };
  }
  if (estimate.total > limit * WARNING_SHARE) {
    return {
      severity: 'warning',
      message: `${needs}${factors}, ${Math.round((100 * estimate.total) / limit)}% of the ${limitMb} MB memory limit; ${lower} to leave room`,
    };
  }
  return undefined;
}
