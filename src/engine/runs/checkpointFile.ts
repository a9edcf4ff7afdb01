/**
 * A run's `checkpoint.json`: the trainer's checkpoint of the last finished epoch, replaced
 * atomically and durably at every epoch end, with the length the run's event files had at
 * that moment, so that a resumed run continues them from exactly there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileAtomically } from '../io/files';
import type { StateDict } from '../model/types';
import type { TrainerCheckpoint } from '../train/checkpoint';
import { RUN_FILES } from './layout';

const FORMAT = 'rnn-lab-checkpoint';
const VERSION = 1;

export interface RunCheckpoint extends TrainerCheckpoint {
  /** Bytes of `metrics.jsonl` and `probes.jsonl` when the checkpoint was taken. */
  metricsBytes: number;
  probesBytes: number;
}

type StoredTensors = Record<string, { shape: number[]; data: number[] }>;

/** Writes the checkpoint, reaching the disk before it returns. */
export function writeCheckpoint(runDir: string, checkpoint: RunCheckpoint): void {
  const { weights, training, ...rest } = checkpoint;
  const stored = {
    format: FORMAT,
    version: VERSION,
    ...rest,
    optimizerStep: training.optimizerStep,
    dropoutRandom: training.dropoutRandom,
    weights: storedTensors(weights),
    optimizer: storedTensors(training.optimizer),
  };
  replaceFileAtomically(join(runDir, RUN_FILES.checkpoint), (tempPath) => writeFileSync(tempPath, JSON.stringify(stored)), true);
}

/** The run's checkpoint; throws an Error naming the file when it is missing or damaged. */
export function readCheckpoint(runDir: string): RunCheckpoint {
  const path = join(runDir, RUN_FILES.checkpoint);
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : `it is unreadable (${(error as Error).message})`;
    throw new Error(`${path}: cannot resume from this checkpoint: ${why}`);
  }
  const problem = checkpointProblem(value);
  if (problem) throw new Error(`${path}: not a checkpoint this version can resume from: ${problem}`);
  const earlyStopping = value.earlyStopping as RunCheckpoint['earlyStopping'];
  return {
    epoch: value.epoch as number,
    step: value.step as number,
    elapsedMs: value.elapsedMs as number,
    shuffler: value.shuffler as number,
    earlyStopping: { best: earlyStopping.best, sinceBest: earlyStopping.sinceBest },
    metricsBytes: value.metricsBytes as number,
    probesBytes: value.probesBytes as number,
    weights: tensors(value.weights as StoredTensors, path),
    training: {
      optimizerStep: value.optimizerStep as number,
      dropoutRandom: value.dropoutRandom as number,
      optimizer: tensors(value.optimizer as StoredTensors, path),
    },
  };
}

function checkpointProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'it is not an object';
  const fields = value as Record<string, unknown>;
  if (fields.format !== FORMAT || fields.version !== VERSION) return `format "${String(fields.format)}" version ${String(fields.version)}`;
  const counts = ['epoch', 'step', 'elapsedMs', 'shuffler', 'metricsBytes', 'probesBytes', 'optimizerStep', 'dropoutRandom'];
  const bad = counts.find((key) => !(Number.isInteger(fields[key]) && (fields[key] as number) >= 0));
  if (bad) return `"${bad}" is not a whole number`;
  const early = fields.earlyStopping as Record<string, unknown> | undefined;
  if (typeof early !== 'object' || early === null || !(early.best === null || typeof early.best === 'number') || !Number.isInteger(early.sinceBest)) {
    return '"earlyStopping" is damaged';
  }
  for (const key of ['weights', 'optimizer']) {
    if (typeof fields[key] !== 'object' || fields[key] === null) return `"${key}" is missing`;
  }
  return undefined;
}

function storedTensors(weights: StateDict): StoredTensors {
  return Object.fromEntries(Object.entries(weights).map(([name, { shape, data }]) => [name, { shape, data: Array.from(data) }]));
}

function tensors(stored: StoredTensors, path: string): StateDict {
  const result: StateDict = {};
  for (const [name, entry] of Object.entries(stored)) {
    const size = Array.isArray(entry?.shape) ? entry.shape.reduce((a: number, b: number) => a * b, 1) : NaN;
    if (!Array.isArray(entry?.data) || entry.data.length !== size || entry.data.some((v) => typeof v !== 'number')) {
      throw new Error(`${path}: the tensor "${name}" is damaged`);
    }
    result[name] = { shape: entry.shape, data: Float32Array.from(entry.data) };
  }
  return result;
}
