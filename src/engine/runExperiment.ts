/**
 * Runs one experiment (one point of a sweep) from start to finish and records it, or continues
 * a stopped or interrupted run from its checkpoint: the entry points the CLI and the
 * extension's worker share. Whatever goes wrong, the run folder stays and its summary says why.
 */
import { dirname, resolve } from 'node:path';
import { initBackend } from './backend';
import { checkData } from './data/check';
import { Doctor } from './doctor/doctor';
import { DataError, loadDataset } from './data/load';
import type { BackendPreference, EngineKind } from './engineKind';
import type { EndEvent, TrainEvent } from './events';
import type { StateDict } from './model/types';
import { readWeightsFile } from './model/weightsFile';
import { estimateResources, judgeEstimate } from './resources/estimate';
import { DEFAULT_MEMORY_LIMIT_MB, MB, MemoryLimitError } from './resources/memoryLimit';
import { defaultRunsRoot, experimentDir } from './runs/layout';
import { RunWriter } from './runs/runWriter';
import type { RunSummary, SweepPoint } from './runs/summary';
import { specChecksum } from './spec/sweep';
import type { ExperimentSpec } from './spec/types';
import type { TrainerCheckpoint } from './train/checkpoint';
import { oneLineReason, trainExperiment } from './train/trainer';

export interface RunExperimentOptions {
  /** The resolved spec of this run (sweep values applied). */
  spec: ExperimentSpec;
  /** Which point of a sweep this run is, when it is one. */
  sweep?: SweepPoint;
  /** The spec file: relative data and weights paths start from its folder. */
  specPath: string;
  /** Where run folders go; `.rnn/runs` beside the spec when omitted. */
  runsRoot?: string;
  backend: BackendPreference;
  /** The WebAssembly kernels unless another engine is asked for. */
  engine?: EngineKind;
  /** The folder holding the built-in datasets (`media/`). */
  resourcesDir: string;
  /** Called once the run folder exists, before any event. */
  onRunCreated?(runDir: string): void;
  /** Every event, after it is recorded. The end event comes last, once the weights are saved. */
  onEvent?(event: TrainEvent): void;
  /** Polled between steps; true ends the run as `stopped` (its weights are kept). */
  shouldStop?(): boolean;
  /** All of the run's memory, in MB: a run estimated past it does not start, and the kernels' memory stops there. */
  memoryLimitMb?: number;
  /** Threads for the kernels (see `threadsPerRun`); 1 when omitted. */
  threads?: number;
  /** The training doctor follows the run unless this is false (the bench measures its cost). */
  doctor?: boolean;
}

export interface ResumeExperimentOptions extends Omit<RunExperimentOptions, 'spec' | 'sweep' | 'runsRoot'> {
  /** The run folder to continue; its recorded spec is trained, its data paths read from `specPath`'s folder. */
  runDir: string;
  /** The engine that trained the run unless another is asked for. */
  engine?: RunExperimentOptions['engine'];
}

export interface RunExperimentResult {
  runDir: string;
  summary: RunSummary;
}

/** The `model.init` values that name a scheme rather than a weights file. */
const INIT_SCHEMES: readonly string[] = ['default', 'identity'];

export async function runExperiment(options: RunExperimentOptions): Promise<RunExperimentResult> {
  const { spec, specPath } = options;
  const writer = RunWriter.create({
    experimentDir: experimentDir(options.runsRoot ?? defaultRunsRoot(specPath), specPath),
    specPath,
    spec,
    specChecksum: specChecksum(spec),
    sweep: options.sweep,
  });
  return record(options, writer, spec);
}

/**
 * Continues a stopped or interrupted run from its last checkpoint, appending to its files.
 * Throws, changing nothing, when the run cannot be resumed (see `RunWriter.resume`).
 */
export async function resumeExperiment(options: ResumeExperimentOptions): Promise<RunExperimentResult> {
  const { writer, stored, checkpoint, previously, engine } = RunWriter.resume(options.runDir);
  const note = `Resumed from the checkpoint after epoch ${checkpoint.epoch} (step ${checkpoint.step}); the run had ${previously}.`;
  // A run of train.py (the pytorch engine) has no checkpoint of RNN Lab's and is refused above.
  return record({ ...options, engine: options.engine ?? (engine === 'pytorch' ? undefined : engine) }, writer, stored.spec, { checkpoint, note });
}

