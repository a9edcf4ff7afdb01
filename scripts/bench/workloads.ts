/**
 * The benchmark's workloads: three problem shapes, each trained with every cell type.
 * A "step" is forward, backward and one Adam update on one fixed random batch.
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
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'W1', name: 'sine', task: 'forecast', inputSize: 1, hiddenSize: 32, seqLength: 50, batchSize: 32, outputSize: 1 },
  { id: 'W2', name: 'adding', task: 'forecast', inputSize: 2, hiddenSize: 64, seqLength: 100, batchSize: 64, outputSize: 1 },
  { id: 'W3', name: 'char LM', task: 'tokens', inputSize: 65, hiddenSize: 128, seqLength: 64, batchSize: 32, outputSize: 65 },
];

export const CELLS: readonly CellType[] = ['rnn', 'lstm', 'gru'];

export const LEARNING_RATE = 1e-3;

/** One fixed batch in the engine's layout; every implementation trains on the same numbers. */
export type WorkloadBatch = { task: 'forecast'; inputs: Float32Array; targets: Float32Array } | { task: 'tokens'; inputs: Int32Array; labels: Int32Array };

/** Dense: inputs [B*T*I] and targets [B*outputSize] standard normal. Tokens: ids [B*T] and labels [B*T]. */
export function makeBatch(workload: Workload, seed: number): WorkloadBatch {
  const random = new Random(seed);
  const { batchSize: b, seqLength: t } = workload;
  if (workload.task === 'tokens') {
    const ids = () => Int32Array.from({ length: b * t }, () => random.int(workload.inputSize));
    return { task: 'tokens', inputs: ids(), labels: ids() };
  }
  const normals = (n: number) => Float32Array.from({ length: n }, () => random.normal());
  return { task: 'forecast', inputs: normals(b * t * workload.inputSize), targets: normals(b * workload.outputSize) };
}
