/**
 * A run's `checkpoint.safetensors`: the trainer's checkpoint of the last finished epoch, with
 * the length the run's event files had at that moment, so that a resumed run continues them
 * from exactly there. Binary (safetensors: the weights as `weights.<name>`, the optimizer state
 * as `optimizer.<name>.<state>`, the counters as JSON metadata), so that it stays small and
 * fast for large models, and PyTorch can read it; replaced atomically and durably.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileAtomically } from '../io/files';
import type { StateDict } from '../model/types';
import type { TrainerCheckpoint } from '../train/checkpoint';
import { parseSafetensors, safetensorsBytes } from './export';
import { RUN_FILES } from './layout';

const FORMAT = 'rnn-lab-checkpoint';
const VERSION = '1';
const WEIGHTS = 'weights.';
const OPTIMIZER = 'optimizer.';

export interface RunCheckpoint extends TrainerCheckpoint {
  /** Bytes of `metrics.jsonl` and `probes.jsonl` when the checkpoint was taken. */
  metricsBytes: number;
  probesBytes: number;
}

/** The counters of a checkpoint, stored as its metadata. */
type Counters = Omit<RunCheckpoint, 'weights' | 'training'> & { optimizerStep: number; dropoutRandom: number };

/** Writes the checkpoint, reaching the disk before it returns. */
export function writeCheckpoint(runDir: string, checkpoint: RunCheckpoint): void {
  const { weights, training, ...rest } = checkpoint;
  const counters: Counters = { ...rest, optimizerStep: training.optimizerStep, dropoutRandom: training.dropoutRandom };
  const tensors = { ...prefixed(WEIGHTS, weights), ...prefixed(OPTIMIZER, training.optimizer) };
  const bytes = safetensorsBytes(tensors, { format: FORMAT, version: VERSION, counters: JSON.stringify(counters) });
  replaceFileAtomically(join(runDir, RUN_FILES.checkpoint), (tempPath) => writeFileSync(tempPath, bytes), true);
}

/** The run's checkpoint; throws an Error naming the file when it is missing or damaged. */
export function readCheckpoint(runDir: string): RunCheckpoint {
  const path = join(runDir, RUN_FILES.checkpoint);
  let parsed: ReturnType<typeof parseSafetensors>;
  try {
    parsed = parseSafetensors(readFileSync(path));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : `it is unreadable (${(error as Error).message})`;
    throw new Error(`${path}: cannot resume from this checkpoint: ${why}`, { cause: error });
  }
  const { tensors, metadata } = parsed;
  let counters: Counters | undefined;
  try {
    counters = metadata.format === FORMAT && metadata.version === VERSION ? (JSON.parse(metadata.counters) as Counters) : undefined;
  } catch {
    counters = undefined;
  }
  const problem = counters ? countersProblem(counters) : `format "${metadata.format}" version ${metadata.version}`;
  if (!counters || problem) throw new Error(`${path}: not a checkpoint this version can resume from: ${problem}`);
  const { optimizerStep, dropoutRandom, ...rest } = counters;
  return { ...rest, weights: unprefixed(WEIGHTS, tensors), training: { optimizerStep, dropoutRandom, optimizer: unprefixed(OPTIMIZER, tensors) } };
}

function countersProblem(counters: Counters): string | undefined {
  const fields = counters as unknown as Record<string, unknown>;
  const counts = ['epoch', 'step', 'elapsedMs', 'shuffler', 'metricsBytes', 'probesBytes', 'optimizerStep', 'dropoutRandom'];
  const bad = counts.find((key) => !(Number.isInteger(fields[key]) && (fields[key] as number) >= 0));
  if (bad) return `"${bad}" is not a whole number`;
  const early = counters.earlyStopping as { best?: unknown; sinceBest?: unknown } | undefined;
  if (typeof early !== 'object' || early === null || !(early.best === null || typeof early.best === 'number') || !Number.isInteger(early.sinceBest)) {
    return '"earlyStopping" is damaged';
  }
  const schedule = counters.schedule as { learningRate?: unknown; best?: unknown; badEpochs?: unknown } | undefined;
  const scheduleIntact =
    typeof schedule?.learningRate === 'number' && (schedule.best === null || typeof schedule.best === 'number') && Number.isInteger(schedule.badEpochs);
  if (schedule !== undefined && !scheduleIntact) return '"schedule" is damaged';
  return undefined;
}

function prefixed(prefix: string, tensors: StateDict): StateDict {
  return Object.fromEntries(Object.entries(tensors).map(([name, tensor]) => [`${prefix}${name}`, tensor]));
}

function unprefixed(prefix: string, tensors: StateDict): StateDict {
  return Object.fromEntries(Object.entries(tensors).flatMap(([name, tensor]) => (name.startsWith(prefix) ? [[name.slice(prefix.length), tensor]] : [])));
}