async function record(
  options: ResumeExperimentOptions | RunExperimentOptions,
  writer: RunWriter,
  spec: ExperimentSpec,
  resume?: Resume,
): Promise<RunExperimentResult> {
  options.onRunCreated?.(writer.dir);
  const record = (event: TrainEvent): void => {
    writer.record(event);
    options.onEvent?.(event);
  };
  // The doctor follows the run; its findings are recorded as they change, the last ones before the end.
  const doctor = options.doctor === false ? undefined : new Doctor(spec);
  const emit = (event: TrainEvent): void => {
    record(event);
    const findings = doctor?.observe(event);
    if (findings) record(findings);
  };
  let summary: RunSummary;
  try {
    const end = await trainAndSave(options, spec, writer, emit, resume);
    const findings = doctor?.finish(end);
    if (findings) record(findings);
    record(end);
  } finally {
    summary = writer.close();
  }
  return { runDir: writer.dir, summary };
}

interface Resume {
  checkpoint: TrainerCheckpoint;
  /** Logged after the resumed start event. */
  note: string;
}

/** Trains, saves the weights, and returns the end event to record; never throws. */
async function trainAndSave(
  options: ResumeExperimentOptions | RunExperimentOptions,
  spec: ExperimentSpec,
  writer: RunWriter,
  emit: (event: TrainEvent) => void,
  resume: Resume | undefined,
): Promise<EndEvent> {
  const { specPath } = options;
  try {
    const { backend, note } = await initBackend(options.backend);
    const specDir = dirname(specPath);
    const engineMemoryBytes = checkResources(spec, specDir, options);
    const dataset = loadDataset(spec.data, { specDir, resourcesDir: options.resourcesDir, seed: spec.training.seed });
    // Shown with the run: a relative path may lead outside the workspace, which a trusted one allows.
    const dataFile = 'path' in spec.data ? resolve(specDir, spec.data.path) : undefined;
    const initialWeights = resume ? undefined : specInitialWeights(spec, specDir);
    let trainerEnd: EndEvent | undefined;
    const outcome = await trainExperiment({
      spec,
      dataset,
      backend,
      backendNote: note,
      engine: options.engine,
      engineMemoryBytes,
      threads: options.threads,
      initialWeights,
      resumeFrom: resume?.checkpoint,
      onCheckpoint: (checkpoint) => writer.saveCheckpoint(checkpoint),
      // The end is held back until the weights are saved, so that it means "the folder is complete".
      onEvent: (event) => {
        if (event.type === 'end') {
          trainerEnd = event;
          return;
        }
        emit(event.type === 'start' && dataFile ? { ...event, dataFile } : event);
        if (event.type === 'start' && resume) emit({ type: 'log', level: 'info', message: resume.note });
      },
      shouldStop: () => options.shouldStop?.() ?? false,
    });
    if (outcome.status !== 'failed' || (outcome.crashed && outcome.epochsFinished > 0)) {
      writer.saveWeights(outcome.weights);
    }
    return trainerEnd ?? { type: 'end', status: outcome.status, reason: outcome.reason, time: Date.now() };
  } catch (error) {
    const reason = oneLineReason(error);
    if (!(error instanceof DataError) && !(error instanceof MemoryLimitError)) {
      emit({ type: 'log', level: 'error', message: `the run failed: ${reason}`, detail: error instanceof Error ? error.stack : undefined });
    }
    return { type: 'end', status: 'failed', reason, time: Date.now() };
  }
}

/** The weights file `model.init` names (relative to the spec's folder), or undefined for an initialisation scheme. */
export function specInitialWeights(spec: ExperimentSpec, specDir: string): StateDict | undefined {
  return INIT_SCHEMES.includes(spec.model.init) ? undefined : readInitialWeights(spec.model.init, specDir);
}

/**
 * The data check and the resource estimate, again in the run: a run past the memory limit is
 * refused before anything is allocated (the loader then reads every byte of the data files, the
 * full check the validator leaves to the run). Returns the bytes left for the engine's own memory.
 */
function checkResources(spec: ExperimentSpec, specDir: string, options: Pick<RunExperimentOptions, 'resourcesDir' | 'memoryLimitMb'>): number {
  const check = checkData(spec, { specDir, resourcesDir: options.resourcesDir });
  if (check.issues.length > 0) throw DataError.from(check.issues[0]);
  const limitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  if (check.shape === undefined) return limitMb * MB;
  const estimate = estimateResources(spec, check.shape);
  const verdict = judgeEstimate(estimate, limitMb);
  if (verdict?.severity === 'error') throw new MemoryLimitError(verdict.message);
  return limitMb * MB - (estimate.total - estimate.kernelBytes);
}

/** The weights file `model.init` names, relative to the spec's folder. */
function readInitialWeights(init: string, specDir: string): StateDict {
  try {
    return readWeightsFile(resolve(specDir, init));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DataError(`Cannot read the initial weights "${init}" (model.init): ${why}`, ['model', 'init']);
  }
}
