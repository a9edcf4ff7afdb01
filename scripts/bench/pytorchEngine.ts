/**
 * The pytorch engine as a user meets it: each round is one `--engine pytorch` run (the export, Python's
 * start, torch's import and train.py's steps) of a spec shaped like the workload, timed from the call to
 * its end, so its steps/s include the process overhead. The time from the call to the first loss point
 * is printed for every round.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithPytorch } from '../../src/engine/pytorch/pytorchRun';
import type { CellType, DataSpec, ExperimentSpec } from '../../src/engine/spec/types';
import { REPO_ROOT } from '../vscode/paths';
import type { Implementation, Trainer } from './method';
import { LEARNING_RATE, type Workload } from './workloads';

/** Steps in one round, at least: enough that the rate is not the start-up alone. */
const ROUND_STEPS = 40;
const VALIDATION_SPLIT = 0.2;

/** Sequences for `steps` batches after the validation split is taken off. */
function sequencesFor(workload: Workload, steps: number): number {
  return Math.ceil((steps * workload.batchSize) / (1 - VALIDATION_SPLIT)) + 1;
}

/** The workload's shape as spec data: sine (W1), adding (W2), or a text of `inputSize` distinct characters (W3). */
function workloadData(workload: Workload, steps: number, dir: string): DataSpec {
  const count = sequencesFor(workload, steps);
  if (workload.task === 'tokens') {
    const alphabet = Array.from({ length: workload.inputSize }, (_, i) => String.fromCharCode(48 + i));
    let state = 7;
    const text = Array.from({ length: count * (workload.seqLength + 1) }, (_, i) =>
      i < alphabet.length ? alphabet[i] : alphabet[(state = (state * 1103515245 + 12345) % 2 ** 31) % alphabet.length],
    ).join('');
    writeFileSync(join(dir, 'text.txt'), text);
    return { type: 'text', path: 'text.txt', seqLength: workload.seqLength, validationSplit: VALIDATION_SPLIT };
  }
  if (workload.inputSize === 2) return { type: 'adding', samples: count, seqLength: workload.seqLength, validationSplit: VALIDATION_SPLIT };
  return { type: 'sine', samples: count, seqLength: workload.seqLength, noise: 0.05, horizon: 1, validationSplit: VALIDATION_SPLIT };
}

function workloadSpec(workload: Workload, cell: CellType, data: DataSpec): ExperimentSpec {
  return {
    name: `bench-${workload.id}-${cell}`,
    description: '',
    data,
    model: {
      cell,
      hiddenSize: workload.hiddenSize,
      layers: 1,
      nonlinearity: 'tanh',
      dropout: 0,
      init: 'default',
      bidirectional: false,
      projSize: 0,
      bias: true,
    },
    training: {
      epochs: 1,
      batchSize: workload.batchSize,
      optimizer: 'adam',
      learningRate: LEARNING_RATE,
      momentum: 0,
      clipNorm: 0,
      seed: 1,
      earlyStopping: null,
      weightDecay: 0,
      schedule: null,
    },
    probe: { samples: 0, everyEpochs: 1, generateLength: 1, temperature: 1 },
  };
}

export function pytorchEngineImplementation(python: string, threads: number): Implementation {
  return {
    id: 'pytorch-engine',
    label: 'pytorch engine (--engine pytorch, start-up included)',
    usesTfjs: false,
    async setup(workload, cell): Promise<Trainer> {
      const dir = mkdtempSync(join(tmpdir(), 'rnn-bench-pytorch-'));
      let loss = NaN;
      return {
        async run(_seconds, minSteps) {
          const spec = workloadSpec(workload, cell, workloadData(workload, Math.max(minSteps, ROUND_STEPS), dir));
          const started = performance.now();
          let steps = 0;
          let firstLoss = NaN;
          process.env.OMP_NUM_THREADS = String(threads);
          await runWithPytorch({
            spec,
            specPath: join(dir, 'bench.rnn.json'),
            runsRoot: join(dir, 'runs'),
            resourcesDir: join(REPO_ROOT, 'media'),
            python,
            device: 'cpu',
            onEvent: (event) => {
              if (event.type !== 'step') return;
              if (steps++ === 0) firstLoss = (performance.now() - started) / 1000;
              loss = event.loss;
            },
          });
          const seconds = (performance.now() - started) / 1000;
          console.log(`  pytorch-engine ${workload.id} ${cell}: first loss after ${firstLoss.toFixed(2)} s, ${steps} steps in ${seconds.toFixed(2)} s`);
          return { steps, seconds };
        },
        lastLoss: () => loss,
        async dispose() {
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
