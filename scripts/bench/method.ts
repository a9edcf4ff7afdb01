/**
 * The measuring method: per workload and cell, warm every implementation up, then time
 * several rounds of steps, interleaved round-robin so machine noise hits all alike, and
 * summarise each by the median steps/s and the min–max spread across rounds.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CellType } from '../../src/engine/spec/types';
import { gflopsPerSecond, stepFlops } from './flops';
import type { Workload, WorkloadBatch } from './workloads';

export interface RoundTiming {
  steps: number;
  seconds: number;
}

/** A model set up for one workload, ready to run training steps. */
export interface Trainer {
  /** Runs whole steps (at least `minSteps`) until `seconds` have passed. */
  run(seconds: number, minSteps: number): Promise<RoundTiming>;
  /** The loss of the last step, read back from the model (proof the step finished). */
  lastLoss(): number;
  /** Bytes held outside the JS heap (kernel memory, tensors), where the implementation can tell. */
  memoryBytes?(): number;
  dispose(): Promise<void>;
}

/** One way to train: our engine, the tf.layers reference, PyTorch. */
export interface Implementation {
  id: string;
  label: string;
  /** In-process tfjs implementations have their tensor counts checked for leaks. */
  usesTfjs: boolean;
  setup(workload: Workload, cell: CellType, batch: WorkloadBatch): Promise<Trainer>;
}

export interface MethodOptions {
  rounds: number;
  /** Length of one timed round per implementation. */
  seconds: number;
  /** Untimed steps before the rounds (V8 / wasm tier-up, caches). */
  warmupSeconds: number;
  /** Each warm-up and round runs at least this many steps, however slow. */
  minSteps: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface ImplementationResult {
  id: string;
  rounds: RoundTiming[];
  stepsPerSecond: Spread;
  /** Achieved GFLOP/s at the median steps/s (`CaseResult.flopsPerStep`). */
  gflops: number;
  /** Loss after the warm-up and after the last round: it should go down on a fixed batch. */
  loss: { afterWarmup: number; afterRounds: number };
  /** tf.memory().numTensors growth over all timed rounds (tfjs implementations); 0 means no per-step leak. */
  tensorGrowth?: number;
  /** `Trainer.memoryBytes()` after the warm-up and after the last round: equal means no growth per step. */
  memoryBytes?: { afterWarmup: number; afterRounds: number };
}

export interface CaseResult {
  workload: string;
  cell: CellType;
  /** The thread count ours and PyTorch were started with (`--threads`). */
  threads: number;
  /** The matrix products' floating-point operations in one step (see flops.ts). */
  flopsPerStep: number;
  implementations: ImplementationResult[];
  /** tf.memory().numTensors before setting the models up and after disposing them. */
  tensors: { before: number; after: number };
}

/** Runs `step` (at least `minSteps` times) until `seconds` have passed. */
export async function timeSteps(step: () => void | Promise<void>, seconds: number, minSteps: number): Promise<RoundTiming> {
  const start = performance.now();
  let steps = 0;
  let elapsed: number;
  do {
    await step();
    steps++;
    elapsed = (performance.now() - start) / 1000;
  } while (steps < minSteps || elapsed < seconds);
  return { steps, seconds: elapsed };
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Measures every implementation on one workload and cell; `threads` is recorded with the result. */
export async function measureCase(
  implementations: Implementation[],
  workload: Workload,
  cell: CellType,
  batch: WorkloadBatch,
  options: MethodOptions,
  threads: number,
): Promise<CaseResult> {
  const before = tf.memory().numTensors;
  const trainers: Trainer[] = [];
  for (const implementation of implementations) trainers.push(await implementation.setup(workload, cell, batch));

  const lossAfterWarmup: number[] = [];
  const memoryAfterWarmup: (number | undefined)[] = [];
  for (const trainer of trainers) {
    await trainer.run(options.warmupSeconds, options.minSteps);
    lossAfterWarmup.push(trainer.lastLoss());
    memoryAfterWarmup.push(trainer.memoryBytes?.());
  }

  const rounds: RoundTiming[][] = implementations.map(() => []);
  const tensorGrowth = implementations.map(() => 0);
  for (let round = 0; round < options.rounds; round++) {
    // Rotate who goes first, so no implementation always runs right after the same neighbour.
    for (let k = 0; k < trainers.length; k++) {
      const index = (round + k) % trainers.length;
      const tensorsBefore = tf.memory().numTensors;
      rounds[index].push(await trainers[index].run(options.seconds, options.minSteps));
      tensorGrowth[index] += tf.memory().numTensors - tensorsBefore;
    }
  }

  const flopsPerStep = stepFlops(workload, cell);
  const results = implementations.map((implementation, index): ImplementationResult => {
    const afterWarmup = memoryAfterWarmup[index];
    const afterRounds = trainers[index].memoryBytes?.();
    const stepsPerSecond = spread(rounds[index].map((r) => r.steps / r.seconds));
    return {
      id: implementation.id,
      rounds: rounds[index],
      stepsPerSecond,
      gflops: gflopsPerSecond(flopsPerStep, stepsPerSecond.median),
      loss: { afterWarmup: lossAfterWarmup[index], afterRounds: trainers[index].lastLoss() },
      ...(implementation.usesTfjs ? { tensorGrowth: tensorGrowth[index] } : {}),
      ...(afterWarmup !== undefined && afterRounds !== undefined ? { memoryBytes: { afterWarmup, afterRounds } } : {}),
    };
  });
  for (const trainer of trainers) await trainer.dispose();
  return { workload: workload.id, cell, threads, flopsPerStep, implementations: results, tensors: { before, after: tf.memory().numTensors } };
}
