/**
 * A run's summary (`summary.json`), made from the run's follower: the writer builds it while a
 * run goes on, the reader rebuilds a lost one from `metrics.jsonl`, and the editor describes its
 * live runs with it.
 */
import type { Finding } from '../doctor/types';
import type { TrainEngine } from '../engineKind';
import type { Backend, TrainEvent } from '../events';
import { followEvents, RunFollower, type RunState } from './runFollower';
import { recordedStatus, type RecordedRunStatus } from './runStatus';

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
  status: RecordedRunStatus;
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
  /** The data file the spec named, resolved (absolute). */
  dataFile?: string;
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
  /** The training doctor's latest findings (absent for runs recorded before it). */
  findings?: readonly Finding[];
  /** Set when `summary.json` was damaged and this summary was rebuilt from the metrics: what was wrong. */
  rebuilt?: string;
  /** The training process, while the status is `running`: its id, host and start time (`processStartTime`). */
  pid?: number;
  hostname?: string;
  processStartedAt?: number;
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
  processStartedAt?: number;
}

/** Folds events into a summary, through the run's one follower. No I/O and no clock: the caller passes the time. */
export class SummaryBuilder {
  private readonly follower = new RunFollower();

  constructor(private readonly identity: RunIdentity) {}

  add(event: TrainEvent): void {
    this.follower.add(event);
  }

  /** The summary as of `now` (milliseconds since the epoch). */
  summary(now: number): RunSummary {
    return summaryOfRun(this.identity, this.follower, now);
  }
}

/** A run's summary as of `now`, from what its follower knows. */
export function summaryOfRun(identity: RunIdentity, run: Readonly<RunState>, now: number): RunSummary {
  const { id, experiment, startedAt, specChecksum, sweep, pid, hostname, processStartedAt } = identity;
  const status = recordedStatus(run.status);
  const running = status === 'running';
  const start = run.start;
  return withoutUndefined({
    id,
    experiment,
    status,
    reason: run.reason,
    divergedAt: run.divergedAt,
    backend: start?.backend,
    backendNote: start?.backendNote,
    engine: start?.engine,
    device: start?.device,
    worldSize: start?.worldSize,
    torchVersion: start?.torchVersion,
    initialization: start?.initialization,
    dataset: start?.dataset,
    dataFile: start?.dataFile,
    parameterCount: start?.parameterCount,
    startedAt: new Date(startedAt).toISOString(),
    updatedAt: new Date(now).toISOString(),
    endedAt: run.endedAt === undefined ? undefined : new Date(run.endedAt).toISOString(),
    durationMs: trainingTime(run, startedAt, now),
    epochsPlanned: start?.epochs,
    epochsDone: run.epochsDone,
    steps: run.step,
    bestValidationLoss: run.bestValidationLoss,
    bestEpoch: run.bestEpoch,
    lastValidationLoss: run.lastValidationLoss,
    lastTrainLoss: run.lastTrainLoss,
    bestValidationAccuracy: run.bestValidationAccuracy,
    lastValidationAccuracy: run.lastValidationAccuracy,
    baseline: start?.baseline,
    stepsPerSecondMedian: run.stepsPerSecond,
    specChecksum,
    findings: run.findings,
    sweep,
    pid: running ? pid : undefined,
    hostname: running ? hostname : undefined,
    processStartedAt: running ? processStartedAt : undefined,
  });
}

/** How long the run has trained: since its start, or, once resumed, the time before the resume plus the time since. */
function trainingTime(run: Readonly<RunState>, startedAt: number, now: number): number {
  const resumed = run.start?.resumedFrom;
  const stretchStart = resumed && run.start ? run.start.time : startedAt;
  return (resumed?.durationMs ?? 0) + Math.max(0, (run.endedAt ?? now) - stretchStart);
}

/** The summary of a whole recorded event stream. */
export function summarizeEvents(identity: RunIdentity, events: Iterable<TrainEvent>, now: number): RunSummary {
  return summaryOfRun(identity, followEvents(events), now);
}

/** Drops keys whose value is undefined, so the JSON and deep comparisons stay clean. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
