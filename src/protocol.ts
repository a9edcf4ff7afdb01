/**
 * Every message between the extension host and a training worker, typed once.
 * (The experiment panel's messages join this module when the panel arrives.)
 *
 * A worker gets its whole job as `workerData` at start, so it needs no message listener
 * (which would keep it alive) and exits by itself when the run ends. Stopping is a flag in
 * shared memory that the training loop polls between steps.
 */
import type { BackendPreference } from './engine/backend';
import type { TrainEvent } from './engine/events';
import type { RunSummary, SweepPoint } from './engine/runs/summary';
import type { ExperimentSpec } from './engine/spec/types';

/** Host → worker, as `workerData`. */
export interface TrainingJob {
  spec: ExperimentSpec;
  sweep?: SweepPoint;
  specPath: string;
  runsRoot: string;
  backend: BackendPreference;
  resourcesDir: string;
  /** An Int32Array of one element over this buffer: 1 means stop. */
  stopFlag: SharedArrayBuffer;
}

export const STOP_REQUESTED = 1;

/** Worker → host. */
export const enum WorkerMessageType {
  /** The run folder exists; every later event is recorded in it. */
  RunCreated = 'run-created',
  /** A training event, after the run store recorded it. */
  Event = 'event',
  /** The run is over and its folder complete. */
  Finished = 'finished',
}

export interface RunCreatedMessage {
  type: WorkerMessageType.RunCreated;
  runDir: string;
}

export interface EventMessage {
  type: WorkerMessageType.Event;
  event: TrainEvent;
}

export interface FinishedMessage {
  type: WorkerMessageType.Finished;
  runDir: string;
  summary: RunSummary;
}

export type WorkerMessage = RunCreatedMessage | EventMessage | FinishedMessage;
