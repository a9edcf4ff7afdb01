/**
 * A run's summary (`summary.json`) and the pure builder that folds the event stream into
 * it. The writer uses the builder while a run goes on; the reader uses it to rebuild a lost
 * summary from `metrics.jsonl`.
 */
import type { TrainEngine } from '../engineKind';
import type { Backend, RunStatus, TrainEvent } from '../events';

/** The runs one "train the sweep" action started: they share the id, each has its place. */
export interface SweepGroup {
  /** Sorts by start time, like run ids: `YYYYMMDD-HHMMSS-suffix`. */
  id: string;
  /** 0-based place of the run in the sweep's grid. */
  index: number;
  /** Runs in the sweep. */
  count: number;
}

/** Which point of a sweep a run is. */
export interface SweepPoint {
  /** E.g. "model.cell=lstm, training.learningRate=0.01". */
  label: string;
  /** Dotted setting → the value this run uses. */
  assignments: Record<string, unknown>;
  /** The sweep the run was trained with; absent for runs recorded before sweeps were grouped. */
  group?: SweepGroup;
}

export interface RunSummary {
  /** The run folder's name. */
  id: string;
  /** The spec's `name`. */
  experiment: string;
  status: RunStatus;
  /** Why the run stopped, failed or counts as interrupted. */
  reason?: string;
  divergedAt?: { epoch: number; step: number };
  backend?: Backend;
  backendNote?: string;
  engine?: TrainEngine;
  /** Runs of the pytorch engine: device, process count, torch version and the initial weights' source. */
  device?: string;
  worldSize?: number;
  torchVersion?: string;
  initialization?: string;
  /** The dataset's one-line description. */
  dataset?: string;
  parameterCount?: number;
  /** ISO 8601 times. `updatedAt` is when the summary was last written. */
  startedAt: string;
  updatedAt: string;
  endedAt?: string;
  durationMs: number;
  epochsPlanned?: number;
  epochsDone: number;
  steps: number;
  bestValidationLoss?: number;
  /** The epoch of `bestValidationLoss`. */
  bestEpoch?: number;
  lastValidationLoss?: number;
  lastTrainLoss?: number;
  bestValidationAccuracy?: number;
  lastValidationAccuracy?: number;
  baseline?: { loss: number; label: string };
  stepsPerSecondMedian?: number;
  specChecksum?: string;
  sweep?: SweepPoint;
  /** Set when `summary.json` was damaged and this summary was rebuilt from the metrics: what was wrong. */
  rebuilt?: string;
  /** The training process, while the status is `running`. */
  pid?: number;
  hostname?: string;
}

/** What is known about a run before its first event. */
export interface RunIdentity {
  id: string;
  experiment: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
  specChecksum?: string;
  sweep?: SweepPoint;
  pid?: number;
  hostname?: string;
}

/** Step rates kept for the median; beyond this the kept ones are thinned evenly over the run. */
const MAX_RATE_SAMPLES = 2048;

/** Folds events into a summary. No I/O and no clock: the caller passes the time. */
export class SummaryBuilder {
  private readonly fields: Omit<RunSummary, 'id' | 'experiment' | 'startedAt' | 'updatedAt' | 'durationMs' | 'specChecksum' | 'sweep' | 'pid' | 'hostname'> = {
    status: 'running',
    epochsDone: 0,
    steps: 0,
  };
  private endedAt: number | undefined;
  private rates: number[] = [];
  private rateStride = 1;
  private stepsSinceSample = 0;

  constructor(private readonly identity: RunIdentity) {}

  add(event: TrainEvent): void {
    const f = this.fields;
    switch (event.type) {
      case 'start':
        f.backend = event.backend;
        f.backendNote = event.backendNote;
        f.engine = event.engine;
        f.device = event.device;
        f.worldSize = event.worldSize;
        f.torchVersion = event.torchVersion;
        f.initialization = event.initialization;
        f.dataset = event.dataset;
        f.parameterCount = event.parameterCount;
        f.epochsPlanned = event.epochs;
        f.baseline = event.baseline;
        break;
      case 'step':
        f.steps = Math.max(f.steps, event.step);
        this.sampleRate(event.stepsPerSecond);
        break;
      case 'epoch':
        f.epochsDone = Math.max(f.epochsDone, event.epoch);
        if (Number.isFinite(event.trainLoss)) f.lastTrainLoss = event.trainLoss;
        if (Number.isFinite(event.validationLoss)) {
          f.lastValidationLoss = event.validationLoss;
          if (f.bestValidationLoss === undefined || event.validationLoss < f.bestValidationLoss) {
            f.bestValidationLoss = event.validationLoss;
            f.bestEpoch = event.epoch;
          }
        }
        if (event.validationAccuracy !== undefined) {
          f.lastValidationAccuracy = event.validationAccuracy;
          f.bestValidationAccuracy = Math.max(f.bestValidationAccuracy ?? -Infinity, event.validationAccuracy);
        }
        break;
      case 'end':
        f.status = event.status;
        f.reason = event.reason;
        f.divergedAt = event.divergedAt;
        this.endedAt = event.time;
        break;
      case 'probe':
      case 'log':
        break;
    }
  }

  /** The summary as of `now` (milliseconds since the epoch). */
  summary(now: number): RunSummary {
    const { id, experiment, startedAt, specChecksum, sweep, pid, hostname } = this.identity;
    const running = this.fields.status === 'running';
    return withoutUndefined({
      id,
      experiment,
      ...this.fields,
      startedAt: new Date(startedAt).toISOString(),
      updatedAt: new Date(now).toISOString(),
      endedAt: this.endedAt === undefined ? undefined : new Date(this.endedAt).toISOString(),
      durationMs: Math.max(0, (this.endedAt ?? now) - startedAt),
      stepsPerSecondMedian: median(this.rates),
      specChecksum,
      sweep,
      pid: running ? pid : undefined,
      hostname: running ? hostname : undefined,
    });
  }

  private sampleRate(rate: number): void {
    if (!(Number.isFinite(rate) && rate > 0) || ++this.stepsSinceSample < this.rateStride) {
      return;
    }
    this.stepsSinceSample = 0;
    this.rates.push(rate);
    if (this.rates.length >= MAX_RATE_SAMPLES) {
      this.rates = this.rates.filter((_, i) => i % 2 === 0);
      this.rateStride *= 2;
    }
  }
}

/** The summary of a whole recorded event stream. */
export function summarizeEvents(identity: RunIdentity, events: Iterable<TrainEvent>, now: number): RunSummary {
  const builder = new SummaryBuilder(identity);
  for (const event of events) {
    builder.add(event);
  }
  return builder.summary(now);
}

function median(values: number[]): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Drops keys whose value is undefined, so the JSON and deep comparisons stay clean. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
