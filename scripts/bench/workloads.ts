/**
 * The benchmark's workloads: three problem shapes, each trained with every cell type, and W2's shape
 * again with a bidirectional layer and with packed random lengths, to show what each costs against
 * the plain layer (ours and PyTorch only). A "step" is forward, backward and one Adam update on one fixed random batch.
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
  /** A variant of the plain workload `base`, run only by the implementations that have the option (`ours`, `torch`). */
  variant?: { base: string; bidirectional?: boolean; packed?: boolean };
}

const W2_SHAPE = { task: 'forecast', inputSize: 2, hiddenSize: 64, seqLength: 100, batchSize: 64, outputSize: 1 } as const;

export const WORKLOADS: readonly Workload[] = [
  { id: 'W1', name: 'sine', task: 'forecast', inputSize: 1, hiddenSize: 32, seqLength: 50, batchSize: 32, outputSize: 1 },
  { ...W2_SHAPE, id: 'W2', name: 'adding' },
  { id: 'W3', name: 'char LM', task: 'tokens', inputSize: 65, hiddenSize: 128, seqLength: 64, batchSize: 32, outputSize: 65 },
  { ...W2_SHAPE, id: 'W2-bi', name: 'adding, bidirectional', variant: { base: 'W2', bidirectional: true } },
  { ...W2_SHAPE, id: 'W2-packed', name: 'adding, packed lengths', variant: { base: 'W2', packed: true } },
];

/** The implementations that run the variant workloads: the options exist in our engine and in PyTorch. */
export const VARIANT_IMPLEMENTATIONS: readonly string[] = ['ours', 'torch'];

export function runsWorkload(implementationId: string, workload: Workload): boolean {
  return workload.variant === undefined || VARIANT_IMPLEMENTATIONS.includes(implementationId);
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
