/**
 * The benchmark's workloads: three problem shapes, each trained with every cell type, W2's shape
 * again with a bidirectional layer and with packed random lengths, to show what each costs against
 * the plain layer, and a large LSTM and GRU (W4) where the products dominate (the last three by ours
 * and PyTorch only). A "step" is forward, backward and one Adam update on one fixed random batch.
 */
import type { CellType } from '../../src/engine/spec/types';
import { Random } from '../../src/engine/random';

export interface Workload {
  id: string;
  name: string;
  /** `forecast`: MSE on the last step's linear head; `tokens`: cross-entropy on every step. */
  task: 'forecast' | 'tokens';
  /** Dense input features, or the vocabulary size for one-hot token inputs. */
  inputSize: number;
  hiddenSize: number;
  seqLength: number;
  batchSize: number;
  outputSize: number;
  /** A variant of the plain workload `base`. */
  variant?: { base: string; bidirectional?: boolean; packed?: boolean };
  /** The only implementations that run it (all when omitted). */
  implementations?: readonly string[];
  /** The only cells it is trained with (all when omitted). */
  cells?: readonly CellType[];
}

const W2_SHAPE = { task: 'forecast', inputSize: 2, hiddenSize: 64, seqLength: 100, batchSize: 64, outputSize: 1 } as const;

/**
 * Our engine and PyTorch: they have the variants' options, and are the only ones fast enough for W4
 * (tf.layers and the reference are too slow at that size; the pytorch engine's spec data has no W4 shape).
 */
const OURS_AND_TORCH: readonly string[] = ['ours', 'torch'];

export const WORKLOADS: readonly Workload[] = [
  { id: 'W1', name: 'sine', task: 'forecast', inputSize: 1, hiddenSize: 32, seqLength: 50, batchSize: 32, outputSize: 1 },
  { ...W2_SHAPE, id: 'W2', name: 'adding' },
  { id: 'W3', name: 'char LM', task: 'tokens', inputSize: 65, hiddenSize: 128, seqLength: 64, batchSize: 32, outputSize: 65 },
  { ...W2_SHAPE, id: 'W2-bi', name: 'adding, bidirectional', variant: { base: 'W2', bidirectional: true }, implementations: OURS_AND_TORCH },
  { ...W2_SHAPE, id: 'W2-packed', name: 'adding, packed lengths', variant: { base: 'W2', packed: true }, implementations: OURS_AND_TORCH },
  {
    id: 'W4',
    name: 'large LSTM/GRU',
    task: 'forecast',
    inputSize: 64,
    hiddenSize: 256,
    seqLength: 100,
    batchSize: 64,
    outputSize: 1,
    implementations: OURS_AND_TORCH,
    cells: ['lstm', 'gru'],
  },
];

export function runsWorkload(implementationId: string, workload: Workload): boolean {
  return workload.implementations?.includes(implementationId) ?? true;
}

export function trainsCell(workload: Workload, cell: CellType): boolean {
  return workload.cells?.includes(cell) ?? true;
}

export const CELLS: readonly CellType[] = ['rnn', 'lstm', 'gru'];

export const LEARNING_RATE = 1e-3;

/** One fixed batch in the engine's layout; every implementation trains on the same numbers. */
export type WorkloadBatch =
  { task: 'forecast'; inputs: Float32Array; targets: Float32Array; lengths?: Int32Array } | { task: 'tokens'; inputs: Int32Array; labels: Int32Array };

/**
 * Dense: inputs [B*T*I] and targets [B*outputSize] standard normal. Tokens: ids [B*T] and labels [B*T].
 * Packed: each sample's length uniform in T/2 … T, its inputs first and zeros after.
 */
export function makeBatch(workload: Workload, seed: number): WorkloadBatch {
  const random = new Random(seed);
  const { batchSize: b, seqLength: t } = workload;
  if (workload.task === 'tokens') {
    const ids = () => Int32Array.from({ length: b * t }, () => random.int(workload.inputSize));
    return { task: 'tokens', inputs: ids(), labels: ids() };
  }
  const normals = (n: number) => Float32Array.from({ length: n }, () => random.normal());
  const inputs = normals(b * t * workload.inputSize);
  const targets = normals(b * workload.outputSize);
  if (!workload.variant?.packed) return { task: 'forecast', inputs, targets };
  const lengths = Int32Array.from({ length: b }, () => Math.ceil(t / 2) + random.int(t - Math.ceil(t / 2) + 1));
  lengths.forEach((length, sample) => inputs.fill(0, (sample * t + length) * workload.inputSize, (sample + 1) * t * workload.inputSize));
  return { task: 'forecast', inputs, targets, lengths };
}
